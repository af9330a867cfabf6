"""The judge's side of the sandbox: the zygote client and learner processes.

Everything read from a learner process is untrusted: replies are size-checked
frames of data, output is capped, a step's CPU or idle time past its limit
(``Budget``) is a timeout, and a closed pipe is a death (docs/architecture.md, trust boundary 5).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import math
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.engine.sandbox import hardening, protocol
from grader.engine.sandbox.messages import Call, Fresh, Load, ReplyError, read_reply
from grader.engine.sandbox.zygote import SCRATCH_PREFIX, scratch_prefix

log = logging.getLogger(__name__)

ROOT = str(Path(__file__).resolve().parents[3])
OUTPUT_CAP = 1 << 20  # bytes of learner output kept per grading
HIDDEN_OUTPUT = "[output from hidden tests is not shown]"
KEPT_BYTES = 32 * 2**20  # large arguments a learner process keeps, so as not to be sent again
UID_BASE = int(os.environ.get("GRADER_SANDBOX_UID_BASE", "64000"))
# Kept in the zygote's otherwise empty environment: one BLAS thread keeps
# timings fair and OpenBLAS working under RLIMIT_NPROC; the CORETYPE pair
# keeps old OpenBLAS builds correct on some processors.
_ENV_KEEP = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_ZYGOTE_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "LANG": "C.UTF-8",
    # the same allocator settings as the judge (sandbox.tune_malloc): fair timings
    "MALLOC_MMAP_THRESHOLD_": str(hardening.MMAP_THRESHOLD),
    "MALLOC_TRIM_THRESHOLD_": str(hardening.TRIM_THRESHOLD),
}


class SandboxError(Exception):
    """The sandbox itself failed: a fault of the grader, never of the learner."""


class LearnerTimeout(Exception):
    """A limit of a step was reached: *message* says which, with the figure."""

    def __init__(self, message: str, *, cpu: bool) -> None:
        super().__init__(message)
        self.message, self.cpu = message, cpu


# Seconds a learner process may spend neither running nor waiting for a CPU
# (sleeping, blocked), as a multiple of its CPU limit: sleeping code is
# stopped; code that a busy machine keeps waiting for a CPU is not.
WAIT_FACTOR = float(os.environ.get("GRADER_WAIT_FACTOR", "3"))
# Waiting this many times the step's limits for a CPU is no verdict on the
# learner: the machine is overloaded, and the grader says so.
STARVED_FACTOR = 20


def _schedstat(pid: int) -> tuple[float, float] | None:
    """The seconds *pid* has run, and waited runnable for a CPU (the
    kernel's account of it: /proc/<pid>/schedstat); None where it is unreadable."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            run, delay, _ = f.read().split()
        return int(run) / 1e9, int(delay) / 1e9
    except (OSError, ValueError):
        return None


class CallCapped(Exception):
    """A call passed the CPU cap put on it alone (``Budget.capped``): *seconds* of CPU it used."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:.3g} s of CPU")
        self.seconds = seconds


class Budget:
    """One step's limits on a learner process (the load, or a test): *cpu*
    seconds of its CPU, and *idle* seconds neither running nor waiting for a
    CPU. Both are read from the kernel's accounts of the process, never from
    the clock on the wall, so a busy machine does not turn correct code into
    a timeout. Idle time accrues only while a request is outstanding
    (``sent`` .. ``answered``): what the judge does between calls (a test's
    finite differences, the reference timed) is not the learner's waiting.
    Neither can grow faster than the wall clock, so the limits are read only
    when the wall clock says one could have been reached: none in the usual
    request, answered at once."""

    def __init__(self, pid: int, *, cpu: float, idle: float) -> None:
        self.pid, self.cpu_limit, self.idle_limit = pid, cpu, idle
        self.cpu = self.idle = self.starved = 0.0
        self._outstanding = 0.0  # wall seconds of the requests answered so far
        self._sent: float | None = None  # when the request now outstanding was sent
        self._cap: tuple[float, float] | None = None  # (CPU at the capped call's start, its limit)
        self._read_at = time.monotonic()
        self._base = self._accounts()

    def _accounts(self) -> tuple[float, float]:
        stat = _schedstat(self.pid)
        if stat is not None:
            return stat
        try:  # no schedstat: its CPU clock, and every other second counts as idle
            return time.clock_gettime(((~self.pid) << 3) | 2), 0.0
        except OSError:  # it ended: what it used stays as read last
            return self._base[0] + self.cpu, self._base[1] + self.starved

    def sent(self) -> None:
        self._sent = time.monotonic()

    def answered(self) -> None:
        if self._sent is not None:
            self._outstanding += time.monotonic() - self._sent
            self._sent = None

    @contextlib.contextmanager
    def capped(self, seconds: float):
        """Stop the call made inside at *seconds* of its own CPU (CallCapped),
        within the step's limit: a speed check's hopeless bound."""
        self.measure()
        self._cap = (self.cpu, min(self.cpu + seconds, self.cpu_limit))
        try:
            yield
        finally:
            self._cap = None

    def _cpu_limit(self) -> float:
        return self.cpu_limit if self._cap is None else self._cap[1]

    def wait(self) -> float:
        """Seconds to wait before the limits need reading again."""
        room = min(self._cpu_limit() - self.cpu, self.idle_limit - self.idle)
        return room - (time.monotonic() - self._read_at)

    def measure(self) -> None:
        now = time.monotonic()
        run, delay = self._accounts()
        self.cpu, self.starved = run - self._base[0], delay - self._base[1]
        outstanding = self._outstanding + (now - self._sent if self._sent is not None else 0.0)
        self.idle = max(outstanding - self.cpu - self.starved, 0.0)
        self._read_at = now

    def check(self) -> None:
        """Raise LearnerTimeout past a limit (CallCapped past a call's cap,
        SandboxError if starved past reason)."""
        self.measure()
        if self._cap is not None and self._cap[1] < self.cpu_limit and self.cpu >= self._cap[1]:
            raise CallCapped(self.cpu - self._cap[0])
        if self.cpu >= self.cpu_limit:
            raise LearnerTimeout(f"used {self.cpu:.3g} s of CPU; the limit is {self.cpu_limit:g} s", cpu=True)
        if self.idle >= self.idle_limit:
            raise LearnerTimeout(
                f"waited {self.idle:.3g} s without using the CPU (sleeping or blocked); the limit is "
                f"{self.idle_limit:g} s",
                cpu=False,
            )
        if self.starved >= STARVED_FACTOR * (self.cpu_limit + self.idle_limit):
            raise SandboxError(f"the learner process waited {self.starved:.3g} s for a CPU: the machine is overloaded")


class BadReply(Exception):
    """The learner process sent bytes that are not a valid message."""


class LearnerDied(Exception):
    def __init__(self, description: str, status: int | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.status = status

    @property
    def out_of_cpu(self) -> bool:
        """Killed by RLIMIT_CPU's soft limit. (Past the hard one it is a SIGKILL, but
        only for a learner that ignored SIGXCPU, and so is any SIGKILL it sends itself.)"""
        s = self.status
        return s is not None and os.WIFSIGNALED(s) and os.WTERMSIG(s) == signal.SIGXCPU


@dataclass
class Output:
    """Learner output across a grading, capped. What is printed while *hidden*
    (a hidden test runs) is not kept: it could show that test's inputs. All
    of a call's output is read before its reply is returned (request)."""

    chunks: list[bytes] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0
    hidden: bool = False
    withheld: int = 0  # bytes printed during hidden tests

    def add(self, data: bytes) -> None:
        if self.hidden:
            self.withheld += len(data)
            return
        room = OUTPUT_CAP - self.kept
        if room > 0:
            self.chunks.append(data[:room])
            self.kept += min(room, len(data))
        self.dropped += max(0, len(data) - max(room, 0))

    def text(self) -> str:
        text = b"".join(self.chunks).decode("utf-8", errors="replace")
        if self.dropped:
            text += f"\n[output truncated: {self.dropped} more bytes]"
        if self.withheld:
            text += ("\n" if text and not text.endswith("\n") else "") + HIDDEN_OUTPUT
        return text


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == signal.SIGXCPU:
            return "the process used up its CPU time (SIGXCPU)"
        if sig == signal.SIGSYS:
            return "the process made a forbidden system call (SIGSYS)"
        return f"the process was killed by signal {name}"
    return f"the process exited with status {os.WEXITSTATUS(status)}"


@dataclass(frozen=True)
class _Limits:
    memory_mb: int
    cpu_seconds: int  # RLIMIT_CPU's soft limit: whole seconds


@dataclass(frozen=True)
class _Requested:
    """A learner process asked of the zygote: our ends of its pipes, before
    its pid is read."""

    limits: _Limits
    req_w: int  # its requests, written here
    rep_r: int  # its replies, read here
    out_r: int  # its stdout and stderr, read here

    def close(self) -> None:
        for fd in (self.req_w, self.rep_r, self.out_r):
            os.close(fd)


class Sandbox:
    """One zygote per judge process; forks learner processes on demand."""

    def __init__(self, slot: int | None = None) -> None:
        self.slot = os.getpid() % 1000 if slot is None else slot
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None
        self._exits: dict[int, int] = {}  # wait status of ended learner processes, by pid
        self._unwanted: set[int] = set()
        self._pids: list[int] = []  # announced by the zygote, not yet claimed; in request order
        self._spare: _Requested | None = None  # a learner process requested ahead of need
        self._cpu: int | None = None  # while a grading runs on one CPU (on_one_cpu)
        self._allowed: set[int] = set()  # and the CPUs this process may use otherwise
        self.layers: dict = {}

    def _cpus(self) -> tuple[int | None, set[int]]:
        """The CPU this slot's gradings run on (None if there is only one to
        use), and all those this process may use. Slots spread over them."""
        if self._cpu is not None:  # during a grading: this process is on one of them now
            return self._cpu, self._allowed
        try:
            allowed = os.sched_getaffinity(0)
        except OSError:
            return None, set()
        return (sorted(allowed)[self.slot % len(allowed)] if len(allowed) > 1 else None), allowed

    @contextlib.contextmanager
    def on_one_cpu(self):
        """Keep this process and its learner processes on one CPU for a grading.
        Every call to the learner is two wake-ups, and waking a process that
        sleeps on another CPU costs an interprocessor interrupt: a pipe round
        trip took ~70 us across CPUs on a 2-core VM, ~10 us on one. Each
        learner process is held to that CPU (seccomp keeps it from changing
        its own affinity), so it cannot take more than one; the zygote, which
        forks and readies the next one meanwhile, is kept off it (start)."""
        cpu, allowed = self._cpus()
        if cpu is None or not _pin(0, {cpu}):
            yield
            return
        self._cpu, self._allowed = cpu, allowed
        try:
            yield
        finally:
            self._cpu = None
            _pin(0, allowed)

    def start(self) -> None:
        if self._sock is not None and self._proc is not None and self._proc.poll() is None:
            return
        self.close()
        # The worker holds secrets in its environment: a same-uid process may not read them.
        hardening.prctl(hardening.PR_SET_DUMPABLE, 0)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(_ZYGOTE_ENV, **{k: os.environ[k] for k in _ENV_KEEP if k in os.environ})
        uid = UID_BASE + self.slot  # used only by a zygote running as root
        tmp = tempfile.gettempdir()
        remove_scratch_of_ended_zygotes(tmp)
        code = (
            f"import sys; sys.path.insert(0, {ROOT!r}); from grader.engine.sandbox.zygote import main; "
            f"main({theirs.fileno()}, {uid}, {tmp!r})"
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-E", "-s", "-c", code],
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self._sock = ours
        cpu, allowed = self._cpus()
        if cpu is not None:  # the next learner process is readied beside a grading, not in its way
            _pin(self._proc.pid, allowed - {cpu})
        ours.settimeout(30)
        try:
            hello = json.loads(ours.recv(65536) or b"{}")
        except (OSError, ValueError) as exc:
            self.close()
            raise SandboxError(f"the zygote did not start: {exc}") from exc
        if "hello" not in hello:
            self.close()
            raise SandboxError("the zygote did not start")
        self.layers = hello["layers"]
        active = {k: v if type(v) is int else bool(v) for k, v in self.layers.items() if k != "readable"}
        missing = [k for k, v in active.items() if not v]
        log.log(
            logging.WARNING if missing else logging.INFO,
            "sandbox zygote %s started; layers %s%s", hello["hello"], active,
            f"; NOT ACTIVE: {', '.join(missing)}" if missing else "",
        )  # fmt: skip

    def spawn(self, *, memory_mb: int, cpu_seconds: float) -> LearnerProcess:
        """A learner process with these limits: the spare one if it fits, else a new one."""
        self.start()
        limits = _Limits(memory_mb, math.ceil(cpu_seconds) + 1)
        spare, self._spare = self._spare, None
        if spare is not None and spare.limits != limits:
            self._claim(spare).end(wait=False)
            spare = None
        proc = self._claim(spare or self._request_process(limits))
        if spare is not None and not _alive(proc.pid):
            # the standby died between gradings (killed, the OOM killer): the grading gets a new
            # one, rather than a process whose first request would blame the learner's code
            log.warning("standby learner process %s had ended; starting another", proc.pid)
            proc.end(wait=False)
            self.start()  # the zygote too may be gone
            proc = self._claim(self._request_process(limits))
        if self._cpu is not None:
            _pin(proc.pid, {self._cpu})  # if it died already, its first request says so
        return proc

    def prepare(self, *, memory_mb: int, cpu_seconds: float) -> None:
        """Have a spare learner process fork and harden itself now, between
        gradings, so the next grading with these limits need not wait for it."""
        if self._spare is None and self._sock is not None:
            self._spare = self._request_process(_Limits(memory_mb, math.ceil(cpu_seconds) + 1))

    def _request_process(self, limits: _Limits) -> _Requested:
        """Ask the zygote for a learner process; its pid is read later, by _claim."""
        pipes = [os.pipe() for _ in range(3)]
        (req_r, req_w), (rep_r, rep_w), (out_r, out_w) = pipes
        for fd in (req_w, rep_w):  # arrays cross in fewer wake-ups with 1 MiB pipes
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
            except OSError:  # above the system's pipe-max-size: the default still works
                pass
        request = {"memory_bytes": limits.memory_mb * 2**20, "cpu_seconds": limits.cpu_seconds}
        try:
            socket.send_fds(self._sock, [json.dumps(request).encode()], [req_r, rep_w, out_w])
        except OSError as exc:
            for fd in (req_w, rep_r, out_r):
                os.close(fd)
            self.close()
            raise SandboxError(f"the zygote did not answer: {exc}") from exc
        finally:
            for fd in (req_r, rep_w, out_w):
                os.close(fd)
        return _Requested(limits, req_w, rep_r, out_r)

    def _claim(self, requested: _Requested) -> LearnerProcess:
        try:
            if not self._pids:
                self._receive(lambda m: "pid" in m)
        except SandboxError:
            requested.close()
            raise
        r = requested
        return LearnerProcess(self, self._pids.pop(0), r.req_w, r.rep_r, r.out_r, r.limits.memory_mb)

    def _receive(self, wanted) -> dict:
        """Read zygote messages until one is *wanted*; exit reports and pids are kept."""
        while True:
            try:
                msg = json.loads(self._sock.recv(65536) or b"{}")
            except (OSError, ValueError) as exc:
                self.close()
                raise SandboxError(f"the zygote did not answer: {exc}") from exc
            if "exit" in msg:
                if msg["exit"] in self._unwanted:
                    self._unwanted.discard(msg["exit"])
                else:
                    self._exits[msg["exit"]] = msg["status"]
            elif "pid" in msg:
                # the spare's pid can arrive while we wait for an exit report
                self._pids.append(msg["pid"])
            elif not msg:
                self.close()
                raise SandboxError("the zygote ended")
            if wanted(msg):
                return msg

    def reap(self, pid: int) -> int:
        """Wait for the zygote's report that *pid* ended; its wait status."""
        if pid not in self._exits:
            self._receive(lambda m: m.get("exit") == pid)
        return self._exits.pop(pid)

    def forget(self, pid: int) -> None:
        """A killed process whose end nobody will wait for: drop its report."""
        if self._exits.pop(pid, None) is None:
            self._unwanted.add(pid)

    def close(self) -> None:
        if self._spare is not None:
            self._spare.close()
            self._spare = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            _remove_scratch(tempfile.gettempdir(), self._proc.pid)
            self._proc = None
        self._exits.clear()
        self._unwanted.clear()
        self._pids.clear()


def _remove_scratch(tmp: str, zygote_pid: int) -> None:
    for path in Path(tmp).glob(scratch_prefix(zygote_pid) + "*"):
        shutil.rmtree(path, ignore_errors=True)


def remove_scratch_of_ended_zygotes(tmp: str) -> None:
    """Remove the scratch directories of zygotes that no longer run: a zygote
    removes its own as it ends, and a judge its zygote's once killed, but a
    worker killed outright leaves one behind (for the next judge to find)."""
    for path in Path(tmp).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = path.name.split("-")[1]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _alive(pid: int) -> bool:
    """Whether *pid* still runs (not ended, not a zombie waiting for the zygote to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rpartition(b")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def _pin(pid: int, cpus: set[int]) -> bool:
    """Set *pid*'s CPU affinity; where that fails (a cpuset changed under us,
    a process gone) the grading goes on where the kernel puts it."""
    try:
        os.sched_setaffinity(pid, cpus)
    except OSError as exc:
        log.info("could not set the CPU affinity of %s to %s: %s", pid or "the judge", sorted(cpus), exc)
        return False
    return True


class LearnerProcess:
    """One sandboxed process running the learner's code, driven by requests."""

    def __init__(self, sandbox: Sandbox, pid: int, req_w: int, rep_r: int, out_r: int, memory_mb: int) -> None:
        self.sandbox = sandbox
        self.pid = pid
        self.req_w, self.rep_r, self.out_r = req_w, rep_r, out_r
        for fd in (req_w, rep_r, out_r):
            os.set_blocking(fd, False)
        self._poll = select.poll()  # one per process, reused by every request
        self._poll.register(rep_r, select.POLLIN)
        self._poll.register(out_r, select.POLLIN)
        self._receiver = protocol.Receiver(max_header=protocol.MAX_REPLY_HEADER)
        # The large arguments this process keeps: it holds them in its memory
        # limit, so at most an eighth of that (32 MiB of 256).
        self.sent = protocol.SentArrays(max_bytes=min(KEPT_BYTES, memory_mb * 2**20 // 8))
        self.status: int | None = None
        self.closed = False
        self.encoding_seconds = self.reading_seconds = 0.0  # of the last timed request

    def request(
        self,
        request: Load | Fresh | Call,
        budget: Budget,
        output: Output,
        timed: bool = False,
        cap: float | None = None,
    ) -> tuple:
        """Send *request* and wait for its reply within *budget*: its (kind, body) (messages.read_reply). It is read as it arrives, into
        a reused buffer, its prefix checked against the limits before the rest
        is read (protocol.Receiver). With *timed*, what encoding the request
        cost this thread is kept in ``encoding_seconds``, and what reading the
        reply cost it in ``reading_seconds``; with a *cap* too, the call is
        stopped past *cap* CPU seconds beyond its decoding (CallCapped)."""
        if self.closed:
            raise LearnerDied("the process had already ended")
        id = secrets.randbits(62)  # unguessable: a reply written ahead of its request cannot name it
        if timed:
            start = time.thread_time()
            parts = protocol.encode_parts(request.wire(id), sent=self.sent)
            sent = time.thread_time()
            self.encoding_seconds, self.reading_seconds = sent - start, 0.0
            # decoding the arguments mirrors encoding them: not the function's CPU
            with budget.capped(cap + self.encoding_seconds) if cap is not None else contextlib.nullcontext():
                reply = self._exchange(parts, budget, output)
            self.reading_seconds = time.thread_time() - sent
        else:
            parts = protocol.encode_parts(request.wire(id), sent=self.sent)
            reply = self._exchange(parts, budget, output)
        try:
            return read_reply(reply, id)
        except ReplyError as exc:
            raise BadReply(str(exc)) from exc

    def _exchange(self, parts: list, budget: Budget, output: Output) -> object:
        budget.sent()
        unsent = self._write(parts)  # most requests fit in the pipe at once: one writev
        if unsent:
            self._poll.register(self.req_w, select.POLLOUT)
        self._receiver.reset()
        try:
            while True:
                wait = budget.wait()
                if wait <= 0:
                    budget.check()
                    continue
                for fd, _ in self._poll.poll(math.ceil(wait * 1000)):
                    if fd == self.rep_r:
                        value = self._read_reply(output)
                        if value is not protocol.MORE:
                            return value
                    elif fd == self.out_r:
                        self._read_output(output)
                    else:
                        unsent = self._write(unsent)
                        if not unsent:
                            self._poll.unregister(fd)
        finally:
            budget.answered()
            if unsent and not self.closed:
                self._poll.unregister(self.req_w)

    def _write(self, parts: list) -> list:
        """What is left of *parts* once the pipe is full; a dead reader takes nothing more."""
        try:
            return protocol.write_parts(self.req_w, parts)
        except BrokenPipeError:
            return []

    def _read_reply(self, output: Output) -> object:
        try:
            value = self._receiver.feed(self._readinto)
        except (EOFError, protocol.Truncated):  # the pipe closed: it died, maybe mid-reply
            self._drain(output)
            raise LearnerDied(self.end(), self.status) from None
        except protocol.ProtocolError as exc:
            raise BadReply(str(exc)) from exc
        if value is not protocol.MORE:
            self._drain(output)
        return value

    def _read_output(self, output: Output) -> None:
        chunk = os.read(self.out_r, 1 << 16)
        if chunk:
            output.add(chunk)
        else:
            self._poll.unregister(self.out_r)

    def _readinto(self, view: memoryview) -> int | None:
        try:
            return os.readv(self.rep_r, [view])
        except BlockingIOError:  # woken for nothing
            return None

    def _drain(self, output: Output) -> None:
        """Collect whatever output is already waiting, without blocking."""
        while True:
            try:
                chunk = os.read(self.out_r, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                return
            output.add(chunk)

    def cpu_seconds(self) -> float:
        """CPU time the process has used, all its threads, read by the judge:
        the learner cannot fake it (a clock inside the sandbox can be patched)."""
        return time.clock_gettime(((~self.pid) << 3) | 2)  # the kernel's CPUCLOCK_SCHED clock of a process

    def end(self, wait: bool = True) -> str:
        """Kill the process (and anything in its session). With *wait*, say how it ended."""
        if self.status is None and not self.closed:
            for kill in (os.kill, os.killpg):
                try:
                    kill(self.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for fd in (self.req_w, self.rep_r, self.out_r):
                os.close(fd)
            self.closed = True
        if self.status is None:
            if not wait:
                self.sandbox.forget(self.pid)
                return "the process was ended"
            self.status = self.sandbox.reap(self.pid)
        return describe_status(self.status)
