"""What a grading produces: plain data, the same for the CLI, the worker and tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

TEXT_CHARS = 16 * 1024  # a test's message or the error: the learner's code can make either any size


def cut(text: str, limit: int = TEXT_CHARS) -> str:
    """*text* cut to *limit* characters, saying so."""
    return text if len(text) <= limit else text[:limit] + " (cut)"


class Verdict:
    PASSED = "passed"  # every test passed
    FAILED = "failed"  # the code loaded; some test failed or raised
    ERROR = "error"  # the code did not load, a function is missing, or the process died
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    INTERNAL_ERROR = "internal_error"  # the grader's fault, never the learner's

    # when several apply, the first in this order wins
    PRECEDENCE = (INTERNAL_ERROR, ERROR, TIMEOUT, MEMORY_LIMIT, FAILED, PASSED)
    ALL = PRECEDENCE


class Status:
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


@dataclass
class TestResult:
    name: str
    status: str
    message: str = ""
    hidden: bool = False
    weight: float = 1.0
    duration_ms: float = 0.0
    metrics: dict = field(default_factory=dict)  # e.g. the speed ratio measured

    def public(self) -> dict:
        return {k: getattr(self, k) for k in ("name", "status", "message", "hidden", "duration_ms")}


@dataclass
class GradingResult:
    challenge: str
    verdict: str
    score: float
    tests: list[TestResult]
    stdout: str = ""
    error: str = ""
    error_line: int | None = None
    duration_ms: float = 0.0
    cpu_ms: float = 0.0  # the learner processes' CPU, as the limits count it
    seed: int = 0

    def public(self) -> dict:
        """The documented JSON shape of ``manage.py grade --json``."""
        return {
            "challenge": self.challenge,
            "verdict": self.verdict,
            "score": self.score,
            "tests": [t.public() for t in self.tests],
            "stdout": self.stdout,
            "error": self.error,
            "duration_ms": self.duration_ms,
        }

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TriedLine:
    """One statement of a try-out: its lines of the source, and what the
    learner process said it showed (text only, cut to a bound)."""

    line: int
    end: int
    source: str
    value: str | None = None  # an expression's value, as repr shows it
    output: str = ""  # what it printed
    error: str = ""  # its traceback, or the limit that stopped it


@dataclass
class TryResult:
    """A try-out ("Try your own input"): the learner's own calls of their
    code, no tests. *error* says why it stopped before the end, if it did."""

    lines: list[TriedLine] = field(default_factory=list)
    error: str = ""
    error_line: int | None = None  # in the learner's code, when it did not load
    stdout: str = ""  # output written past sys.stdout (to the process's own)
    internal: bool = False  # the grader failed, not the learner's code
    duration_ms: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)
