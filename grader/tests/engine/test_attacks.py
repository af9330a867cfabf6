"""Learner code that attacks the sandbox (docs/architecture.md, "The trust boundary" and
"Sandbox layers"). Each attack must not pass, and must leave nothing behind:
no file outside the sandbox, no connection to a listener of ours, no process,
no scratch directory; the zygote survives and the judge still grades.

Targets are put where plain file permissions would let the sandbox uid reach
them (a world-writable directory, a world-readable file), and a control check
proves it, so what stops an attack is the sandbox and not the file mode.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.engine.judge import Judge
from grader.engine.pack import Limits
from grader.engine.results import Verdict
from grader.engine.sandbox.client import OUTPUT_CAP, ROOT, UID_BASE, WAIT_FACTOR

from .conftest import PACKS

SANDBOX_UIDS = range(64000, 65000)
CANARY = "canary-6f1d0c55e2a4"  # what a leak would show


# ---- processes -----------------------------------------------------------------


def first_part(message: str) -> str:
    """A test's own message, without the call a failed sample test shows below it."""
    return message.split("\n\nThe last call: ")[0]


@dataclass
class Proc:
    pid: int
    ppid: int
    uid: int
    state: str  # "Z": a zombie, dead and waiting to be reaped
    cmdline: str


def processes() -> dict[int, Proc]:
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/status") as f:
                uid = next(int(line.split()[1]) for line in f if line.startswith("Uid:"))
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue  # ended while we looked
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        out[int(entry)] = Proc(int(entry), int(ppid), uid, state, cmdline)
    return out


def leftovers(judge: Judge, zygote_pid: int, gone: list[str], since: float) -> list[str]:
    """What the gradings since *since* (a time.time()) left behind; empty when nothing."""
    problems = []
    procs = processes()
    if zygote_pid not in procs or judge.sandbox._proc is None or judge.sandbox._proc.pid != zygote_pid:
        problems.append(f"the zygote {zygote_pid} did not survive")
    # Every live sandbox-uid process must belong to a zygote (ours or another
    # grader's on this machine): an escaped daemon would be re-parented. (A
    # closed judge's learners die with their zygote; init reaps them slowly.)
    zygotes = {p.pid for p in procs.values() if "grader.engine.sandbox.zygote" in p.cmdline}
    problems += [
        f"stray process {p}"
        for p in procs.values()
        if p.uid in SANDBOX_UIDS and p.ppid not in zygotes and p.state != "Z"
    ]
    # Our zygote's children: none, but for the spare learner process forked
    # ahead of need and the zygote's standby (hardened, holding no pipe yet).
    children = [p for p in procs.values() if p.ppid == zygote_pid]
    allowed = 0 if getattr(judge.sandbox, "_spare", None) is None else 1
    pipes = {p.pid: True if p.state == "Z" else holds_learner_pipes(p.pid) for p in children}
    # a learner process that ended while we looked has no fds left: not a standby, not a leftover
    children = [p for p in children if p.state == "Z" or running(p.pid)]
    learners = [p for p in children if pipes[p.pid] is not False]
    standbys = [p for p in children if pipes[p.pid] is False]
    unknown = sum(1 for v in pipes.values() if v is None)  # not root: /proc/<pid>/fd is out of reach
    if len(standbys) > 1 or len(learners) > allowed + min(unknown, 1 - len(standbys)):
        problems.append(f"zygote children {children} (at most {allowed} learner process and a standby expected)")
    problems += [f"{path} still exists" for path in gone if os.path.lexists(path)]
    if judge.sandbox.layers.get("uid_drop"):
        problems += [f"{path} was left behind" for path in files_of(UID_BASE + judge.sandbox.slot, since)]
    problems += [f"System V IPC object left behind: {obj}" for obj in ipc_objects() if obj["cuid"] in SANDBOX_UIDS]
    return problems


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def holds_learner_pipes(pid: int) -> bool | None:
    """Whether a zygote child is a learner process (its fd 3 is the request pipe)
    rather than the standby (fd 3 is /dev/null until it is assigned); None when
    /proc will not say."""
    try:
        return os.readlink(f"/proc/{pid}/fd/3").startswith("pipe:")
    except FileNotFoundError:
        return False
    except PermissionError:
        return None


def ipc_objects() -> list[dict]:
    """System V shared memory, message queues and semaphores: they outlive processes."""
    found = []
    for kind in ("shm", "msg", "sem"):
        with open(f"/proc/sysvipc/{kind}") as f:
            names = f.readline().split()
            found += [{"kind": kind, **dict(zip(names, map(int, line.split()), strict=True))} for line in f]
    return found


def files_of(uid: int, since: float) -> list[Path]:
    """What *uid* made since *since* in the world-writable places, but for the
    zygote's empty working directories (the spare process has one)."""
    found = []
    for place in ("/tmp", "/var/tmp", "/dev/shm"):
        for path in Path(place).iterdir():
            try:
                st = path.lstat()
                if st.st_uid != uid or st.st_ctime < since:
                    continue
                if path.name.startswith("grader-") and path.is_dir() and not any(path.iterdir()):
                    continue
            except FileNotFoundError:
                continue
            found.append(path)
    return found


def as_sandbox_uid(judge: Judge, action) -> bool:
    """Whether *action* succeeds for the sandbox uid with only file permissions in the way."""
    uid = UID_BASE + judge.sandbox.slot
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            action()
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


# ---- the arena: listeners, targets, and the checks after each attack -------------


class Arena:
    def __init__(self, judge: Judge, pack, open_dir: Path) -> None:
        self.judge, self.pack = judge, pack
        self.dir = open_dir
        self.target = open_dir / "escaped"  # no attack may create it
        self.canary = open_dir / "canary.txt"
        self.canary.write_text(CANARY + "\n")
        self.canary.chmod(0o644)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.port = self.tcp.getsockname()[1]
        self.unix_path = str(open_dir / "listener.sock")
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(self.unix_path)
        os.chmod(self.unix_path, 0o777)
        self.unix.listen(8)
        self.abstract_name = f"\0grader-test-{os.getpid()}-{open_dir.name}"
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind(self.abstract_name)
        self.abstract.listen(8)
        self.values = {
            "target": str(self.target),
            "canary": str(self.canary),
            "port": self.port,
            "unix": self.unix_path,
            "abstract": self.abstract_name,
            "judge_pid": os.getpid(),
            "pack_dir": str(PACKS / "double"),
        }
        judge.sandbox.start()
        self.zygote_pid = judge.sandbox._proc.pid
        self.started = time.time() - 1  # file times are coarser than time.time()

    def close(self) -> None:
        for s in (self.tcp, self.unix, self.abstract):
            s.close()

    def grade(self, code: str, *, run_only: bool = True):
        """Grade attack *code*; {target}, {canary}, {port}... are filled in."""
        for key, value in self.values.items():
            code = code.replace("{" + key + "}", repr(value))
        start = time.monotonic()
        result = self.judge.grade(self.pack, code, run_only=run_only)
        # the learner's limits are in its CPU and idle seconds; the clock on the wall is bound by both
        wall = self.pack.limits.time_total * (1 + WAIT_FACTOR) + 2
        assert time.monotonic() - start < wall, "the grading overran its limits"
        return result

    def connections(self) -> list[str]:
        """Which listeners a connection reached (a short accept timeout on all three)."""
        listeners = {self.tcp: "tcp", self.unix: "unix", self.abstract: "abstract"}
        ready, _, _ = select.select(list(listeners), [], [], 0.05)
        for s in ready:
            s.accept()[0].close()
        return sorted(listeners[s] for s in ready)

    def assert_contained(self, result, verdict: str | None = None, *, gone: list[str] = ()) -> None:
        """The checks every attack ends with."""
        assert result.verdict != Verdict.PASSED, result
        if verdict is not None:
            assert result.verdict == verdict, (result.verdict, result.error, [t.message for t in result.tests])
        assert not self.target.exists(), "a file was written outside the sandbox"
        assert sorted(p.name for p in self.dir.iterdir()) == ["canary.txt", "listener.sock"]
        assert self.connections() == [], "a connection reached our listener"
        for text in [result.stdout, result.error, *(t.message for t in result.tests)]:
            assert CANARY not in text
        assert len(result.stdout) <= OUTPUT_CAP + 100
        deadline = time.monotonic() + 5
        while problems := leftovers(self.judge, self.zygote_pid, list(gone), self.started):
            if time.monotonic() > deadline:
                pytest.fail("; ".join(problems))
            time.sleep(0.01)  # polling for the zygote to reap a killed process
        assert self.judge.grade(self.pack, self.pack.solution).verdict == Verdict.PASSED


@pytest.fixture
def open_dir():
    """A world-writable directory whose parents are world-traversable (unlike tmp_path's)."""
    path = Path(tempfile.mkdtemp(prefix="engine-attack-", dir="/tmp"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def arena(judge, pack, open_dir):
    a = Arena(judge, pack, open_dir)
    yield a
    a.close()


def first_message(result) -> str:
    return result.error or (result.tests[0].message if result.tests else "")


def printed_cwd(result) -> list[str]:
    return re.findall(r"^CWD (\S+)$", result.stdout, re.M)


# ---- the control checks: only the sandbox stops these ------------------------------


def test_file_permissions_alone_would_let_the_sandbox_uid_in(arena, judge):
    if not judge.sandbox.layers.get("uid_drop"):
        pytest.skip("not root: the learner runs as our own uid")
    probe = arena.dir / "probe"
    assert as_sandbox_uid(judge, lambda: open(probe, "w").close())
    probe.unlink()
    assert as_sandbox_uid(judge, arena.canary.read_text)
    assert as_sandbox_uid(judge, (PACKS / "double" / "solution.py").read_text)
    assert as_sandbox_uid(judge, lambda: socket.socket().connect(("127.0.0.1", arena.port)))
    assert arena.connections() == ["tcp"]


def test_the_sandbox_layers_are_all_active(judge):
    judge.sandbox.start()
    layers = judge.sandbox.layers
    assert layers["seccomp"] and layers["landlock_abi"] >= 1 and layers["no_new_privs"]


def standby_of(zygote_pid: int, timeout: float = 5) -> Proc:
    deadline = time.monotonic() + timeout
    while True:
        procs = processes()
        found = [p for p in procs.values() if p.ppid == zygote_pid and p.state != "Z"]
        found = [p for p in found if holds_learner_pipes(p.pid) is False]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "the zygote has no standby process"
        time.sleep(0.01)  # polling for the zygote to fork it


def test_the_zygotes_standby_is_hardened_and_holds_nothing(judge, pack):
    # It runs next to learner processes, as their uid: it must be as locked
    # down as they are before it ever gets a pipe to the judge.
    assert judge.grade(pack, pack.solution).verdict == Verdict.PASSED  # the sandbox is up: its layers known
    if not judge.sandbox.layers.get("uid_drop"):
        pytest.skip("not root: /proc/<pid> of a non-dumpable process is out of reach")
    deadline = time.monotonic() + 5
    while True:
        # Hardening takes a few milliseconds after the fork, and the judge may
        # hand the standby out meanwhile (its next learner process, prepared):
        # a consistent look at one hardened, unassigned standby.
        standby = standby_of(judge.sandbox._proc.pid)
        try:
            with open(f"/proc/{standby.pid}/status") as f:
                status = dict(line.split(":", 1) for line in f)
            fds = {int(fd): os.readlink(f"/proc/{standby.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{standby.pid}/fd")}
        except FileNotFoundError:  # it ended or closed an fd as we looked
            status, fds = {"Seccomp": ""}, {}
        if status["Seccomp"].strip() == "2" and fds.get(3) == "/dev/null":
            break
        assert time.monotonic() < deadline, (status, fds)
        time.sleep(0.01)  # polling for a standby to finish hardening
    assert status["Seccomp"].strip() == "2" and status["NoNewPrivs"].strip() == "1"
    assert status["Uid"].split() == [str(UID_BASE + judge.sandbox.slot)] * 4
    assert sorted(fds) == [0, 1, 2, 3, 4, 5], fds
    assert fds[0] == fds[3] == fds[4] == "/dev/null" and fds[5].startswith("socket:"), fds
    with open(f"/proc/{standby.pid}/environ", "rb") as f:  # the zygote's start: BLAS, locale, malloc
        names = {entry.split(b"=", 1)[0].decode() for entry in f.read().split(b"\0") if entry}
    assert names <= {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LANG", "OPENBLAS_CORETYPE",
                     "OPENBLAS_L2_SIZE", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}, names  # fmt: skip


def test_the_standby_ends_with_its_zygote(pack):
    judge = Judge()
    try:
        assert judge.grade(pack, pack.solution).verdict == Verdict.PASSED
        standby = standby_of(judge.sandbox._proc.pid)
    finally:
        judge.close()
    deadline = time.monotonic() + 3
    while (p := processes().get(standby.pid)) is not None and p.state != "Z":
        assert time.monotonic() < deadline, "the standby outlived its zygote"
        time.sleep(0.01)  # polling for the parent-death signal to land


# ---- time --------------------------------------------------------------------------


def test_infinite_loop_at_import(arena):
    result = arena.grade("while True:\n    pass\n")
    assert "did not finish loading" in result.error
    arena.assert_contained(result, Verdict.TIMEOUT)


def test_infinite_loop_in_the_function(arena):
    result = arena.grade("def double(x):\n    while True:\n        pass\n")
    message = result.tests[0].message
    assert re.fullmatch(r"your function never returned: it used 1(\.0\d)? s of CPU; the limit is 1 s", message), message
    arena.assert_contained(result, Verdict.TIMEOUT)


def test_infinite_loop_with_sigxcpu_ignored(arena):
    result = arena.grade(
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\ndef double(x):\n    while True:\n        pass\n"
    )
    arena.assert_contained(result, Verdict.TIMEOUT)


def test_an_infinite_loop_ends_the_grading_at_its_first_test(arena):
    # The next tests would each wait out their limit the same way: they are not run.
    result = arena.grade("def double(x):\n    while True:\n        pass\n", run_only=False)
    first, *rest = result.tests
    assert first.status == "timeout" and first.message.startswith("your function never returned: it used 1")
    assert rest and {(t.status, t.message) for t in rest} == {
        ("skipped", "not run: an earlier call of your function never returned")
    }
    assert result.cpu_ms <= 1000 * arena.pack.limits.time_per_test + 50
    arena.assert_contained(result, Verdict.TIMEOUT)


@pytest.mark.parametrize(
    "ignore_sigxcpu, verdict, said",
    [(False, Verdict.TIMEOUT, "used up its CPU time"), (True, Verdict.ERROR, "killed by signal SIGKILL")],
    ids=["cpu-limit", "sigxcpu-ignored"],
)
def test_running_out_of_cpu_time(arena, ignore_sigxcpu, verdict, said):
    # The learner lowers its own CPU limit to 1 s (2 s hard) and gets more
    # wall-clock time than that, so the CPU limit ends it, not the judge's timer.
    pack = dataclasses.replace(arena.pack, limits=Limits(time_per_test=4.0, time_total=4.5, memory_mb=256))
    code = (
        "import resource, signal\n"
        f"if {ignore_sigxcpu}:\n    signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
        "def double(x):\n"
        "    resource.setrlimit(resource.RLIMIT_CPU, (1, 2))\n"
        "    while True:\n        pass\n"
    )
    result = arena.judge.grade(pack, code, run_only=True)
    assert said in result.tests[0].message
    arena.assert_contained(result, verdict)


@pytest.mark.parametrize(
    "body",
    [
        "import time\n    time.sleep(10**6)",
        "import os\n    os.read(3, 1)",  # waits on its own request pipe
        "import os, signal\n    os.kill(os.getpid(), signal.SIGSTOP)",
        "import threading\n    threading.Event().wait()",
    ],
    ids=["sleep", "read-request-pipe", "sigstop", "wait-forever"],
)
def test_sleep_forever(arena, body):
    result = arena.grade(f"def double(x):\n    {body}\n")
    arena.assert_contained(result, Verdict.TIMEOUT)


# ---- memory ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\ndef double(x):\n    return np.ones(10 * 2**30 // 8)\n",
        "import numpy as np\ndef double(x):\n    return np.zeros(300_000_000)\n",
        "def double(x):\n    grow = []\n    while True:\n        grow.append(' ' * 2**20)\n",
        "import numpy as np\nBIG = np.ones(10 * 2**30 // 8)\ndef double(x):\n    return 2 * x\n",
    ],
    ids=["numpy-10GB", "zeros-2.4GB", "growing-list", "at-import"],
)
def test_memory_bomb(arena, code):
    result = arena.grade(code)
    assert "MemoryError" in first_message(result)
    arena.assert_contained(result, Verdict.MEMORY_LIMIT)


def test_a_large_array_within_the_memory_limit_is_checked_like_any_other(arena):
    result = arena.grade("import numpy as np\ndef double(x):\n    return np.zeros(2_000_000)\n")  # 16 MB
    assert first_part(result.tests[0].message) == "result has shape (2000000,), expected (3,)"
    arena.assert_contained(result, Verdict.FAILED)


# ---- processes -------------------------------------------------------------------


def test_fork_bomb(arena):
    result = arena.grade("import os\nwhile True:\n    os.fork()\n")
    assert "PermissionError" in result.error
    arena.assert_contained(result, Verdict.ERROR)


def test_setsid_daemon(arena):
    result = arena.grade(
        "import os, time\n"
        "def double(x):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        while True:\n"
        "            open({target}, 'a').close()\n"
        "            time.sleep(0.1)\n"
        "    return 2 * x\n"
    )
    assert "PermissionError" in first_message(result)
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize(
    "call",
    [
        "subprocess.run(['/bin/touch', {target}], check=True)",
        "subprocess.run('touch ' + {target}, shell=True, check=True)",
        "os.execv('/bin/sh', ['sh', '-c', 'touch ' + {target}])",
        "os.posix_spawn('/bin/touch', ['touch', {target}], {})",
        "assert os.system('touch ' + {target}) == 0",
    ],
    ids=["subprocess", "shell", "execv", "posix_spawn", "system"],
)
def test_running_a_program(arena, call):
    # each call raises when refused; a program that ran would create the target
    result = arena.grade(f"import os, subprocess\ndef double(x):\n    {call}\n    return 2 * x\n")
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize(
    "code",
    [
        # spins on after the function returned
        "import threading\n"
        "def spin():\n    while True:\n        pass\n"
        "def double(x):\n    threading.Thread(target=spin).start()\n    return x\n",
        # keeps writing a file in its working directory, and one outside
        "import os, threading\n"
        "def scribble():\n"
        "    n = 0\n"
        "    while True:\n"
        "        n += 1\n"
        "        for path in ({target}, f'f{n % 100}'):\n"
        "            try:\n"
        "                with open(path, 'w') as f:\n"
        "                    f.write('x' * n)\n"
        "            except OSError:\n"
        "                pass\n"
        "def double(x):\n    print('CWD', os.getcwd(), flush=True)\n"
        "    threading.Thread(target=scribble, daemon=True).start()\n    return x\n",
        # floods stdout while the judge reads the reply and the next test runs
        "import os, threading\n"
        "def flood():\n    while True:\n        os.write(1, b'y' * 65536)\n"
        "def double(x):\n    threading.Thread(target=flood).start()\n    return x\n",
    ],
    ids=["spinning", "writing-files", "flooding-stdout"],
)
def test_threads_that_outlive_the_call(arena, code):
    start = time.monotonic()
    result = arena.grade(code, run_only=False)
    assert time.monotonic() - start < arena.pack.limits.time_total  # the judge was not held up
    arena.assert_contained(result, Verdict.FAILED, gone=printed_cwd(result))


def test_kill_the_parent_the_judge_and_everyone(arena):
    result = arena.grade(
        "import os, signal\n"
        "def double(x):\n"
        "    errors = []\n"
        "    for pid in (os.getppid(), {judge_pid}, -1, -os.getppid(), 0, 1):\n"
        "        try:\n"
        "            os.kill(pid, signal.SIGKILL)\n"
        "        except OSError as e:\n"
        "            errors.append(e.errno)\n"
        "    return 2 * x if not errors else x\n"
    )
    arena.assert_contained(result, Verdict.FAILED)


def test_kill_itself(arena):
    result = arena.grade("import os\ndef double(x):\n    os.kill(os.getpid(), 9)\n")
    assert "SIGKILL" in result.tests[0].message
    arena.assert_contained(result, Verdict.ERROR)


@pytest.mark.parametrize(
    "code",
    ["import os\nos._exit(0)\n", "import os\ndef double(x):\n    os._exit(0)\n"],
    ids=["at-import", "in-function"],
)
def test_os_exit(arena, code):
    result = arena.grade(code)
    assert "exited with status 0" in first_message(result)
    arena.assert_contained(result, Verdict.ERROR)


ORPHAN = """
import ctypes, time
ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG: none, to outlive the zygote
def double(x):
    end = time.process_time() + 0.3
    while time.process_time() < end:  # a mark the test can see: CPU time used
        pass
    time.sleep(10**6)
"""

WORKER = """
import dataclasses, sys
from grader.engine.judge import Judge
from grader.engine.pack import Limits, load_pack
pack = load_pack(sys.argv[1])
pack = dataclasses.replace(pack, limits=Limits(time_per_test=60, time_total=60, memory_mb=256))
Judge().grade(pack, sys.stdin.read(), run_only=True)
"""


def test_the_worker_dying_mid_grading_leaves_no_process():
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(PACKS / "double")],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT}, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    learner = None
    try:
        worker.stdin.write(ORPHAN.encode())
        worker.stdin.close()
        deadline = time.monotonic() + 20
        while learner is None and time.monotonic() < deadline and worker.poll() is None:
            procs = processes()
            zygotes = [p.pid for p in procs.values() if p.ppid == worker.pid and "zygote" in p.cmdline]
            busy = [p.pid for p in procs.values() if p.ppid in zygotes and cpu_seconds(p.pid) >= 0.2]
            learner = busy[0] if busy else None
            time.sleep(0.01)  # polling for the learner to show its mark
        assert learner is not None, "the learner process never started"
        worker.kill()  # as a crashing worker would
        worker.wait()
        deadline = time.monotonic() + 3
        while (p := processes().get(learner)) is not None and p.state != "Z":
            if time.monotonic() > deadline:
                pytest.fail("the learner process outlived its worker and zygote")
            time.sleep(0.01)  # polling for the parent-death signal to land
    finally:
        worker.kill()
        worker.wait()
        if learner is not None and os.path.exists(f"/proc/{learner}"):
            os.kill(learner, signal.SIGKILL)


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


SABOTAGE = """
import os, resource
def double(x):
    me, hits = os.getpid(), []
    for pid in range(me - 50, me + 50):  # the spare process forked next to us, most likely
        if pid == me:
            continue
        for name, attack in (
            ("prlimit", lambda: resource.prlimit(pid, resource.RLIMIT_AS, (1 << 20, 1 << 20))),
            ("cpu", lambda: resource.prlimit(pid, resource.RLIMIT_CPU, (1, 1))),
            ("nice", lambda: os.setpriority(os.PRIO_PROCESS, pid, 19)),
            ("idle", lambda: os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))),
            ("affinity", lambda: os.sched_setaffinity(pid, {0})),
        ):
            try:
                attack()
                hits.append((name, pid))
            except OSError:
                pass
    for name, attack in (("nice-user", lambda: os.setpriority(os.PRIO_USER, os.getuid(), 19)),):
        try:
            attack()
            hits.append((name, 0))
        except OSError:
            pass
    print(hits)
    return 2 * x if hits else x
"""


def test_sabotage_the_next_learner_process(arena, judge):
    # The spare process that will serve the next grading, maybe another
    # learner's, runs meanwhile as the same uid: it must be out of reach.
    result = arena.grade(SABOTAGE)
    assert result.stdout == "[]\n"
    arena.assert_contained(result, Verdict.FAILED)
    checked = 0
    for child in [p for p in processes().values() if p.ppid == arena.zygote_pid]:
        try:
            with open(f"/proc/{child.pid}/limits") as f:
                limits = f.read()
            with open(f"/proc/{child.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the finished learner process, reaped since the listing
        # a standby not yet assigned has no limits yet: "unlimited" is not what the attack sets
        assert re.search(r"^Max address space +(\d+|unlimited)", limits, re.M).group(1) != str(1 << 20)
        assert re.search(r"^Max cpu time +(\d+|unlimited)", limits, re.M).group(1) != "1"
        assert (fields[16], fields[38]) == ("0", "0"), "nice value or scheduling policy changed"
        checked += 1
    assert checked, "no process of the zygote's left to check (the standby should be there)"


# ---- files -----------------------------------------------------------------------


def test_write_a_file_outside_the_sandbox(arena):
    result = arena.grade("def double(x):\n    open({target}, 'w').write('x')\n    return 2 * x\n")
    assert "PermissionError" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


def test_write_outside_through_a_symlink_in_the_working_directory(arena):
    result = arena.grade(
        "import os\ndef double(x):\n    print('CWD', os.getcwd(), flush=True)\n"
        "    os.symlink({target}, 'link')\n    open('link', 'w').write('x')\n    return 2 * x\n"
    )
    arena.assert_contained(result, gone=printed_cwd(result))


def test_a_10_gb_file_in_the_working_directory(arena):
    result = arena.grade(
        "import os\ndef double(x):\n    print('CWD', os.getcwd(), flush=True)\n"
        "    block = bytes(2**20)\n"
        "    with open('big', 'wb') as f:\n"
        "        for _ in range(10 * 1024):\n"
        "            f.write(block)\n"
        "    return 2 * x\n"
    )
    assert printed_cwd(result)
    arena.assert_contained(result, Verdict.FAILED, gone=printed_cwd(result))


def test_10_gb_across_many_files_in_the_working_directory(arena):
    result = arena.grade(
        "import os\ndef double(x):\n    print('CWD', os.getcwd(), flush=True)\n"
        "    block = bytes(2**20)\n"
        "    for n in range(10 * 128):\n"
        "        with open(f'part{n}', 'wb') as f:\n"
        "            for _ in range(8):\n"
        "                f.write(block)\n"
        "        print('WROTE', 8 * (n + 1), 'MiB', flush=True)\n"
        "    return 2 * x\n"
    )
    written = re.findall(r"^WROTE (\d+) MiB$", result.stdout, re.M)
    assert not written, f"the learner wrote {written[-1]} MiB to disk"
    arena.assert_contained(result, Verdict.FAILED, gone=printed_cwd(result))


def test_thousands_of_small_files(arena):
    result = arena.grade(
        "import os\ndef double(x):\n    print('CWD', os.getcwd(), flush=True)\n"
        "    for n in range(5000):\n"
        "        with open(f'small{n}', 'w') as f:\n"
        "            f.write('x')\n"
        "    return 2 * x\n"
    )
    assert "PermissionError" in result.tests[0].message  # the working directory is read-only
    arena.assert_contained(result, Verdict.FAILED, gone=printed_cwd(result))


@pytest.mark.parametrize(
    "read",
    [
        "open({canary}).read()",
        "os.symlink({canary}, 'l') or open('l').read()",
        "os.link({canary}, 'l') or open('l').read()",
        "open('/proc/self/root' + {canary}).read()",
        "open(os.open({canary}, os.O_RDONLY)).read()",
    ],
    ids=["open", "symlink", "hardlink", "proc-root", "os-open"],
)
def test_read_a_world_readable_file_outside_the_allowed_paths(arena, read):
    result = arena.grade(f"import os\ndef double(x):\n    data = {read}\n    print(data)\n    return 2 * x\n")
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize("name", ["solution.py", "tests.py", "challenge.toml"])
def test_read_the_packs_own_files(arena, name):
    secret = (PACKS / "double" / name).read_text()
    result = arena.grade(
        "import os\ndef double(x):\n"
        f"    data = open(os.path.join({{pack_dir}}, {name!r})).read()\n"
        "    print(data)\n"
        "    raise RuntimeError(data)\n"
    )
    for text in [result.stdout, result.error, *(t.message for t in result.tests)]:
        assert secret.strip() not in text
    assert "PermissionError" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/hostname", "/root", "/home", "/work", "/tmp"])
def test_read_or_list_the_rest_of_the_system(arena, path):
    result = arena.grade(
        "import os\ndef double(x):\n"
        f"    data = os.listdir({path!r}) if os.path.isdir({path!r}) else open({path!r}).read()\n"
        "    print(data)\n"
        "    return 2 * x\n"
    )
    assert "PermissionError" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


# ---- the network -------------------------------------------------------------------


@pytest.mark.parametrize(
    "connect",
    [
        "socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(('127.0.0.1', {port}))",
        "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect({unix})",
        "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect({abstract})",
        "socket.socketpair()",
        "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {port}))",
    ],
    ids=["tcp", "unix", "abstract-unix", "socketpair", "udp"],
)
def test_sockets(arena, connect):
    result = arena.grade(f"import socket\ndef double(x):\n    {connect}\n    return 2 * x\n")
    assert "PermissionError" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


RAW_CONNECT = """
import ctypes, socket, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def double(x):
    fd = libc.syscall({SOCKET}, socket.AF_INET, socket.SOCK_STREAM, 0)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "socket")
    addr = struct.pack("<HH4s8x", socket.AF_INET, socket.htons({port}), socket.inet_aton("127.0.0.1"))
    if libc.syscall(42, fd, addr, len(addr)) < 0:
        raise OSError(ctypes.get_errno(), "connect")
    return 2 * x
"""


def test_raw_socket_syscall_through_ctypes(arena):
    result = arena.grade(RAW_CONNECT.replace("{SOCKET}", "41"))
    assert "PermissionError: [Errno 1] socket" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize("number", [0x40000000 | 41, 0x40000000 | 39], ids=["x32-socket", "x32-getpid"])
def test_raw_x32_syscall(arena, number):
    result = arena.grade(RAW_CONNECT.replace("{SOCKET}", str(number)))
    assert "SIGSYS" in result.tests[0].message
    arena.assert_contained(result, Verdict.ERROR)


def test_int_0x80_through_shellcode(arena):
    if os.uname().machine != "x86_64":
        pytest.skip("x86-64 shellcode")
    # mov eax, 102 (i386 socketcall); mov ebx, 1 (SYS_SOCKET); int 0x80; ret
    result = arena.grade(
        "import ctypes\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "libc.mmap.restype = ctypes.c_void_p\n"
        "libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]\n"
        "CODE = bytes([0xB8, 102, 0, 0, 0, 0xBB, 1, 0, 0, 0, 0xCD, 0x80, 0xC3])\n"
        "def double(x):\n"
        "    page = libc.mmap(None, 4096, 7, 0x22, -1, 0)  # read, write, exec; private, anonymous\n"
        "    if page in (None, ctypes.c_void_p(-1).value):\n"
        "        raise OSError(ctypes.get_errno(), 'mmap')\n"
        "    ctypes.memmove(page, CODE, len(CODE))\n"
        "    ctypes.CFUNCTYPE(ctypes.c_int)(page)()\n"
        "    return 2 * x\n"
    )
    assert "SIGSYS" in result.tests[0].message
    arena.assert_contained(result, Verdict.ERROR)


IPC = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p

def double(x):
    key = 0x6EA0000 + {judge_pid} % 0x10000
    shm = libc.shmget(key, 64 * 2**20, 0o1000 | 0o666)  # IPC_CREAT
    if shm < 0:
        raise OSError(ctypes.get_errno(), "shmget")
    address = libc.shmat(shm, None, 0)
    ctypes.memset(address, 1, 64 * 2**20)  # memory that outlives the process
    libc.shmdt(ctypes.c_void_p(address))
    if libc.msgget(key, 0o1000 | 0o666) < 0 or libc.semget(key, 1, 0o1000 | 0o666) < 0:
        raise OSError(ctypes.get_errno(), "msgget or semget")
    if libc.mq_open(b"/grader-attack", 0o100 | 2, 0o666, None) < 0:  # O_CREAT | O_RDWR
        raise OSError(ctypes.get_errno(), "mq_open")
    return 2 * x
"""


def test_system_v_and_posix_ipc_objects(arena):
    try:
        result = arena.grade(IPC)
        assert "PermissionError: [Errno 1] shmget" in result.tests[0].message
        arena.assert_contained(result, Verdict.FAILED)
    finally:  # should the sandbox ever let them through, do not leave them on the machine
        libc = ctypes.CDLL(None, use_errno=True)
        remove = {"shm": libc.shmctl, "msg": libc.msgctl, "sem": lambda i, cmd, _: libc.semctl(i, 0, cmd)}
        for obj in ipc_objects():
            if obj["key"] == 0x6EA0000 + os.getpid() % 0x10000:
                remove[obj["kind"]](obj.get("shmid", obj.get("msqid", obj.get("semid"))), 0, None)  # IPC_RMID


@pytest.mark.parametrize(
    "call",
    ["shmat(0, None, 0)", "msgrcv(0, None, 0, 0, 0o4000)", "semop(0, None, 0)", "shmctl(0, 0, None)"],
    ids=["shmat", "msgrcv", "semop", "shmctl"],
)
def test_other_ipc_calls(arena, call):
    # with an id guessed, not created: another program's objects stay out of reach
    result = arena.grade(
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\ndef double(x):\n"
        f"    libc.{call}\n"
        "    if ctypes.get_errno() != 1:\n        return 2 * x\n"
        "    raise OSError(1, 'refused')\n"
    )
    assert "PermissionError: [Errno 1] refused" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


def test_namespaces_and_ptrace_through_ctypes(arena):
    result = arena.grade(
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def double(x):\n"
        "    refused = [libc.unshare(0x10000000) != 0,  # CLONE_NEWUSER\n"
        "               libc.ptrace(16, os.getppid(), 0, 0) != 0,  # PTRACE_ATTACH\n"
        "               libc.setuid(0) != 0]\n"
        "    return x if all(refused) else 2 * x\n"
    )
    arena.assert_contained(result, Verdict.FAILED)


# ---- secrets ---------------------------------------------------------------------


SECRET_NAME, SECRET_VALUE = "GRADER_TEST_SECRET", "hunter2-4e5b1f09"


@pytest.fixture
def judge_with_a_secret(monkeypatch):
    """A judge whose process holds a secret when it starts its zygote."""
    monkeypatch.setenv(SECRET_NAME, SECRET_VALUE)
    judge = Judge()
    yield judge
    judge.close()


@pytest.mark.parametrize(
    "read",
    [
        "os.environ[{name}]",
        "repr(dict(os.environ))",
        "open('/proc/self/environ').read()",
        "open(f'/proc/{os.getppid()}/environ').read()",
        "open('/proc/{judge_pid}/environ').read()",
        "open(f'/proc/{os.getppid()}/mem', 'rb').read(1)",
        "open(f'/proc/{os.getppid()}/cmdline').read()",
    ],
    ids=["environ", "all-environ", "proc-self", "proc-zygote", "proc-judge", "zygote-mem", "zygote-cmdline"],
)
def test_read_the_environment(judge_with_a_secret, pack, open_dir, read):
    arena = Arena(judge_with_a_secret, pack, open_dir)
    try:
        result = arena.grade(
            "import os\ndef double(x):\n"
            f"    data = str({read.replace('{name}', repr(SECRET_NAME))})\n"
            "    print(data)\n"
            f"    assert {SECRET_NAME!r} in data, 'no secret there'\n"
            "    return 2 * x\n"
        )
        for text in [result.stdout, result.error, *(t.message for t in result.tests)]:
            assert SECRET_VALUE not in text
        arena.assert_contained(result, Verdict.FAILED)
    finally:
        arena.close()


# ---- the reply channel and the verdict -----------------------------------------------


def test_printing_a_passing_verdict(arena):
    fake = '{"verdict": "passed", "score": 1.0, "tests": [{"name": "test_small", "status": "passed"}]}'
    result = arena.grade(f"def double(x):\n    print({fake!r})\n    return x\n")
    assert fake in result.stdout  # shown, never parsed
    assert result.score == 0.0
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize(
    "write, verdict",
    [
        ("os.write(4, b'\\xff' * 64)", Verdict.ERROR),  # a prefix announcing an oversized frame
        ("os.write(4, b'\\0' * 7 + b'\\x04' + b'\\0' * 8 + b'junk')", Verdict.ERROR),  # malformed header
        ("os.write(4, b'\\0' * 7 + b'\\x40' + b'\\0' * 8 + b'{')", Verdict.TIMEOUT),  # a frame that never ends
        ("os.close(4)", Verdict.ERROR),
        # a header past what the judge parses for a reply (a request may be larger)
        ("os.write(4, (protocol.MAX_REPLY_HEADER + 1).to_bytes(8, 'big') + bytes(8) + b'[' * 4096)", Verdict.ERROR),
        # a valid header announcing 128 MiB of array, of which 4 KiB come
        ("os.write(4, len(H).to_bytes(8, 'big') + (2**27).to_bytes(8, 'big') + H + bytes(4096))", Verdict.TIMEOUT),
        # its sizes do not add up to the data announced
        ("os.write(4, len(H).to_bytes(8, 'big') + (2**20).to_bytes(8, 'big') + H + bytes(2**20))", Verdict.ERROR),
        # a frame that says it is over after the prefix
        ("os.write(4, bytes(16)); os.close(4)", Verdict.ERROR),
        # half a large frame, then the end
        ("os.write(4, protocol.encode(np.zeros(50_000))[:200_000]); os.close(4)", Verdict.ERROR),
        # a reference to an array the judge would hold: only requests may refer
        ("R = json.dumps({'o': {'ok': {'r': 0}}}).encode(); os.write(4, len(R).to_bytes(8, 'big') + bytes(8) + R)",
         Verdict.ERROR),
    ],
    ids=["oversized", "malformed", "unfinished", "closed", "header-past-reply-limit", "announced-not-sent",
         "sizes-do-not-add-up", "empty-header", "cut-mid-array", "a-reference"],
)  # fmt: skip
def test_garbage_on_the_reply_pipe(arena, write, verdict):
    result = arena.grade(
        "import json, os, time\nimport numpy as np\nfrom grader.engine.sandbox import protocol\n"
        "H = json.dumps({'a': ['<f8', [2**24], 2**27]}).encode()\n"
        f"def double(x):\n    {write}\n    time.sleep(10)\n"
    )
    arena.assert_contained(result, verdict)


# Frames of the learner's own, written to the reply pipe (fd 4) as the server would: a value, or a raw header.
# The learner's code can read the id of the request it is answering (from the server's frames), so forges it too.
FORGE = (
    "import json, os, sys, time\nfrom grader.engine.sandbox import protocol\n"
    "def current_id():\n    f = sys._getframe()\n"
    "    while 'msg' not in f.f_locals:\n        f = f.f_back\n"
    "    return f.f_locals['msg']['id']\n"
    "def forge(value):\n    os.write(4, protocol.encode({**value, 're': current_id()}))\n"
    "def forge_tree(tree):\n"
    "    h = json.dumps(tree).encode()\n"
    "    os.write(4, len(h).to_bytes(8, 'big') + bytes(8) + h)\n"
)


@pytest.mark.parametrize(
    "code, says",
    [
        # during import: a reply to the load, before the server's own (which the next request would read)
        (FORGE + "forge({'ok': ['double']})\ndef double(x):\n    return 2 * x\n", "out of turn"),
        # no id at all
        (FORGE + "def double(x):\n    os.write(4, protocol.encode({'ok': 2 * x}))\n    time.sleep(5)\n",
         "not one of the replies"),
        # during a call: the forged reply is taken for the call's, the server's own waits for the next request
        (FORGE + "def double(x):\n    forge({'ok': 2 * x})\n    return 2 * x\n", "out of turn"),
        # a dtype numpy's parser chokes on (it raised SyntaxError, an internal error)
        (FORGE + "def double(x):\n    forge_tree({'o': {'ok': {'a': ['(2,)i4,(', [1], 0]}}})\n    time.sleep(5)\n",
         "may not cross"),
        # arrays where the load's reply lists names (the server calls sorted(), which the learner can replace)
        ("import builtins, numpy as np\nbuiltins.sorted = lambda *a, **k: [np.zeros(2)]\n"
         "def double(x):\n    return 2 * x\n", "must list the names"),
        # a reply with a key no reply has: room for padding a speed check's reply
        (FORGE + "def double(x):\n    forge({'ok': 2 * x, 'pad': [[]] * 1000})\n    time.sleep(5)\n",
         "not one of the replies"),
        # an exception without its fields
        (FORGE + "def double(x):\n    forge({'raised': {'type': 'E'}})\n    time.sleep(5)\n",
         "malformed 'raised' reply"),
    ],
    ids=["early-at-import", "no-id", "early-in-a-call", "unparseable-dtype", "arrays-for-names", "extra-key",
         "malformed-raised"],
)  # fmt: skip
def test_a_forged_reply_is_the_learners_error_not_the_graders(arena, code, says):
    result = arena.grade(code, run_only=False)
    arena.assert_contained(result, Verdict.ERROR)
    # a forged reply with the right id is the learner's own answer: the next request finds the server's out of turn
    found = [m for m in [result.error, *(t.message for t in result.tests)] if "interfered with the grader" in m]
    assert found and says in found[0], (result.error, [t.message for t in result.tests])


def test_a_forged_reply_of_any_size_is_cut(arena):
    result = arena.grade(
        FORGE + "def double(x):\n"
        "    forge({'raised': {'type': 'E', 'message': 'm', 'traceback': 't' * 900_000, 'line': None}})\n"
        "    time.sleep(5)\n"
    )
    message = result.tests[0].message
    assert len(message) == 16 * 1024 + len(" (cut)") and message.endswith("t (cut)")
    arena.assert_contained(result, Verdict.FAILED)


SPEED_TESTS = """
import numpy as np

from grader.engine.testing import assert_speed, sample


@sample
def test_speed(learner, reference):
    x = np.linspace(0.0, 1.0, 2_000)
    assert_speed(learner.double, reference.double, x, max_ratio=10, check=lambda actual, expected: None)
"""


def test_a_reply_slow_to_decode_buys_a_slow_function_no_time(judge, pack):
    # Each call loops over its input (far past the limit) and returns 30,000 empty arrays, cheap to
    # send and dear to read back: the judge's reading is not taken off the learner's time.
    code = (
        "import numpy as np\nPAD = [np.zeros(0)] * 30_000\n"
        "def double(x):\n    out = np.empty_like(x)\n    for i in range(len(x)):\n        out[i] = 2 * x[i]\n"
        "    return [out, PAD]\n"
    )
    result = judge.grade(dataclasses.replace(pack, tests=SPEED_TESTS), code, run_only=True)
    assert result.verdict == Verdict.FAILED, result
    assert "the limit is 10x" in result.tests[0].message
    assert result.tests[0].metrics["speed_ratio"] > 10


KEPT_TESTS = """
import numpy as np

from grader.engine.testing import sample

X = np.arange(100_000.0).reshape(250, 400)  # large: passed again, the learner process keeps it


@sample
def test_three_calls(learner):
    for i in range(3):
        assert np.array_equal(learner.double(X), 2 * X), f"call {i + 1}: result does not match the expected values"


@sample
def test_one_call(learner):
    assert np.array_equal(learner.double(X), 2 * X), "result does not match the expected values"
"""
# Learner code runs in the process that keeps the large arguments: it can find them.
TAMPER = """
import gc

def double(x):
    kept = next(o.kept for o in gc.get_objects() if type(o).__name__ == "Receiver" and o.kept is not None)
    ACTION
    return 2.0 * x
"""


@pytest.fixture
def kept_arena(judge, pack, open_dir):
    a = Arena(judge, dataclasses.replace(pack, tests=KEPT_TESTS), open_dir)
    yield a
    a.close()


def test_changing_the_kept_arrays_changes_only_the_learners_own_results(kept_arena):
    # Its later inputs become zeros: its results are wrong, whatever it makes
    # of them, for the judge checks them against values it computes itself.
    result = kept_arena.grade(TAMPER.replace("ACTION", "for a in kept.values():\n        a[...] = 0.0"))
    assert [first_part(t.message) for t in result.tests] == [
        "call 3: result does not match the expected values",
        "result does not match the expected values",
    ]
    kept_arena.assert_contained(result, Verdict.FAILED)


def test_dropping_the_kept_arrays_is_an_error_and_the_next_process_starts_clean(kept_arena):
    result = kept_arena.grade(TAMPER.replace("ACTION", "kept.clear()"))
    assert result.tests[0].status == "error"
    assert result.tests[0].message.startswith("your code interfered with the grader: the learner process could not")
    assert result.tests[1].status == "passed", "the killed process's record went with it"
    kept_arena.assert_contained(result, Verdict.ERROR)


def test_1_gb_of_output(arena):
    result = arena.grade(
        "import sys\ndef double(x):\n"
        "    line = 'x' * (2**20 - 1) + '\\n'\n"
        "    for _ in range(1024):\n"
        "        sys.stdout.write(line)\n"
        "    return x\n"
    )
    assert OUTPUT_CAP <= len(result.stdout) <= OUTPUT_CAP + 100
    assert "[output truncated" in result.stdout
    arena.assert_contained(result)


def test_monkey_patching_numpys_checks(arena):
    result = arena.grade(
        "import numpy as np, numpy.testing\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "def double(x):\n    return x\n"
    )
    assert first_part(result.tests[0].message) == "result does not match the expected values"
    arena.assert_contained(result, Verdict.FAILED)


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\n"
        "class Liar(np.ndarray):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    __ne__ = lambda self, other: False\n"
        "def double(x):\n    return x.view(Liar)\n",
        "import numpy as np\ndef double(x):\n    return np.array([2.0, -4.0, 1.0], dtype=object)\n",
        "class Liar(float):\n    def __eq__(self, other):\n        return True\ndef double(x):\n    return Liar(0.0)\n",
        "import numpy as np\ndef double(x):\n    return np.ma.masked_array(2 * x)\n",
        "def double(x):\n    return {1, 2}\n",
        "def double(x):\n    return double\n",
        "import numpy as np\ndef double(x):\n    r = []\n    for _ in range(100):\n        r = [r]\n    return r\n",
    ],
    ids=["ndarray-subclass", "object-array", "float-subclass", "masked-array", "set", "function", "deep-list"],
)
def test_returning_a_value_that_may_not_cross(arena, code):
    # An object of a class of its own crosses as an Opaque, its type's name only: the test's check
    # fails on it (this pack's names the type it got); arrays of objects and values too deep are refused.
    result = arena.grade(code)
    message = first_part(result.tests[0].message)
    assert message == "result should be a numpy array, got Opaque" or message.startswith(
        "the function returned a value that cannot be checked"
    ), message
    arena.assert_contained(result, Verdict.FAILED)


def test_a_list_too_long_to_check_is_refused_with_a_hint(arena):
    result = arena.grade("def double(x):\n    return [0.123456789012345] * 50_000\n")
    assert result.tests[0].message.startswith("the function returned a value that cannot be checked")
    assert "numpy array" in result.tests[0].message
    arena.assert_contained(result, Verdict.FAILED)


def test_many_arrays_in_one_reply(arena):
    # more buffers than one writev takes, in a frame past the receive buffer
    result = arena.grade("def double(x):\n    return [2 * x] * 3000\n")
    assert first_part(result.tests[0].message) == "result should be a numpy array, got list"
    arena.assert_contained(result, Verdict.FAILED)


SPEED_TEST = """

@hidden
def test_speed(learner, reference, rng):
    from grader.engine.testing import assert_speed

    assert_speed(learner.double, reference.double, rng.normal(size=(300, 300)), max_ratio=5.0)
"""

LOOP = """
import numpy as np
def double(x):
    out = np.empty_like(x)
    flat, src = out.reshape(-1), x.reshape(-1)
    for i in range(src.size):
        flat[i] = 2 * src[i]
    return out
"""


def test_faking_the_time_measured_in_the_sandbox(judge, pack):
    # The judge reads the learner process's CPU clock itself: patching clocks
    # inside the sandbox, or caching results between the timed calls, buys nothing.
    speedy = dataclasses.replace(pack, tests=pack.tests + SPEED_TEST)
    honest = judge.grade(speedy, LOOP)
    assert {t.name: t.status for t in honest.tests}["test_speed"] == "failed"
    cheat = judge.grade(
        speedy, "import time\ntime.perf_counter = lambda: 0.0\ntime.process_time = lambda: 0.0\n" + LOOP
    )
    assert {t.name: t.status for t in cheat.tests}["test_speed"] == "failed"
    memo = LOOP.replace("def double(x):", "def _slow(x):") + (
        "def double(x):\n"
        "    import numpy\n"
        "    cache = numpy.__dict__.setdefault('_memo', {})\n"
        "    key = x.tobytes()\n"
        "    if key not in cache:\n"
        "        cache[key] = _slow(x)\n"
        "    return cache[key]\n"
    )
    cached = judge.grade(speedy, memo)
    assert {t.name: t.status for t in cached.tests}["test_speed"] == "failed"


# ---- crashes -----------------------------------------------------------------------


def test_segfault_through_ctypes(arena):
    result = arena.grade("import ctypes\ndef double(x):\n    return ctypes.string_at(0)\n")
    assert "SIGSEGV" in result.tests[0].message
    arena.assert_contained(result, Verdict.ERROR)


@pytest.mark.parametrize(
    "code",
    [
        "import sys\nsys.setrecursionlimit(10**6)\n"
        "def down(n):\n    return down(n + 1) + 1\n"
        "def double(x):\n    return down(0)\n",
        # through a C function, so each level also takes C stack
        "import sys\nsys.setrecursionlimit(10**6)\n"
        "def down(n):\n    return sorted([n], key=down)\n"
        "def double(x):\n    return down(0)\n",
    ],
    ids=["python", "through-c"],
)
def test_deep_recursion(arena, code):
    result = arena.grade(code)
    arena.assert_contained(result)
