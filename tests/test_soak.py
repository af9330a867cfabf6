"""Two minutes of the soak (tests/support/soak.py; ``make soak`` runs thirty):
mixed traffic through gunicorn, PostgreSQL and Redis while a worker is
restarted gracefully and outright and Redis is restarted once. Every grading
asked for is stored once with the right verdict, and nothing leaks."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from conftest import require

pytestmark = pytest.mark.slow  # starts the whole stack

# The seeds and a few more, large inputs among them: every reference and mutant
# of the whole library is the warm-up of make soak, minutes long.
PACKS = [
    "softmax",
    "cross-entropy",
    "softmax-gradient-step",
    "batch-norm",
    "cosine-similarity",
    "dropout",
    "k-means-step",
]


def _postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False


def test_two_minutes_of_traffic_lose_nothing_and_leak_nothing(tmp_path):
    require(_postgres_answers(), "the soak needs PostgreSQL on 127.0.0.1:5432")
    require(shutil.which("redis-server") is not None, "the soak starts a redis-server of its own")
    figures = tmp_path / "soak.json"
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.soak", "--minutes", "2", "--restart-every", "30",
         "--learners", "4", "--json", str(figures), *(f"--pack={slug}" for slug in PACKS),
         "--database-url", f"postgres://postgres@127.0.0.1:5432/grader_soak_{os.getpid()}"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    report = result.stdout + result.stderr[-3000:]
    assert figures.exists(), report
    soak = json.loads(figures.read_text())
    assert soak["asked"] >= 50 and soak["submits"] >= 25, report  # real traffic, not a quiet two minutes
    assert soak["stored"] == soak["asked"], report
    assert (soak["lost"], soak["stuck"], soak["duplicates"], soak["wrong"]) == ([], [], [], []), report
    assert soak["leaks"] == [], report
    events = " ".join(soak["events"])
    assert "Redis restarted" in events and "SIGTERM" in events and "SIGKILL" in events, report
    assert [s["at"] for s in soak["samples"]] == sorted(s["at"] for s in soak["samples"]) and len(soak["samples"]) == 3
    assert result.returncode == 0, report
