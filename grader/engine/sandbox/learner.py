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

from grader.engine.sandbox.messages import RE, Call, Fresh, Load, Raised, Reply, read_request

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
                reply = {Reply.BAD_REQUEST: _short(exc), RE: None}
            else:
                reply = self.handle(msg)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001  (learner may have replaced or broken it)
                    pass
            try:
                parts = protocol.encode_parts(reply, protocol.MAX_REPLY_HEADER, opaque=True)
            except Exception as exc:  # noqa: BLE001
                parts = protocol.encode_parts({Reply.BAD_VALUE: _short(exc), RE: reply[RE]})
            protocol.write_parts(self.reply_fd, parts)

    def handle(self, msg) -> dict:
        """The reply to request *msg*, saying which request it answers."""
        from grader.engine.sandbox.protocol import ProtocolError

        try:
            request = read_request(msg)
        except ProtocolError as exc:
            return {Reply.BAD_REQUEST: _short(exc), RE: None}
        reply = self.answer(request)
        reply[RE] = request.id
        return reply

    def answer(self, request: Load | Fresh | Call) -> dict:
        if type(request) is Load:
            linecache.cache[FILENAME] = (len(request.code), None, request.code.splitlines(True), FILENAME)
            try:
                self.code = compile(request.code, FILENAME, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                return _raised(exc)
            # executed at once: the globals the first call uses
            return self.fresh() or {
                Reply.OK: sorted(k for k, v in self.globals.items() if callable(v) and type(k) is str)
            }
        if type(request) is Fresh:
            return self.fresh() or {Reply.OK: None}
        error = self.fresh() if request.fresh else None
        if error:
            return error
        fn = self.globals.get(request.name)
        if not callable(fn):
            return Raised("NameError", f"{request.name} is not defined", "", None).reply()
        try:
            value = fn(*request.args, **request.kwargs)
        except BaseException as exc:  # noqa: BLE001
            return _raised(exc)
        # No time of ours: the judge reads this process's CPU clock, which the learner cannot fake.
        return {Reply.OK: value}  # serve() refuses a value that may not cross

    def fresh(self) -> dict | None:
        """A fresh execution of the module: new globals, new default arguments."""
        self.globals = {"__name__": "solution", "__file__": FILENAME, "__builtins__": builtins}
        try:
            exec(self.code, self.globals)  # noqa: S102  (this is the sandbox)
        except BaseException as exc:  # noqa: BLE001  (SystemExit too: it is the learner's)
            return _raised(exc)
        return None


def _short(exc: BaseException, limit: int = 2000) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = "<unprintable>"
    return text[:limit]


def _raised(exc: BaseException) -> dict:
    """The learner's exception as a reply, with only the learner's own frames."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
        line = frames[-1].lineno if frames else None
        if isinstance(exc, SyntaxError) and exc.filename == FILENAME:
            line = exc.lineno
        text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
    except Exception:  # noqa: BLE001
        line, text = None, type(exc).__name__
    line = line if type(line) is int else None
    return Raised(type(exc).__name__, _short(exc), text[-8000:], line).reply()
