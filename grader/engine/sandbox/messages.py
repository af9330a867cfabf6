"""What the judge and a learner process say to each other, by name.

Both directions are frames of plain data (protocol.py). A request is a dict
with an ``op`` and an ``id``, a number the judge draws at random for each
request; a reply is a dict with one ``Reply`` kind and ``re``, the id of the
request it answers. The learner's code runs in the learner process and can
write to the reply pipe itself, so the judge reads a reply only through
``read_reply``, which refuses every other shape (``ReplyError``): a reply
with extra keys, a name list holding arrays, an exception without a
message, and a reply to any request but the one just sent. The learner's
code can learn the id of the request it is answering, never the next one's:
a frame it writes ahead of time is always found out.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.engine.sandbox.protocol import ProtocolError

OP, ID, RE = "op", "id", "re"  # a request's kind and id; the id a reply answers


class ReplyError(ProtocolError):
    """A frame that is not one of the replies a learner process sends."""


MAX_NAME = 200  # a Python identifier the judge asks for, or reads back from a load


@dataclass(frozen=True, slots=True)
class Load:
    """Compile the learner's module and execute it; the reply names what it defines."""

    OP = "load"
    code: str
    id: int = 0

    def wire(self, id: int) -> dict:
        return {OP: self.OP, ID: id, "code": self.code}


@dataclass(frozen=True, slots=True)
class Fresh:
    """Execute the module again (new globals, new default arguments) and call
    nothing: before a timed call, so that the module's own work is not timed."""

    OP = "fresh"
    id: int = 0

    def wire(self, id: int) -> dict:
        return {OP: self.OP, ID: id}


@dataclass(frozen=True, slots=True)
class Call:
    """Call one of the module's functions; with *fresh*, execute the module
    again first (new globals, new default arguments: each test's own)."""

    OP = "call"
    name: str
    args: list
    kwargs: dict
    fresh: bool = False
    id: int = 0

    def wire(self, id: int) -> dict:
        return {OP: self.OP, ID: id, "name": self.name, "args": self.args, "kwargs": self.kwargs, "fresh": self.fresh}


@dataclass(frozen=True, slots=True)
class Tryout:
    """Parse the learner's own calls ("Try your own input"), to be run one
    statement at a time by ``TryLine``; the reply gives each statement's first
    and last line."""

    OP = "tryout"
    source: str
    id: int = 0

    def wire(self, id: int) -> dict:
        return {OP: self.OP, ID: id, "source": self.source}


@dataclass(frozen=True, slots=True)
class TryLine:
    """Run statement *index* of the source the last ``Tryout`` parsed, in the
    module's globals; the reply gives an expression's value as text and what
    the statement printed."""

    OP = "try_line"
    index: int
    id: int = 0

    def wire(self, id: int) -> dict:
        return {OP: self.OP, ID: id, "index": self.index}


Request = Load | Fresh | Call | Tryout | TryLine


def read_request(msg) -> Request:
    """The learner side's reading of a request (the judge's, so trusted; but
    the learner's code may have changed what the learner process holds)."""
    op, id = (msg.get(OP), msg.get(ID)) if type(msg) is dict else (None, None)
    if type(id) is int:
        if op == Load.OP and type(msg.get("code")) is str:
            return Load(msg["code"], id)
        if op == Fresh.OP:
            return Fresh(id)
        if op == Tryout.OP and type(msg.get("source")) is str:
            return Tryout(msg["source"], id)
        if op == TryLine.OP and type(msg.get("index")) is int:
            return TryLine(msg["index"], id)
        if op == Call.OP and type(msg.get("name")) is str and type(msg.get("args")) is list:
            kwargs = msg.get("kwargs")
            if type(kwargs) is dict and all(type(k) is str for k in kwargs):
                return Call(msg["name"], msg["args"], kwargs, msg.get("fresh") is True, id)
    raise ProtocolError(f"unknown request {str(op)[:40]!r}")


class Reply:
    """The one key of a reply."""

    OK = "ok"  # the function's value; for a load, the names the module defines
    RAISED = "raised"  # the learner's exception: {type, message, traceback, line}
    BAD_VALUE = "bad_value"  # what the function returned may not cross, and why
    BAD_REQUEST = "bad_request"  # the request could not be read, and why


@dataclass(frozen=True, slots=True)
class Raised:
    """An exception in the learner's code, with only the learner's frames."""

    type: str
    message: str
    traceback: str
    line: int | None

    def reply(self) -> dict:
        return {Reply.RAISED: {"type": self.type, "message": self.message, "traceback": self.traceback,
                               "line": self.line}}  # fmt: skip


def read_reply(reply, id: int) -> tuple[str, object]:
    """(kind, body) of a well-formed reply to request *id*: OK with any value,
    RAISED with a ``Raised``, BAD_VALUE or BAD_REQUEST with a reason.
    Anything else raises ReplyError."""
    if type(reply) is not dict or len(reply) != 2 or RE not in reply:
        raise ReplyError("the reply is not one of the replies a learner process sends")
    if reply[RE] != id and not (reply[RE] is None and Reply.BAD_REQUEST in reply):  # it could not read the id
        raise ReplyError("a reply to another request: the learner process spoke out of turn")
    ((kind, body),) = ((k, v) for k, v in reply.items() if k != RE)
    if kind == Reply.OK:
        return kind, body
    if kind == Reply.RAISED and type(body) is dict and body.keys() == {"type", "message", "traceback", "line"}:
        line = body["line"]
        if all(type(body[k]) is str for k in ("type", "message", "traceback")) and (line is None or type(line) is int):
            return kind, Raised(body["type"], body["message"], body["traceback"], line)
    if kind in (Reply.BAD_VALUE, Reply.BAD_REQUEST) and type(body) is str:
        return kind, body
    raise ReplyError(f"a malformed {str(kind)[:40]!r} reply")


def loaded_names(body) -> list[str]:
    """The names a load's OK reply says the module defines."""
    if type(body) is not list or not all(type(n) is str and len(n) <= MAX_NAME for n in body):
        raise ReplyError("a load's reply must list the names the module defines")
    return body


MAX_STATEMENTS = 50  # of one try-out; the rest is not run, and the page says so


def tried_spans(body, lines: int) -> list[tuple[int, int]]:
    """The statements a ``Tryout``'s OK reply says the source holds: (first,
    last) line of each, in order, within the source's *lines*."""
    if type(body) is list and len(body) <= MAX_STATEMENTS and all(type(s) is list and len(s) == 2 for s in body):
        spans = [tuple(s) for s in body]
        bounds = [n for s in spans for n in s]
        if all(type(n) is int for n in bounds) and bounds == sorted(bounds) and all(1 <= n <= lines for n in bounds):
            return spans
    raise ReplyError("a try-out's reply must give the lines of each statement")


@dataclass(frozen=True, slots=True)
class Tried:
    """What one statement printed, and the value of an expression, as text
    the learner process made: shown to the learner, never read for anything."""

    value: str | None  # an expression's, as repr shows it
    output: str
    error: str | None  # the traceback of what it raised, the learner's frames only


def read_tried(body) -> Tried:
    shape = type(body) is dict and body.keys() == {"value", "output", "error"}
    if (
        shape
        and type(body["output"]) is str
        and all(body[k] is None or type(body[k]) is str for k in ("value", "error"))
    ):
        return Tried(body["value"], body["output"], body["error"])
    raise ReplyError("a try line's reply must give its value, output and error as text")
