"""The seccomp rules against signals aimed through files, watches and other
processes' pids and clocks, and the Landlock paths the learner may read
(docs/architecture.md, "The sandbox").

Most run learner code through the judge (test_attacks's arena). Where this
machine's layers would hide what one layer does, the test forks a process of
its own and hardens it with chosen layers: Landlock without signal scoping, as
on kernels before 6.12, or no uid drop, whose file permissions may keep the
interpreter out of reach anyway.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import sys
import sysconfig
import tempfile
import traceback
from pathlib import Path

import pytest

from grader.engine.results import Verdict
from grader.engine.sandbox import hardening
from grader.engine.sandbox.client import ROOT

from . import test_attacks
from .test_attacks import as_sandbox_uid

arena, open_dir = test_attacks.arena, test_attacks.open_dir  # its fixtures, used here too

# Outside test_attacks's SANDBOX_UIDS: an attack test running meanwhile would
# count our processes as strays.
TEST_UID = 63990

CHECK = """
import ctypes, fcntl, os, time
libc = ctypes.CDLL(None, use_errno=True)

def c(ret):  # a libc call that sets errno
    if ret < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return ret

def rc(ret):  # one that returns the error number
    if ret:
        raise OSError(ret, os.strerror(ret))
"""


def refused(arena, call: str) -> None:
    """*call* (an expression), made by learner code, fails with EPERM."""
    result = arena.grade(f"{CHECK}\ndef double(x):\n    {call}\n    return 2 * x\n")
    assert "PermissionError" in result.tests[0].message, result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


# ---- signals through files ---------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        "fcntl.fcntl(os.pipe()[0], fcntl.F_SETOWN, {judge_pid})",
        "fcntl.fcntl(os.pipe()[0], fcntl.F_SETOWN, -{judge_pid})",  # a process group
        "fcntl.fcntl(os.pipe()[0], 15, (1).to_bytes(4, 'little') + ({judge_pid}).to_bytes(4, 'little'))",
        "fcntl.fcntl(os.pipe()[0], fcntl.F_SETSIG, 9)",
        "fcntl.fcntl(os.open('.', os.O_RDONLY), fcntl.F_NOTIFY, fcntl.DN_CREATE | fcntl.DN_MULTISHOT)",
    ],
    ids=["setown", "setown-group", "setown-ex", "setsig", "dnotify"],
)
def test_fcntl_commands_that_aim_signals(arena, call):
    refused(arena, call)


def test_harmless_fcntl_commands_still_work(judge, pack):
    code = (
        f"{CHECK}\ndef double(x):\n"
        "    r, w = os.pipe()\n"
        "    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)\n"
        "    fcntl.fcntl(r, fcntl.F_SETFD, fcntl.FD_CLOEXEC)\n"
        "    assert fcntl.fcntl(r, fcntl.F_GETOWN) == 0 and fcntl.fcntl(r, fcntl.F_GETSIG) == 0\n"
        "    return 2 * x\n"
    )
    result = judge.grade(pack, code, run_only=True)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


VICTIM_READY = b"r"

SIGIO_ATTACK = """
import fcntl, os, signal
r, w = os.pipe()
try:
    fcntl.fcntl(r, fcntl.F_SETOWN, victim)
    fcntl.fcntl(r, fcntl.F_SETSIG, signal.SIGKILL)
except OSError as e:
    report({"refused": e.errno})
else:
    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_ASYNC)
    os.write(w, b"x")  # data to read: the kernel signals the owner, before write returns
    report({"sent": True})
"""


def hardened_uid() -> int | None:
    return TEST_UID if os.geteuid() == 0 else None


def fork_victim(uid: int | None) -> tuple[int, int]:
    """A process of *uid* (the standby, say) that waits until its pipe closes;
    its pid and the pipe's write end."""
    ready_r, ready_w = os.pipe()
    hold_r, hold_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(hold_w)
            if uid is not None:
                hardening.drop_privileges(uid)
            os.write(ready_w, VICTIM_READY)
            os.read(hold_r, 1)
        finally:
            os._exit(0)
    os.close(hold_r)
    os.close(ready_w)
    assert os.read(ready_r, 1) == VICTIM_READY
    os.close(ready_r)
    return pid, hold_w


def run_hardened(code: str, *, layers: dict, uid: int | None, **values) -> dict:
    """Run *code* in a process forked from this one and hardened as a learner
    process is, with these *layers*; *values* are its globals, and ``report``
    sends back what it finds (one JSON object)."""
    scratch = tempfile.mkdtemp(prefix="hardening-test-")
    if uid is not None:
        os.chown(scratch, uid, uid)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(w, 3)
            hardening.harden(keep_fds=4, scratch=scratch, uid=uid, layers=layers, readable=layers["readable"])

            def report(found: dict) -> None:
                os.write(3, json.dumps(found).encode())

            exec(code, {"report": report, **values})  # noqa: S102
        except BaseException:  # noqa: BLE001
            os.write(3, json.dumps({"failed": traceback.format_exc()}).encode())
        finally:
            os._exit(0)
    os.close(w)
    try:
        with os.fdopen(r, "rb") as f:
            out = f.read()
        os.waitpid(pid, 0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    found = json.loads(out or b"{}")
    assert "failed" not in found, found["failed"]
    return found


@pytest.fixture(scope="module")
def layers() -> dict:
    found = hardening.detect_layers()
    found["readable"] = hardening.readable_paths()
    return found


@pytest.mark.parametrize("seccomp", [True, False], ids=["sandboxed", "control-without-seccomp"])
def test_sigio_cannot_kill_another_process_without_landlock_signal_scoping(layers, seccomp):
    # Landlock ABI 5 has no signal scoping: a kernel before 6.12.
    if seccomp and not layers["seccomp"]:
        pytest.skip("no seccomp here (pyseccomp or libseccomp missing)")
    chosen = dict(layers, landlock_abi=min(layers["landlock_abi"], 5))
    if not seccomp:
        chosen["seccomp"] = False
    uid = hardened_uid()
    victim, hold = fork_victim(uid)
    try:
        found = run_hardened(SIGIO_ATTACK, layers=chosen, uid=uid, victim=victim)
    finally:
        os.close(hold)
        _, status = os.waitpid(victim, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if seccomp:
        assert found == {"refused": 1} and not killed, (found, status)
    else:  # what seccomp stops: the attack works on this kernel
        assert found == {"sent": True} and killed, (found, status)


# ---- watching, and other processes' pids and clocks --------------------------------


@pytest.mark.parametrize(
    "call",
    [
        "c(libc.inotify_init())",
        "c(libc.inotify_init1(0))",
        "c(libc.inotify_add_watch(-1, b'/tmp', 0xFFF))",  # EBADF, were it not refused first
        "c(libc.fanotify_init(0x200, 0))",  # FAN_REPORT_FID: allowed unprivileged since Linux 5.13
        "c(libc.fanotify_mark(-1, 1, 0x3F, -100, b'/tmp'))",
    ],
    ids=["inotify_init", "inotify_init1", "inotify_add_watch", "fanotify_init", "fanotify_mark"],
)
def test_watching_files(arena, call):
    refused(arena, call)


@pytest.mark.parametrize(
    "call",
    [
        "rc(libc.clock_getcpuclockid({judge_pid}, ctypes.byref(ctypes.c_int())))",
        "time.clock_gettime((~{judge_pid} << 3) | 2)",  # its CPUCLOCK_SCHED
        "time.clock_getres((~1 << 3) | 0)",  # init's CPUCLOCK_PROF
        "c(libc.timer_create((~{judge_pid} << 3) | 2, None, ctypes.byref(ctypes.c_void_p())))",
        "os.getsid({judge_pid})",
        "os.getpgid({judge_pid})",
        "os.sched_getaffinity({judge_pid})",
        "os.sched_getscheduler({judge_pid})",
        "os.sched_getparam({judge_pid})",
        "os.sched_rr_get_interval({judge_pid})",
        "os.getpriority(os.PRIO_PROCESS, {judge_pid})",
    ],
    ids=[
        "clock_getcpuclockid", "clock_gettime", "clock_getres", "timer_create", "getsid", "getpgid",
        "sched_getaffinity", "sched_getscheduler", "sched_getparam", "sched_rr_get_interval",
        "getpriority",
    ],
)  # fmt: skip
def test_another_processs_clock_or_pid(arena, call):
    # each of these answers about any pid, or tells a live pid from a free one
    refused(arena, call)


def test_the_processs_own_clocks_and_pid_still_work(judge, pack):
    code = (
        f"{CHECK}\nimport threading\n"
        "def double(x):\n"
        "    me = ctypes.c_int()\n"
        "    for pid in (0, os.getpid()):\n"
        "        rc(libc.clock_getcpuclockid(pid, ctypes.byref(me)))\n"
        "        assert time.clock_gettime(me.value) > 0\n"
        "    assert time.process_time() > 0 and time.thread_time() > 0\n"
        "    assert time.clock_gettime(time.pthread_getcpuclockid(threading.get_ident())) > 0\n"
        "    time.clock_getres(time.CLOCK_MONOTONIC), time.clock_gettime(time.CLOCK_REALTIME)\n"
        "    assert os.getsid(0) == os.getsid(os.getpid()) == os.getpgid(0) == os.getpid()\n"
        "    assert os.sched_getaffinity(0) == os.sched_getaffinity(os.getpid())\n"
        "    os.getpriority(os.PRIO_PROCESS, 0), os.getpriority(os.PRIO_PROCESS, os.getpid())\n"
        "    os.kill(os.getpid(), 0)\n"
        "    return 2 * x\n"
    )
    result = judge.grade(pack, code, run_only=True)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


# ---- what the learner may read -----------------------------------------------------


def needs_landlock(judge) -> None:
    judge.sandbox.start()
    if not judge.sandbox.layers.get("landlock_abi"):
        pytest.skip("the kernel has no Landlock: only file permissions limit what the learner reads")


def other_site_packages() -> list[str]:
    """Files of packages beside numpy: the venv's (Django) and, where it has
    any, the interpreter's own site-packages (the Docker image's only one)."""
    found = [importlib.util.find_spec("django").origin]
    base = sysconfig.get_path("purelib", vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    found += [str(p) for p in sorted(Path(base).glob("*/__init__.py"))[:1]]
    return found


@pytest.mark.parametrize("which", ["django", "project"])
def test_reading_other_packages_or_the_project(arena, judge, which):
    needs_landlock(judge)
    path = other_site_packages()[0] if which == "django" else str(Path(ROOT) / "challenges/library/softmax/solution.py")
    if judge.sandbox.layers.get("uid_drop"):  # only the sandbox stands in the way
        assert as_sandbox_uid(judge, Path(path).read_text)
    refused(arena, f"open({path!r}).read()")


def test_importing_another_package(arena, judge):
    needs_landlock(judge)
    refused(arena, "__import__('django')")


def test_numpy_submodules_and_preloaded_modules_still_import(judge, pack):
    # not imported by the zygote: read from numpy's directory after hardening
    lazy = ["numpy.polynomial", "numpy.ma", "numpy.lib.recfunctions", "numpy.ctypeslib"]
    code = (
        "import importlib, sys\n"
        f"lazy = {lazy!r}\n"
        "fresh = [name for name in lazy if name not in sys.modules]\n"
        "for name in lazy:\n"
        "    importlib.import_module(name)\n"
        "import json, fractions, numpy.linalg\n"
        "import numpy as np\n"
        "def double(x):\n"
        "    assert fresh == lazy, fresh\n"
        "    assert np.polynomial.Polynomial([0, 2])(1) == 2 and np.ma.masked_array([1]).sum() == 1\n"
        "    return 2 * x\n"
    )
    result = judge.grade(pack, code, run_only=True)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


READS = """
import importlib, sys
found = {}
for path in paths:
    try:
        open(path, "rb").close()
        found[path] = "read"
    except OSError as e:
        found[path] = e.errno
for name in modules:  # imported afresh, from their files
    for loaded in [m for m in sys.modules if m == name or name.startswith(m + ".")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
        found[name] = "imported"
    except Exception as e:
        found[name] = repr(e)
report(found)
"""


def test_landlock_allows_the_standard_library_but_not_its_site_packages(layers):
    # Without the uid drop, whose file permissions may keep the interpreter out
    # of reach anyway (here it lives under /root): Landlock alone decides.
    if not layers["landlock_abi"]:
        pytest.skip("the kernel has no Landlock")
    others = other_site_packages()
    # a module, a C extension (lib-dynload) and a package of the standard library
    stdlib = [os.__file__, importlib.util.find_spec("_ctypes").origin]
    modules = ["colorsys", "pydoc_data.topics"]
    found = run_hardened(READS, layers=layers, uid=None, paths=[*others, *stdlib], modules=modules)
    assert found == {**dict.fromkeys(others, 13), **dict.fromkeys(stdlib, "read"), **dict.fromkeys(modules, "imported")}
