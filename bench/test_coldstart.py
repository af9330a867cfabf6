"""The benchmarks' baseline: a fresh python per grading, with nothing but what
grading needs (bench/coldstart.py). It must grade as the judge does, or the
ratio it anchors means nothing."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from bench.coldstart import grade_in_process
from grader.engine.judge import Judge
from grader.engine.pack import load_pack

LIBRARY = Path(settings.CHALLENGE_LIBRARY)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the naive softmax overflows, as it should
def test_it_passes_and_fails_what_the_judge_does():
    pack = load_pack(LIBRARY / "softmax")
    naive = (LIBRARY / "softmax" / "mutants" / "naive.py").read_text()
    judge = Judge()
    try:
        for code in (pack.solution, naive):
            failed: list[str] = []
            passed = grade_in_process(pack, code, seed=7, failed=failed)
            result = judge.grade(pack, code, seed=7)
            assert passed == sum(t.status == "passed" for t in result.tests)
            assert sorted(n.split(":")[0] for n in failed) == sorted(
                t.name for t in result.tests if t.status != "passed"
            )
    finally:
        judge.close()


def test_the_child_imports_numpy_and_the_engine_only(tmp_path):
    solution = tmp_path / "solution.py"
    solution.write_text((LIBRARY / "cross-entropy" / "solution.py").read_text())
    probe = (
        "import runpy, sys, json\n"
        "sys.argv = ['coldstart', sys.argv[1], sys.argv[2], '3']\n"
        "runpy.run_module('bench.coldstart', run_name='__main__')\n"
        "heavy = {'asyncio', 'multiprocessing', 'django', 'celery', 'grader.engine.judge', 'grader.engine.sandbox.client'}\n"
        "print(json.dumps(sorted(heavy & set(sys.modules))))\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", probe, str(LIBRARY / "cross-entropy"), str(solution)],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    counts, imported = (json.loads(line) for line in child.stdout.splitlines())
    assert counts["passed"] == counts["total"] > 0 and counts["failed"] == []
    assert imported == []
