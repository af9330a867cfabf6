from pathlib import Path

import pytest

from grader.engine.judge import Judge
from grader.engine.pack import Pack, load_pack

PACKS = Path(__file__).parent / "packs"

# The packs' tests.py are challenge tests run by the judge, not pytest modules
# (pytest-django's usual python_files includes tests.py).
collect_ignore = ["packs"]


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(PACKS / "double")


@pytest.fixture(scope="session")
def judge():
    judge = Judge()
    yield judge
    judge.close()
