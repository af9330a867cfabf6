"""Learner processes' scratch directories: one folder per zygote, named by
its pid, removed when the zygote ends, and by the next judge when a worker
was killed outright and left one behind."""

import os
import tempfile
from pathlib import Path

from grader.engine.judge import Judge
from grader.engine.sandbox.client import Sandbox
from grader.engine.sandbox.zygote import scratch_prefix


def roots(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(scratch_prefix(pid) + "*"))


def test_a_zygotes_scratch_is_one_folder_gone_when_it_ends(pack):
    judge = Judge(Sandbox(slot=7))
    try:
        for _ in range(5):
            assert judge.grade(pack, pack.solution).verdict == "passed"
        pid = judge.sandbox._proc.pid
        (root,) = roots(pid)
        assert 1 <= len(list(root.iterdir())) <= 3  # the standby's, and ended learners' not yet reaped
    finally:
        judge.close()
    assert roots(pid) == []


def test_the_next_judge_removes_what_a_killed_worker_left(pack):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a zygote that no longer runs
    left = Path(tempfile.mkdtemp(prefix=scratch_prefix(pid)))
    (left / "learner-x").mkdir()
    (left / "learner-x" / "out.npy").write_bytes(b"x")
    alive = Path(tempfile.mkdtemp(prefix=scratch_prefix(os.getpid())))  # a running one's stays
    judge = Judge(Sandbox(slot=8))
    try:
        assert judge.grade(pack, pack.solution).verdict == "passed"
        assert not left.exists()
        assert alive.exists()
    finally:
        judge.close()
        alive.rmdir()
