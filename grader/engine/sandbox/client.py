"""The judge's side of the sandbox: the zygote client and learner processes.

Everything read from a learner process is untrusted: replies are size-checked
frames of data, output is capped, silence past a deadline is a timeout, and a
closed pipe is a death (docs/architecture.md, trust boundary 5).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import math
import os
import select
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.engine.sandbox import hardening, protocol

log = logging.getLogger(__name__)

ROOT = str(Path(__file__).resolve().parents[3])
OUTPUT_CAP = 1 << 20  # bytes of learner output kept per grading
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
    pass


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
    """Learner output across a grading, capped."""

    chunks: list[bytes] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0

    def add(self, data: bytes) -> None:
        room = OUTPUT_CAP - self.kept
        if room > 0:
            self.chunks.append(data[:room])
            self.kept += min(room, len(data))
        self.dropped += max(0, len(data) - max(room, 0))

    def text(self) -> str:
        text = b"".join(self.chunks).decode("utf-8", errors="replace")
        if self.dropped:
            text += f"\n[output truncated: {self.dropped} more bytes]"
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


class Sandbox:
    """One zygote per judge process; forks learner processes on demand."""

    def __init__(self, slot: int | None = None) -> None:
        self.slot = os.getpid() % 1000 if slot is None else slot
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None
        self._exits: dict[int, int] = {}  # wait status of ended learner processes, by pid
        self._unwanted: set[int] = set()
        self._pids: list[int] = []  # announced by the zygote, not yet claimed; in request order
        self._spare: tuple | None = None  # a learner process requested ahead of need
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
        code = (
            f"import sys; sys.path.insert(0, {ROOT!r}); from grader.engine.sandbox.zygote import main; "
            f"main({theirs.fileno()}, {uid})"
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
        limits = (memory_mb, math.ceil(cpu_seconds) + 1)
        spare, self._spare = self._spare, None
        if spare is not None and spare[0] != limits:
            self._claim(spare).end(wait=False)
            spare = None
        proc = self._claim(spare or self._request_process(limits))
        if self._cpu is not None:
            _pin(proc.pid, {self._cpu})  # if it died already, its first request says so
        return proc

    def prepare(self, *, memory_mb: int, cpu_seconds: float) -> None:
        """Have a spare learner process fork and harden itself now, between
        gradings, so the next grading with these limits need not wait for it."""
        if self._spare is None and self._sock is not None:
            self._spare = self._request_process((memory_mb, math.ceil(cpu_seconds) + 1))

    def _request_process(self, limits: tuple[int, int]) -> tuple:
        """Ask the zygote for a learner process; its pid is read later, by _claim."""
        memory_mb, cpu_seconds = limits
        pipes = [os.pipe() for _ in range(3)]
        (req_r, req_w), (rep_r, rep_w), (out_r, out_w) = pipes
        for fd in (req_w, rep_w):  # arrays cross in fewer wake-ups with 1 MiB pipes
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
            except OSError:  # above the system's pipe-max-size: the default still works
                pass
        request = {"memory_bytes": memory_mb * 2**20, "cpu_seconds": cpu_seconds}
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
        return limits, req_w, rep_r, out_r

    def _claim(self, requested: tuple) -> LearnerProcess:
        (memory_mb, _), req_w, rep_r, out_r = requested
        try:
            if not self._pids:
                self._receive(lambda m: "pid" in m)
        except SandboxError:
            for fd in (req_w, rep_r, out_r):
                os.close(fd)
            raise
        return LearnerProcess(self, self._pids.pop(0), req_w, rep_r, out_r, memory_mb)

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
            for fd in self._spare[1:]:
                os.close(fd)
            self._spare = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None
        self._exits.clear()
        self._unwanted.clear()
        self._pids.clear()


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

    def request(self, message: dict, deadline: float, output: Output) -> object:
        """Send one request and wait for its reply until *deadline* (monotonic).
        The reply is read as it arrives, into a reused buffer; its prefix is
        checked against the limits before the rest is read (protocol.Receiver)."""
        if self.closed:
            raise LearnerDied("the process had already ended")
        parts = protocol.encode_parts(message, sent=self.sent)
        try:  # most requests fit in the pipe at once: one writev
            parts = protocol.write_parts(self.req_w, parts)
        except BrokenPipeError:
            parts = []
        if parts:
            self._poll.register(self.req_w, select.POLLOUT)
        receiver, rep_r, out_r = self._receiver, self.rep_r, self.out_r
        receiver.reset()
        readinto = self._readinto
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LearnerTimeout
                for fd, _ in self._poll.poll(remaining * 1000):
                    if fd == rep_r:
                        try:
                            value = receiver.feed(readinto)
                        except (EOFError, protocol.Truncated):  # the pipe closed: it died, maybe mid-reply
                            self._drain(output)
                            raise LearnerDied(self.end(), self.status) from None
                        except protocol.ProtocolError as exc:
                            raise BadReply(str(exc)) from exc
                        if value is not protocol.MORE:
                            self._drain(output)
                            return value
                    elif fd == out_r:
                        chunk = os.read(fd, 1 << 16)
                        if chunk:
                            output.add(chunk)
                        else:
                            self._poll.unregister(fd)
                    else:
                        try:
                            parts = protocol.write_parts(fd, parts)
                        except BrokenPipeError:
                            parts = []
                        if not parts:
                            self._poll.unregister(fd)
        finally:
            if parts and not self.closed:
                self._poll.unregister(self.req_w)

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
