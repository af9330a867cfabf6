"""The zygote: a process with numpy imported that forks one learner process per
grading, and the code that learner process runs.

It is started by the judge with an empty environment and never loads tests or
reference solutions (DESIGN.md, trust boundary 2), so a forked learner inherits
nothing worth stealing. It talks to the judge over a SOCK_SEQPACKET socket:
``spawn`` requests carry the three pipe ends for the new learner process as
SCM_RIGHTS; replies say its pid, then how it ended.
"""

from __future__ import annotations

import builtins
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
import time
import traceback

FILENAME = "solution.py"
# stdlib modules a learner may import: loaded here because, once the uid is
# dropped, the interpreter's own files may be out of reach.
PRELOAD = (
    "math", "cmath", "itertools", "functools", "collections", "collections.abc", "heapq",
    "bisect", "random", "statistics", "typing", "dataclasses", "operator", "re", "string",
    "copy", "numbers", "fractions", "decimal", "warnings", "enum", "abc", "time", "timeit", "array",
    "struct", "contextlib", "json", "textwrap",
    "numpy.linalg", "numpy.fft", "numpy.random", "numpy.lib.stride_tricks", "numpy.testing",
)  # fmt: skip


def main(sock_fd: int) -> None:
    from grader.engine import sandbox

    sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL)
    sandbox.prctl(sandbox.PR_SET_DUMPABLE, 0)
    import importlib

    import numpy  # noqa: F401

    for name in PRELOAD:
        importlib.import_module(name)
    from grader.engine import protocol  # noqa: F401  (the learner process needs it)

    sock = socket.socket(fileno=sock_fd)
    layers = sandbox.detect_layers()
    layers["readable"] = sandbox.readable_paths()  # once: sysconfig may not load after the uid drop
    os.environ.clear()  # the BLAS settings did their work at import; learners see nothing
    gc.freeze()  # the collector then leaves inherited objects alone: fewer copy-on-write faults per fork
    sock.send(json.dumps({"hello": os.getpid(), "layers": layers}).encode())
    # Children are reaped as they end (a pidfd each), so the judge never waits
    # for a killed process's teardown before starting the next grading.
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is sock:
                try:
                    msg, fds, _, _ = socket.recv_fds(sock, 65536, 3)
                except OSError:
                    return
                if not msg:  # the judge is gone
                    return
                pid, scratch = _spawn(sock, fds, json.loads(msg), layers)
                sel.register(os.pidfd_open(pid), selectors.EVENT_READ, (pid, scratch))
            else:
                pid, scratch = key.data
                sel.unregister(key.fd)
                os.close(key.fd)
                _, status = os.waitpid(pid, 0)
                shutil.rmtree(scratch, ignore_errors=True)
                sock.send(json.dumps({"exit": pid, "status": status}).encode())


def _spawn(sock: socket.socket, fds: list[int], req: dict, layers: dict) -> tuple[int, str]:
    uid = req.get("uid")
    scratch = tempfile.mkdtemp(prefix="grader-")
    if uid is not None:
        os.chown(scratch, uid, uid)
    pid = os.fork()
    if pid == 0:
        try:
            sock.close()
            _child(fds, scratch, uid, req, layers)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(70)
    for fd in fds:
        os.close(fd)
    sock.send(json.dumps({"pid": pid}).encode())
    return pid, scratch


def _child(fds: list[int], scratch: str, uid: int | None, req: dict, layers: dict) -> None:
    from grader.engine import sandbox

    req_r, rep_w, out_w = (os.dup(fd) for fd in fds)  # above 0..4, whatever they were
    null = os.open(os.devnull, os.O_RDONLY)
    for src, dst in ((null, 0), (out_w, 1), (out_w, 2), (req_r, 3), (rep_w, 4)):
        os.dup2(src, dst)
    sandbox.harden(
        fds=[0, 1, 2, 3, 4],
        scratch=scratch,
        uid=uid,
        memory_bytes=int(req["memory_bytes"]),
        cpu_seconds=int(req["cpu_seconds"]),
        layers=layers,
        readable=layers["readable"],
    )
    import numpy

    numpy.random.seed(int.from_bytes(os.urandom(4), "little"))  # forked children share the zygote's state
    sys.stdin = open(0)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1 << 16, closefd=False)  # noqa: SIM115
    sys.stderr = sys.stdout
    _warm_up()
    Learner(os.fdopen(3, "rb", buffering=0), 4).serve()
    os._exit(0)


def _warm_up() -> None:
    """Touch, while this process waits as the spare, the memory every grading
    touches: each first write to a page shared with the zygote is a
    copy-on-write fault, better paid now than during the learner's tests."""
    import numpy as np

    from grader.engine import protocol

    sample = np.linspace(-3.0, 3.0, 4096).reshape(64, 64)
    for _ in range(2):
        frame = protocol.encode({"op": "call", "name": "f", "args": [sample, (1, 2.0, None)], "kwargs": {"k": True}})
        header = frame[protocol.PREFIX_SIZE :]
        h, _ = protocol.frame_sizes(frame[: protocol.PREFIX_SIZE])
        protocol.decode(header[:h], header[h:])
        shifted = np.exp(sample - sample.max(axis=1, keepdims=True))
        (shifted / shifted.sum(axis=1, keepdims=True)).mean(axis=0).var()
        exec(compile("import numpy as np\ndef f(x, y=1):\n    return np.asarray(x) * y\n", FILENAME, "exec"), {})


class Learner:
    """Answers the judge's requests with the learner's code. Sandboxed; data only."""

    def __init__(self, reader, reply_fd: int) -> None:
        self.reader = reader
        self.reply_fd = reply_fd
        self.code = None
        self.globals: dict = {}

    def serve(self) -> None:
        from grader.engine import protocol

        while True:
            try:
                msg = protocol.read_frame(self.reader)
            except EOFError:
                return
            reply = self.handle(msg)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001  (learner may have replaced or broken it)
                    pass
            try:
                data = protocol.encode(reply)
            except Exception as exc:  # noqa: BLE001
                data = protocol.encode({"bad_value": _short(exc)})
            _write_all(self.reply_fd, data)

    def handle(self, msg: dict) -> dict:
        op = msg.get("op")
        if op == "load":
            source = msg["code"]
            linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
            try:
                self.code = compile(source, FILENAME, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                return {"raised": _exception_info(exc)}
            return {"ok": None}
        if op == "fresh":
            error = self.fresh()
            if error:
                return error
            return {"ok": sorted(k for k, v in self.globals.items() if callable(v) and type(k) is str)}
        if op == "call":
            error = self.fresh() if msg.get("fresh") else None
            if error:
                return error
            fn = self.globals.get(msg["name"])
            if not callable(fn):
                return {
                    "raised": {
                        "type": "NameError",
                        "message": f"{msg['name']} is not defined",
                        "traceback": "",
                        "line": None,
                    }
                }
            try:
                start = time.perf_counter()
                value = fn(*msg["args"], **msg["kwargs"])
                seconds = time.perf_counter() - start
            except BaseException as exc:  # noqa: BLE001
                return {"raised": _exception_info(exc)}
            return {"ok": value, "seconds": seconds}  # serve() refuses a value that may not cross
        return {"bad_value": f"unknown op {op!r}"}

    def fresh(self) -> dict | None:
        """A fresh execution of the module: new globals, new default arguments."""
        self.globals = {"__name__": "solution", "__file__": FILENAME, "__builtins__": builtins}
        try:
            exec(self.code, self.globals)  # noqa: S102  (this is the sandbox)
        except BaseException as exc:  # noqa: BLE001  (SystemExit too: it is the learner's)
            return {"raised": _exception_info(exc)}
        return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _short(exc: BaseException, limit: int = 2000) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = "<unprintable>"
    return text[:limit]


def _exception_info(exc: BaseException) -> dict:
    """The learner's exception, with only the learner's own frames."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
        line = frames[-1].lineno if frames else None
        if isinstance(exc, SyntaxError) and exc.filename == FILENAME:
            line = exc.lineno
        text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
    except Exception:  # noqa: BLE001
        line, text = None, type(exc).__name__
    return {"type": type(exc).__name__, "message": _short(exc), "traceback": text[-8000:], "line": line}
