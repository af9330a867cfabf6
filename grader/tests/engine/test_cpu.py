"""Where gradings run: the judge and its learner process on one CPU, the zygote
beside them; and a standby warmed up only when the CPUs have time to spare."""

import dataclasses
import os

import pytest

from grader.engine.judge import Judge
from grader.engine.results import Verdict
from grader.engine.sandbox import zygote

TESTS = """
import os

from grader.engine.testing import sample


@sample
def test_the_learner_runs_on_the_judges_one_cpu(learner):
    judge = sorted(os.sched_getaffinity(0))
    assert len(judge) == 1, f"the judge may run on CPUs {judge}"
    theirs = learner.cpus().tolist()
    assert theirs == judge, f"the learner process may run on CPUs {theirs}, the judge on {judge}"
"""

CODE = """
import os

import numpy as np


def double(x):
    return 2 * x


def cpus():
    return np.array(sorted(os.sched_getaffinity(0)))
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs or more to choose from")
def test_a_grading_runs_on_one_cpu_and_the_zygote_on_the_others(judge, pack):
    before = os.sched_getaffinity(0)
    result = judge.grade(dataclasses.replace(pack, tests=TESTS), CODE)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]
    assert os.sched_getaffinity(0) == before, "the judge's CPUs are given back after the grading"
    cpu = sorted(before)[judge.sandbox.slot % len(before)]
    assert os.sched_getaffinity(judge.sandbox._proc.pid) == before - {cpu}


def test_a_grading_on_a_single_cpu_is_not_pinned(pack, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    pinned = []
    monkeypatch.setattr(os, "sched_setaffinity", lambda pid, cpus: pinned.append((pid, cpus)))
    judge = Judge()  # its own zygote, started with one CPU to use
    try:
        result = judge.grade(pack, pack.solution)
    finally:
        judge.close()
    assert result.verdict == Verdict.PASSED
    assert pinned == []


def test_a_grading_goes_on_where_cpu_affinity_cannot_be_set(pack, monkeypatch):
    def refuse(pid, cpus):
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    judge = Judge()
    try:
        result = judge.grade(pack, pack.solution)
    finally:
        judge.close()
    assert result.verdict == Verdict.PASSED, result.error


@pytest.mark.parametrize(
    "pressure, spare",
    [
        ("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", True),
        ("some avg10=9.99 avg60=40.00 avg300=40.00 total=123\n", True),
        ("some avg10=10.00 avg60=0.00 avg300=0.00 total=123\n", False),
        ("some avg10=73.51 avg60=61.02 avg300=20.77 total=98765\n", False),
    ],
)
def test_a_standby_is_warmed_up_only_when_the_cpus_have_time_to_spare(tmp_path, pressure, spare):
    (tmp_path / "cpu").write_text(pressure)
    assert zygote.cpu_to_spare(str(tmp_path / "cpu")) is spare


@pytest.mark.parametrize("load, spare", [(0.5, True), (1.9, True), (2.0, False), (7.0, False)])
def test_without_cpu_pressure_figures_the_load_average_decides(tmp_path, monkeypatch, load, spare):
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert zygote.cpu_to_spare(str(tmp_path / "absent")) is spare
    (tmp_path / "garbled").write_text("nothing here\n")
    assert zygote.cpu_to_spare(str(tmp_path / "garbled")) is spare
