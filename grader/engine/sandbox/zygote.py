"""The zygote: a process with numpy imported that forks one learner process per
grading (the server it runs is learner.py).

It is started by the judge with an empty environment and never loads tests or
reference solutions (docs/architecture.md, trust boundary 2), so a forked learner inherits
nothing worth stealing. It talks to the judge over a SOCK_SEQPACKET socket:
``spawn`` requests carry the three pipe ends for the new learner process as
SCM_RIGHTS; replies say its pid, then how it ended.
"""

from __future__ import annotations

import gc
import json
import linecache
import os
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import traceback

from grader.engine.sandbox.learner import FILENAME, Learner
from grader.engine.sandbox.messages import Call, Load

# stdlib modules a learner may import: loaded here because, once the uid is
# dropped, the interpreter's own files may be out of reach.
PRELOAD = (
    "math", "cmath", "itertools", "functools", "collections", "collections.abc", "heapq",
    "bisect", "random", "statistics", "typing", "dataclasses", "operator", "re", "string",
    "copy", "numbers", "fractions", "decimal", "warnings", "enum", "abc", "time", "timeit", "array",
    "struct", "contextlib", "json", "textwrap",
    "numpy.linalg", "numpy.fft", "numpy.random", "numpy.lib.stride_tricks", "numpy.testing",
)  # fmt: skip


def main(sock_fd: int, uid: int | None = None, tmp: str | None = None) -> None:
    """Serve the judge on *sock_fd*. Learner processes run as *uid* when the
    zygote is root (one uid per worker slot), each in a scratch directory of
    its own inside this zygote's (``scratch_root``, under *tmp*)."""
    from grader.engine.sandbox import hardening

    hardening.prctl(hardening.PR_SET_PDEATHSIG, signal.SIGKILL)
    hardening.prctl(hardening.PR_SET_DUMPABLE, 0)
    import importlib

    import numpy  # noqa: F401

    for name in PRELOAD:
        importlib.import_module(name)
    from grader.engine.sandbox import protocol  # noqa: F401  (the learner process needs it)

    sock = socket.socket(fileno=sock_fd)
    layers = hardening.detect_layers()
    layers["readable"] = hardening.readable_paths()  # once: sysconfig may not load after the uid drop
    os.environ.clear()  # the BLAS settings did their work at import; learners see nothing
    gc.freeze()  # the collector then leaves inherited objects alone: fewer copy-on-write faults per fork
    sock.send(json.dumps({"hello": os.getpid(), "layers": layers}).encode())
    root = tempfile.mkdtemp(prefix=scratch_prefix(os.getpid()), dir=tmp)
    os.chmod(root, 0o711)  # the learners' uids pass through to their own directories, and list nothing
    try:
        _Zygote(sock, layers, uid if layers["uid_drop"] else None, root).serve()
    finally:
        shutil.rmtree(root, ignore_errors=True)  # a killed zygote's is removed by the judge (client.py)


def scratch_prefix(zygote_pid: int) -> str:
    """The start of the name of a zygote's scratch directory: its pid says
    whose it is, so the judge can remove the directories of zygotes that are
    gone, however they ended."""
    return f"{SCRATCH_PREFIX}{zygote_pid}-"


class _Child:
    """A forked process: on standby until assigned to a spawn request."""

    def __init__(self, pid: int, control: socket.socket, scratch: str) -> None:
        self.pid, self.control, self.scratch = pid, control, scratch
        self.assigned = False


class _Zygote:
    """Keeps one process forked and hardened on standby, so a spawn request only
    hands it its pipes and limits; the slow part (fork, copy-on-write faults,
    Landlock, seccomp) happens off the judge's path, while nobody waits.

    A standby is hardened like a learner process but holds nothing: no pipe to
    the judge, no code. Children are reaped as they end (a pidfd each), so the
    judge never waits for a killed process's teardown before the next grading."""

    def __init__(self, sock: socket.socket, layers: dict, uid: int | None, root: str) -> None:
        self.sock, self.layers, self.uid, self.root = sock, layers, uid, root
        self.sel = selectors.DefaultSelector()
        self.sel.register(sock, selectors.EVENT_READ)
        self.standby: _Child | None = None

    def serve(self) -> None:
        self.standby = self._fork()
        while True:
            for key, _ in self.sel.select():
                if key.fileobj is self.sock:
                    try:
                        msg, fds, _, _ = socket.recv_fds(self.sock, 65536, 3)
                    except OSError:
                        return
                    if not msg:  # the judge is gone
                        return
                    self._spawn(fds, json.loads(msg))
                else:
                    self._reap(key)

    def _spawn(self, fds: list[int], req: dict) -> None:
        limits = json.dumps({"memory_bytes": int(req["memory_bytes"]), "cpu_seconds": int(req["cpu_seconds"])})
        try:
            for attempt in range(2):
                child, self.standby = self.standby or self._fork(), None
                try:
                    socket.send_fds(child.control, [limits.encode()], fds)
                    break
                except OSError:  # the standby died; its pidfd reports it
                    if attempt:
                        raise
                finally:
                    child.control.close()
        finally:
            for fd in fds:
                os.close(fd)
        child.assigned = True
        self.sock.send(json.dumps({"pid": child.pid}).encode())
        self.standby = self._fork()

    def _fork(self) -> _Child:
        scratch = tempfile.mkdtemp(prefix="learner-", dir=self.root)
        if self.uid is not None:
            os.chown(scratch, self.uid, self.uid)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        warm = cpu_to_spare()
        pid = os.fork()
        if pid == 0:
            try:
                self.sock.close()
                ours.close()
                _child(theirs.detach(), scratch, self.uid, self.layers, warm)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(70)
        theirs.close()
        child = _Child(pid, ours, scratch)
        self.sel.register(os.pidfd_open(pid), selectors.EVENT_READ, child)
        return child

    def _reap(self, key: selectors.SelectorKey) -> None:
        child = key.data
        self.sel.unregister(key.fd)
        os.close(key.fd)
        _, status = os.waitpid(child.pid, 0)
        shutil.rmtree(child.scratch, ignore_errors=True)
        if child.assigned:
            self.sock.send(json.dumps({"exit": child.pid, "status": status}).encode())
        elif child is self.standby:  # it should not end; the next request forks anew
            child.control.close()
            self.standby = None


SCRATCH_PREFIX = "grader-"
_CONTROL_FD = 5  # a standby's socket to the zygote; 0..4 become the learner's fds


def _child(control: int, scratch: str, uid: int | None, layers: dict, warm: bool) -> None:
    """A standby: harden, warm up (if *warm*), wait for an assignment (limits
    and the three pipe ends), then serve the judge as a learner process."""
    from grader.engine.sandbox import hardening

    if control != _CONTROL_FD:
        os.dup2(control, _CONTROL_FD)
        os.close(control)
    null = os.open(os.devnull, os.O_RDONLY)  # while it can: Landlock keeps /dev out of reach
    for fd in (0, 3, 4):  # placeholders, so received fds land above 0..4
        if fd != null:
            os.dup2(null, fd)
    if null > _CONTROL_FD:
        os.close(null)
    # fds 1 and 2 stay the zygote's until the assignment: a failure here is the grader's
    base = hardening.harden(
        keep_fds=_CONTROL_FD + 1, scratch=scratch, uid=uid, layers=layers, readable=layers["readable"]
    )
    import numpy

    numpy.random.seed(int.from_bytes(os.urandom(4), "little"))  # forked children share the zygote's state
    if warm:
        _warm_up()
    control_sock = socket.socket(fileno=_CONTROL_FD)
    msg, fds, _, _ = socket.recv_fds(control_sock, 4096, 3)
    if not msg or len(fds) != 3:  # the zygote is gone
        os._exit(0)
    req = json.loads(msg)
    hardening.limit(base_address_space=base, memory_bytes=req["memory_bytes"], cpu_seconds=req["cpu_seconds"])
    req_r, rep_w, out_w = fds
    for src, dst in ((out_w, 1), (out_w, 2), (req_r, 3), (rep_w, 4)):
        os.dup2(src, dst)
    control_sock.detach()
    os.closerange(_CONTROL_FD, 1 << 16)  # the control socket and the received originals
    sys.stdin = open(0)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1 << 16, closefd=False)  # noqa: SIM115
    sys.stderr = sys.stdout
    Learner(os.fdopen(3, "rb", buffering=0), 4).serve()
    os._exit(0)


# Warming a standby up costs a few ms of CPU, paid back in a faster grading
# only when a CPU was idle anyway: on a busy machine it displaces gradings.
BUSY_PRESSURE = 10.0  # % of the last 10 s in which some task waited for a CPU


def cpu_to_spare(pressure: str = "/proc/pressure/cpu") -> bool:
    """Whether the CPUs have time to spare: the kernel's CPU pressure (PSI)
    is low, or, where the kernel keeps none, fewer tasks run than CPUs."""
    try:
        with open(pressure) as f:
            some = f.readline().split()  # some avg10=1.23 avg60=... total=...
        return float(some[1].removeprefix("avg10=")) < BUSY_PRESSURE
    except (OSError, IndexError, ValueError):
        return os.getloadavg()[0] < (os.cpu_count() or 1)


_WARM_UP_CODE = """\
import numpy as np

def f(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""
HEAP_READY = 2 * 2**20  # bytes of heap faulted in ahead: a grading's arrays reuse them


def _warm_up() -> None:
    """Touch, while this process waits on standby, the memory a grading
    touches: each first write to a page shared with the zygote is a
    copy-on-write fault, and each new page of heap a zero-fill one, better
    paid now than during the learner's tests. Runs a learner's requests
    (load, calls on small and large arrays) through the very code that will
    serve them, and grows the heap, which malloc keeps (its trim threshold
    is far above this) for the arrays to come."""
    import io

    import numpy as np

    from grader.engine.sandbox import protocol

    np.ones(HEAP_READY // 8)
    learner = Learner(None, -1)
    small = np.linspace(-3.0, 3.0, 60).reshape(6, 10)
    large = np.linspace(-3.0, 3.0, 10_000).reshape(2_000, 5)  # past the receive buffer, and kept
    receiver, sent = protocol.Receiver(kept={}), protocol.SentArrays(max_bytes=large.nbytes)
    replies = protocol.Receiver(max_header=protocol.MAX_REPLY_HEADER)
    requests = [Load(_WARM_UP_CODE)]
    for fresh, x in ((True, small), (False, large), (False, large), (True, large[0])):
        requests.append(Call("f", [x], {"axis": -1}, fresh))
    for request in requests:
        frame = b"".join(protocol.encode_parts(request.wire(0), sent=sent))
        reply = b"".join(protocol.encode_parts(learner.handle(receiver.read(io.BytesIO(frame).readinto)),
                                               protocol.MAX_REPLY_HEADER, opaque=True))  # fmt: skip
        replies.read(io.BytesIO(reply).readinto)
    linecache.cache.pop(FILENAME, None)
