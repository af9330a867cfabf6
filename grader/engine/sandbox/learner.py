"""The learner-side server: what a learner process runs once hardened.

It reads the judge's requests (load the code, call a function) from its
request pipe and writes one reply per request, data only (protocol.py). It
runs inside the sandbox, beside the learner's code, and so trusts nothing
it finds in its own memory.
"""

from __future__ import annotations

import builtins
import linecache
import sys
import traceback

FILENAME = "solution.py"


class Learner:
    """Answers the judge's requests with the learner's code. Sandboxed; data only."""

    def __init__(self, reader, reply_fd: int) -> None:
        self.reader = reader
        self.reply_fd = reply_fd
        self.code = None
        self.globals: dict = {}

    def serve(self) -> None:
        from grader.engine.sandbox import protocol

        receiver = protocol.Receiver(kept={})  # the large arguments the judge has it keep
        readinto = self.reader.readinto
        while True:
            try:
                msg = receiver.read(readinto)
            except EOFError:
                return
            except protocol.ProtocolError as exc:  # e.g. a reference to an array no longer kept
                reply = {"bad_request": _short(exc)}
            else:
                reply = self.handle(msg)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001  (learner may have replaced or broken it)
                    pass
            try:
                parts = protocol.encode_parts(reply, protocol.MAX_REPLY_HEADER)
            except Exception as exc:  # noqa: BLE001
                parts = protocol.encode_parts({"bad_value": _short(exc)})
            protocol.write_parts(self.reply_fd, parts)

    def handle(self, msg: dict) -> dict:
        op = msg.get("op")
        if op == "load":
            source = msg["code"]
            linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
            try:
                self.code = compile(source, FILENAME, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                return {"raised": _exception_info(exc)}
            op = "fresh"  # and executed at once: the globals the first call uses
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
                value = fn(*msg["args"], **msg["kwargs"])
            except BaseException as exc:  # noqa: BLE001
                return {"raised": _exception_info(exc)}
            # No time of ours: the judge reads this process's CPU clock, which the learner cannot fake.
            return {"ok": value}  # serve() refuses a value that may not cross
        return {"bad_value": f"unknown op {op!r}"}

    def fresh(self) -> dict | None:
        """A fresh execution of the module: new globals, new default arguments."""
        self.globals = {"__name__": "solution", "__file__": FILENAME, "__builtins__": builtins}
        try:
            exec(self.code, self.globals)  # noqa: S102  (this is the sandbox)
        except BaseException as exc:  # noqa: BLE001  (SystemExit too: it is the learner's)
            return {"raised": _exception_info(exc)}
        return None


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
