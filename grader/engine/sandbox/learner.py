"""The learner-side server: what a learner process runs once hardened.

It reads the judge's requests (load the code, call a function) from its
request pipe and writes one reply per request, data only (protocol.py). It
runs inside the sandbox, beside the learner's code, and so trusts nothing
it finds in its own memory.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import linecache
import sys
import traceback

from grader.engine.sandbox.messages import (
    MAX_STATEMENTS,
    RE,
    Fresh,
    Load,
    Raised,
    Reply,
    Request,
    TryLine,
    Tryout,
    read_request,
)

FILENAME = "solution.py"
TRY_FILENAME = "input.py"  # the learner's own calls, in a traceback
VALUE_CHARS = 4000  # of an expression's value, shown
OUTPUT_CHARS = 16000  # of what one statement prints, shown


class Learner:
    """Answers the judge's requests with the learner's code. Sandboxed; data only."""

    def __init__(self, reader, reply_fd: int) -> None:
        self.reader = reader
        self.reply_fd = reply_fd
        self.code = None
        self.globals: dict = {}
        self.statements: list[ast.stmt] = []  # of the last try-out parsed
        self.namespace: dict = {}  # where they run

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

    def answer(self, request: Request) -> dict:
        if type(request) is Tryout:
            return self.tryout(request.source)
        if type(request) is TryLine:
            return self.try_line(request.index)
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

    def tryout(self, source: str) -> dict:
        """Parse the learner's own calls: the lines of each statement."""
        linecache.cache[TRY_FILENAME] = (len(source), None, source.splitlines(True), TRY_FILENAME)
        try:
            self.statements = ast.parse(source, TRY_FILENAME).body[:MAX_STATEMENTS]
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            return _raised(exc, (TRY_FILENAME,))
        import numpy

        # the Python prompt after ``from solution import *``, numpy at hand: what the
        # calls assign stays out of the module's own globals, which its functions read
        self.namespace = {"np": numpy, **self.globals}
        return {Reply.OK: [[s.lineno, s.end_lineno] for s in self.statements]}

    def try_line(self, index: int) -> dict:
        """Run one statement of the try-out: an expression's value as numpy
        prints it, and what the statement printed."""
        if not 0 <= index < len(self.statements):
            return Raised("IndexError", "no such statement", "", None).reply()
        statement = self.statements[index]
        printed = _Printed(OUTPUT_CHARS)
        value = error = None
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                if type(statement) is ast.Expr:
                    shown = eval(compile(ast.Expression(statement.value), TRY_FILENAME, "eval"), self.namespace)  # noqa: S307  (this is the sandbox)
                    value = None if shown is None and _is_print(statement.value) else _value_text(shown)
                else:
                    exec(compile(ast.Module([statement], []), TRY_FILENAME, "exec"), self.namespace)  # noqa: S102
        except BaseException as exc:  # noqa: BLE001  (SystemExit too: it is the learner's)
            error = _raised(exc, (FILENAME, TRY_FILENAME))[Reply.RAISED]["traceback"]
        return {Reply.OK: {"value": value, "output": printed.text(), "error": error}}


class _Printed(io.TextIOBase):
    """What a statement prints, kept up to a bound."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if type(text) is not str:
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = max(self.limit - self.kept, 0)
        self.parts.append(text[:room])  # a slice: a str, even of a str subclass
        self.kept += min(room, len(text))
        self.dropped += len(text) - min(room, len(text))
        return len(text)

    def text(self) -> str:
        return "".join(self.parts) + (f"\n[output cut: {self.dropped} more characters]" if self.dropped else "")


def _is_print(node: ast.expr) -> bool:
    # print() returns None, which the Python prompt does not show; a function of
    # the learner's that returns None by mistake is worth showing
    return type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "print"


def _value_text(value) -> str:
    """*value* as the Python prompt would show it, arrays shortened as numpy prints them."""
    import numpy as np

    with np.printoptions(threshold=100, edgeitems=3, linewidth=100):
        text = repr(value)
    return text[:VALUE_CHARS] + " (cut)" if len(text) > VALUE_CHARS else text[:]


def _short(exc: BaseException, limit: int = 2000) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = "<unprintable>"
    return text[:limit]


def _raised(exc: BaseException, files: tuple[str, ...] = (FILENAME,)) -> dict:
    """The learner's exception as a reply, with only the learner's own frames."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
        line = frames[-1].lineno if frames else None
        if isinstance(exc, SyntaxError) and exc.filename in files:
            line = exc.lineno
        text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
    except Exception:  # noqa: BLE001
        line, text = None, type(exc).__name__
    line = line if type(line) is int else None
    return Raised(type(exc).__name__, _short(exc), text[-8000:], line).reply()
