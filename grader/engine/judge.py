"""The trusted judge: runs a pack's tests against learner code in the sandbox.

Tests and the reference run here; the learner's code runs only in a learner
process, reached through ``LearnerProxy``, and only data crosses. The verdict is
computed here from what the tests observed; the learner's output is shown,
never parsed (docs/architecture.md, trust boundary).
"""

from __future__ import annotations

import copy
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from grader.engine import checks
from grader.engine.pack import Pack, Suite, load_suite
from grader.engine.results import GradingResult, Status, TestResult, TriedLine, TryResult, Verdict, cut
from grader.engine.sandbox import protocol
from grader.engine.sandbox.client import (
    WAIT_FACTOR,
    BadReply,
    Budget,
    CallCapped,
    LearnerDied,
    LearnerProcess,
    LearnerTimeout,
    Output,
    Sandbox,
    SandboxError,
)
from grader.engine.sandbox.hardening import tune_malloc
from grader.engine.sandbox.messages import (
    MAX_STATEMENTS,
    Call,
    Fresh,
    Load,
    Raised,
    Reply,
    ReplyError,
    TryLine,
    Tryout,
    loaded_names,
    read_tried,
    tried_spans,
)
from grader.engine.sandbox.protocol import OpaqueArgument, ProtocolError

log = logging.getLogger(__name__)

MAX_CODE_BYTES = 1 << 20
ONLY_NUMPY = (
    "Only numpy and Python's standard library can be imported here; scipy and other packages are not available."
)
CREDITED_PARTS = 64  # values and containers in a reply whose reading is taken off a timed call
HIDDEN_NOT_RUN = "not run"
GRADER_FAILED = "The grader failed ({}); this is not your fault. Please try again."
MAX_TRY_BYTES = 64 * 1024  # of a try-out's source (the web app's limit is lower)
# Caps on what a try-out shows, a little above the learner side's own (which is untrusted)
TRY_VALUE_CHARS = 4096
TRY_OUTPUT_CHARS = 16 * 1024 + 64
TRY_SOURCE_CHARS = 2000  # of one statement's source, shown beside its value
TRY_SHOWN_CHARS = 128 * 1024  # of all the values and output of one try-out: later lines are not run
OnTest = Callable[[list[TestResult]], None]  # told the rows so far as each test ends (Judge.grade)


class LearnerError(Exception):
    """The learner's code raised; carries its traceback (learner frames only)."""

    def __init__(self, raised: Raised) -> None:
        self.type = raised.type[:200]
        self.line = raised.line
        self.traceback = raised.traceback or f"{self.type}: {raised.message}"
        super().__init__(self.traceback)


class BadValue(Exception):
    """The learner's function returned something that may not cross."""


class Interference(Exception):
    """The learner process broke the protocol: a malformed reply, or one sent
    out of turn. Its code can write to the reply pipe, so it is the learner's
    doing (an error verdict), never the grader's."""


class _Session:
    """The learner process(es) of one grading. A killed process is replaced."""

    def __init__(self, sandbox: Sandbox, pack: Pack, code: str, output: Output) -> None:
        self.sandbox, self.pack, self.code, self.output = sandbox, pack, code, output
        self.proc: LearnerProcess | None = None
        self.fresh_pending = False  # the next call first re-executes the module
        self.pristine = False  # no call since the module was executed
        self.names: list[str] = []
        # what is left of the grading's limits, in the learner's CPU seconds and idle seconds
        self.cpu_left = pack.limits.time_total
        self.idle_left = pack.limits.time_total * WAIT_FACTOR
        self.step_limit = pack.limits.time_per_test
        self.budget: Budget | None = None  # the current step's, on its current process
        self.record_calls = False
        self.last_call: tuple | None = None  # (name, args, kwargs) of the last call, while recording
        self.step_started = self.call_started = time.monotonic()

    def begin_step(self, limit: float) -> None:
        """The next step (the load, or a test) may use *limit* seconds of the
        learner's CPU, within what is left of the grading's."""
        self.end_step()
        self.step_limit = limit
        self.step_started = time.monotonic()

    def end_step(self) -> None:
        """Take what the step used off the grading's limits."""
        if self.budget is not None:
            budget, self.budget = self.budget, None
            budget.measure()
            self.cpu_left -= budget.cpu
            self.idle_left -= budget.idle

    @property
    def used_up(self) -> bool:
        return self.cpu_left <= 0 or self.idle_left <= 0

    def stuck_in_one_call(self) -> bool:
        """Whether the step's own limit (not what was left of the grading's)
        was reached in one call that took at least half the step: a function
        that never returns, not one called too often. Read before kill()."""
        budget, now = self.budget, time.monotonic()
        if budget is None or budget.cpu_limit < self.step_limit:
            return False
        return now - self.call_started >= 0.5 * (now - self.step_started)

    def _budget(self) -> Budget:
        if self.budget is None or self.budget.pid != self.proc.pid:  # a process replaced mid-step starts afresh
            self.end_step()
            cpu = min(self.step_limit, self.cpu_left)
            self.budget = Budget(self.proc.pid, cpu=cpu, idle=min(self.step_limit * WAIT_FACTOR, self.idle_left))
        return self.budget

    def _request(self, request: Load | Fresh | Call, timed: bool = False, cap: float | None = None) -> object:
        """The body of the reply to *request*, if it is OK; raises for the rest
        (ProtocolError if the request itself may not cross)."""
        try:
            kind, body = self.proc.request(request, self._budget(), self.output, timed=timed, cap=cap)
        except BadReply as exc:
            self.kill()
            raise Interference(str(exc)) from exc
        if kind == Reply.OK:
            return body
        if kind == Reply.RAISED:
            raise LearnerError(body)
        if kind == Reply.BAD_VALUE:
            raise BadValue(f"the function returned a value that cannot be checked: {body}")
        self.kill()  # BAD_REQUEST: we never send a reference it lacks, so its kept arrays were tampered with
        raise Interference(f"the learner process could not read the request ({body})")

    def _ensure_process(self) -> None:
        if self.proc is None:
            limits = self.pack.limits
            for retry in (True, False):
                self.proc = self.sandbox.spawn(memory_mb=limits.memory_mb, cpu_seconds=limits.time_total)
                # compiled once and executed: in one round trip
                try:
                    self.names = loaded_names(self._request(Load(self.code)))
                    break
                except ReplyError as exc:
                    self.kill()
                    raise Interference(str(exc)) from exc
                except LearnerDied as exc:
                    # A standby killed from outside as it was handed over dies at its first request,
                    # like code that ends its process at import: a second process tells them apart.
                    if not retry or exc.out_of_cpu:
                        raise
                    log.warning("learner process died loading the code (%s); trying a fresh one", exc.description)
                    self.kill()
            self.fresh_pending, self.pristine = False, True

    def load(self) -> list[str]:
        """Execute the learner's module once; the names it defines."""
        self._ensure_process()
        return self.names

    def new_test(self) -> None:
        """Each test gets a fresh execution of the module: its first call runs
        the module again, unless no call has run since it was executed."""
        self.fresh_pending = not self.pristine

    def call(self, name: str, args: tuple, kwargs: dict, timed: bool = False, cap: float | None = None) -> object:
        self._ensure_process()
        request = Call(name, list(args), kwargs, self.fresh_pending)
        self.fresh_pending = self.pristine = False
        self.call_started = time.monotonic()
        if self.record_calls:  # a sample test's failure shows its last call (its inputs are public)
            self.last_call = (name, copy.deepcopy(args), copy.deepcopy(kwargs), _NOTHING)
        try:
            value = self._request(request, timed, cap)
            if self.record_calls:
                self.last_call = (*self.last_call[:3], value)
            return value
        except OpaqueArgument as exc:  # a test hands back what the learner returned (a cache, to a backward pass)
            raise AssertionError(f"{name}() cannot be given what your code returned before: {exc}") from None
        except ProtocolError as exc:  # the test passed arguments that may not cross: the author's bug
            raise TypeError(f"argument to {name}() cannot be sent to the sandbox: {exc}") from exc

    def timed_call(self, name: str, args: tuple, kwargs: dict, cap: float | None = None) -> tuple[object, float]:
        """A call, and the learner process's CPU time for it, less its share of
        carrying the data, estimated by what carrying it cost the judge:
        encoding the arguments mirrors their decoding there (comparing a kept
        array's bytes, copying it in), reading the reply its sending. The
        reply's share is credited only for a reply of a result's size, a few
        arrays and numbers (``CREDITED_PARTS``): a reply padded with parts
        that are dear to read (30,000 empty arrays) must not buy time. The
        module is executed afresh before, untimed: its own work is not the
        function's. Only timed calls read the clocks: system calls that every
        call of a 100-step loop would pay otherwise, for nothing. With a
        *cap*, the call is stopped past that many CPU seconds of its own and
        ``checks.Stopped`` raised; its process is killed, as after a timeout,
        and the next call gets a new one."""
        self._ensure_process()
        if self.fresh_pending:  # a check at the module's end, tables built at import: not the function's time
            self._request(Fresh())
            self.fresh_pending = False
        proc = self.proc
        before = proc.cpu_seconds()
        try:
            value = self.call(name, args, kwargs, timed=True, cap=cap)
        except CallCapped as exc:
            self.kill()
            raise checks.Stopped(max(exc.seconds - proc.encoding_seconds, 0.0)) from None
        spent = proc.cpu_seconds() - before
        carrying = proc.encoding_seconds
        if protocol.parts_within(value, CREDITED_PARTS):
            carrying += proc.reading_seconds
        return value, max(spent - carrying, 0.0)

    def kill(self) -> None:
        """End the current learner process without waiting for its teardown."""
        if self.proc is not None:
            self.end_step()  # what it used, read before it goes
            proc, self.proc = self.proc, None
            proc.end(wait=False)


class LearnerFunction:
    """``learner.softmax``: calling it runs the learner's function in the sandbox."""

    def __init__(self, session: _Session, name: str) -> None:
        self._session, self.__name__ = session, name

    def __call__(self, *args, **kwargs):
        return self._session.call(self.__name__, args, kwargs)

    def timed(self, *args, cpu_cap: float | None = None, **kwargs) -> tuple[object, float]:
        """(result, CPU seconds the learner process spent on the call); past
        *cpu_cap* seconds the call is stopped (``checks.Stopped``)."""
        return self._session.timed_call(self.__name__, args, kwargs, cap=cpu_cap)


class LearnerProxy:
    def __init__(self, session: _Session) -> None:
        self._session = session

    def __getattr__(self, name: str) -> LearnerFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return LearnerFunction(self._session, name)


def verdict_for(flags: set[str], results: list[TestResult]) -> str:
    statuses = {r.status for r in results}
    if "internal" in flags:
        return Verdict.INTERNAL_ERROR
    if "error" in flags:
        return Verdict.ERROR
    if "timeout" in flags or Status.TIMEOUT in statuses:
        return Verdict.TIMEOUT
    if "memory" in flags:
        return Verdict.MEMORY_LIMIT
    if statuses - {Status.PASSED}:
        return Verdict.FAILED
    return Verdict.PASSED


class Judge:
    """Grades code against packs. One per process: it owns a zygote."""

    def __init__(self, sandbox: Sandbox | None = None) -> None:
        self.sandbox = sandbox or Sandbox()
        tune_malloc()  # the reference is timed here: same allocator behaviour as the learner process
        self._suites: OrderedDict[tuple, Suite] = OrderedDict()

    def suite(self, pack: Pack) -> Suite:
        # what load_suite reads, and nothing else: no hashing of the whole pack per grading
        key = (pack.slug, pack.functions, pack.solution, pack.tests)
        if key not in self._suites:
            self._suites[key] = load_suite(pack)
            if len(self._suites) > 64:
                self._suites.popitem(last=False)
        self._suites.move_to_end(key)
        return self._suites[key]

    def close(self) -> None:
        self.sandbox.close()

    def grade(
        self, pack: Pack, code: str, *, run_only: bool = False, seed: int | None = None, on_test: OnTest | None = None
    ) -> GradingResult:
        """Grade *code* against *pack*. With *on_test*, each test's row is
        handed on as soon as it is known: ``on_test(rows so far)``, a copy,
        after every row added (one call for the rows of tests a failed load
        skips). It is called between tests, outside any step's limits, so
        its time is never the learner's; if it raises, that is logged and
        the grading goes on."""
        seed = secrets.randbits(32) if seed is None else seed
        start = time.monotonic()
        output = Output()
        result = GradingResult(challenge=pack.slug, verdict=Verdict.INTERNAL_ERROR, score=0.0, tests=[], seed=seed)
        session = _Session(self.sandbox, pack, code, output)
        try:
            suite = self.suite(pack)
            tests = [t for t in suite.tests if t.spec.sample or not run_only]
            with self.sandbox.on_one_cpu():
                self._run(pack, suite, tests, session, result, on_test)
        except Exception as exc:  # noqa: BLE001  (never blamed on the learner)
            log.exception("internal error grading %s", pack.slug)
            result.verdict, result.score = Verdict.INTERNAL_ERROR, 0.0
            result.error = GRADER_FAILED.format(type(exc).__name__)
        finally:
            self._end(session)
            result.stdout = output.text()
            result.duration_ms = round((time.monotonic() - start) * 1000, 2)
            result.cpu_ms = round((pack.limits.time_total - session.cpu_left) * 1000, 2)  # kill() ended the step
        return result

    def _end(self, session: _Session) -> None:
        """End a grading's (or try-out's) learner process, and ready the next."""
        limits = session.pack.limits
        try:
            session.kill()
            self.sandbox.prepare(memory_mb=limits.memory_mb, cpu_seconds=limits.time_total)
        except SandboxError:
            log.exception("sandbox failed while ending a learner process")

    def _run(
        self, pack: Pack, suite: Suite, tests, session: _Session, result: GradingResult, on_test: OnTest | None
    ) -> None:
        limits = pack.limits
        flags: set[str] = set()

        def add(*rows: TestResult) -> None:
            result.tests.extend(rows)
            _tell(on_test, result.tests)

        def skip_all(message: str, status: str = Status.SKIPPED) -> None:
            add(*(TestResult(t.name, status, message, hidden=not t.spec.sample, weight=t.spec.weight) for t in tests))

        if len(session.code.encode("utf-8", "surrogatepass")) > MAX_CODE_BYTES:
            result.verdict, result.error = Verdict.ERROR, "The code is too large to grade."
            skip_all("not run: the code is too large")
            return

        # Load once up front: a syntax error, an import-time crash or a missing
        # function is reported as such rather than as N failing tests.
        session.begin_step(limits.time_per_test)
        try:
            names = session.load()
        except LearnerError as exc:
            result.verdict, result.error, result.error_line = Verdict.ERROR, cut(exc.traceback), exc.line
            if exc.type == "ModuleNotFoundError":
                result.error = cut(exc.traceback.rstrip("\n") + "\n" + ONLY_NUMPY)
            if exc.type == "MemoryError":
                result.verdict = Verdict.MEMORY_LIMIT
            skip_all("not run: your code did not load")
            return
        except LearnerTimeout as exc:
            session.kill()
            result.verdict = Verdict.TIMEOUT
            result.error = f"Your code did not finish loading: it {exc.message}."
            skip_all("not run: your code did not finish loading")
            return
        except (LearnerDied, BadValue) as exc:
            session.kill()
            result.verdict, result.error = Verdict.ERROR, f"Your code did not load: {exc}."
            skip_all("not run: your code did not load")
            return
        except Interference as exc:
            result.verdict, result.error = Verdict.ERROR, cut(f"Your code interfered with the grader: {exc}.")
            skip_all("not run: your code interfered with the grader")
            return
        missing = [f for f in pack.functions if f not in names]
        if missing:
            result.verdict = Verdict.ERROR
            result.error = "Your code does not define " + ", ".join(f"{f}()" for f in missing) + "."
            skip_all("not run: a required function is missing")
            return

        proxy = LearnerProxy(session)
        shown_errors: dict[str, str] = {}  # a traceback already shown -> the test that shows it
        for test in tests:
            hidden = not test.spec.sample
            now = time.monotonic()
            if "stuck" in flags:  # the next test would wait out its limit the same way
                message = "not run: an earlier call of your function never returned"
                add(TestResult(test.name, Status.SKIPPED, message, hidden, test.spec.weight))
                continue
            session.begin_step(test.spec.timeout or limits.time_per_test)
            if session.used_up:
                message = (
                    f"not run: the grading's {limits.time_total:g} s of CPU were used up" if session.cpu_left <= 0
                    else f"not run: the grading's {limits.time_total * WAIT_FACTOR:g} s of waiting were used up"
                )  # fmt: skip
                add(TestResult(test.name, Status.TIMEOUT, message, hidden, test.spec.weight))
                flags.add("timeout")
                continue
            session.output.hidden = hidden  # what a hidden test's inputs make the code print stays unseen
            session.record_calls, session.last_call = not hidden, None
            status, message, metrics = self._run_test(test, suite, proxy, session, result.seed, flags)
            if status == Status.FAILED and session.last_call is not None and session.last_call[3] is not _NOTHING:
                message = f"{message}\n\n{_show_call(suite.reference, *session.last_call)}"
            if status == Status.ERROR and message in shown_errors:
                message = f"the same error as in {shown_errors[message]} (its traceback is shown there)"
            elif status == Status.ERROR and not hidden:
                shown_errors[message] = test.name
            add(
                TestResult(test.name, status, cut(message), hidden, test.spec.weight,
                           round((time.monotonic() - now) * 1000, 2), metrics)
            )  # fmt: skip
        session.output.hidden = False
        session.end_step()
        total = sum(t.weight for t in result.tests)
        passed = sum(t.weight for t in result.tests if t.status == Status.PASSED)
        result.score = round(passed / total, 6) if total else 0.0
        result.verdict = verdict_for(flags, result.tests)

    def try_out(self, pack: Pack, code: str, source: str) -> TryResult:
        """Run the learner's own calls (*source*, "Try your own input") against
        their module (*code*), one statement at a time, in a learner process
        with the pack's limits: each statement a test's CPU limit, all of them
        the grading's. No test and no reference is involved; what comes back
        is the learner process's text, cut to a bound and only shown."""
        start = time.monotonic()
        output = Output()
        result = TryResult()
        session = _Session(self.sandbox, pack, code, output)
        try:
            with self.sandbox.on_one_cpu():
                self._try(pack, source, session, result)
        except Exception as exc:  # noqa: BLE001  (never blamed on the learner)
            log.exception("internal error trying code against %s", pack.slug)
            result.internal = True
            result.error = GRADER_FAILED.format(type(exc).__name__)
        finally:
            self._end(session)
            result.stdout = cut(output.text(), TRY_OUTPUT_CHARS)
            result.duration_ms = round((time.monotonic() - start) * 1000, 2)
        return result

    @staticmethod
    def _try(pack: Pack, source: str, session: _Session, result: TryResult) -> None:
        limits = pack.limits
        too_large = len(session.code.encode("utf-8", "surrogatepass")) > MAX_CODE_BYTES
        if too_large or len(source.encode("utf-8", "surrogatepass")) > MAX_TRY_BYTES:
            result.error = "The code or the input is too large to run."
            return
        session.begin_step(limits.time_per_test)
        _, stopped, line = _try_step(session, session.load)
        if stopped:
            result.error, result.error_line = cut(f"Your code did not load:\n{stopped}"), line
            return
        lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as Python counts lines
        session.begin_step(limits.time_per_test)
        spans, stopped, _ = _try_step(session, lambda: tried_spans(session._request(Tryout(source)), len(lines)))
        if stopped:
            result.error = cut(stopped)
            return
        shown = 0  # characters of values, output and errors so far
        for index, (first, last) in enumerate(spans):
            session.begin_step(limits.time_per_test)
            if session.used_up:
                spent = "CPU" if session.cpu_left <= 0 else "waiting"
                result.error = (
                    f"Not run further: the {limits.time_total:g} s of {spent} for all the lines were used up."
                )
                break
            if shown >= TRY_SHOWN_CHARS:
                result.error = f"Not run further: the lines above showed {TRY_SHOWN_CHARS // 1024} KiB already."
                break
            row = TriedLine(first, last, cut("\n".join(lines[first - 1 : last]), TRY_SOURCE_CHARS))
            result.lines.append(row)
            tried, stopped, _ = _try_step(session, lambda i=index: read_tried(session._request(TryLine(i))))
            if stopped:
                row.error = cut(stopped)
                break
            row.value = None if tried.value is None else cut(tried.value, TRY_VALUE_CHARS)
            row.output, row.error = cut(tried.output, TRY_OUTPUT_CHARS), cut(tried.error or "")
            if row.error:
                break
            shown += len(row.value or "") + len(row.output)
        else:
            if len(spans) == MAX_STATEMENTS and any(s.strip() for s in lines[spans[-1][1] :]):
                result.error = f"Only the first {MAX_STATEMENTS} statements are run."
        session.end_step()

    @staticmethod
    def _run_test(test, suite: Suite, proxy: LearnerProxy, session: _Session, seed: int, flags: set):
        metrics: dict = {}
        token = checks.current_metrics.set(metrics)
        try:
            session.new_test()
            test.run(learner=proxy, reference=suite.reference, seed=seed)
            return Status.PASSED, "", metrics
        except AssertionError as exc:
            return Status.FAILED, str(exc) or "assertion failed", metrics
        except LearnerError as exc:
            if exc.type == "MemoryError":
                flags.add("memory")
            return Status.ERROR, exc.traceback, metrics
        except BadValue as exc:
            return Status.FAILED, str(exc), metrics
        except Interference as exc:
            flags.add("error")
            return Status.ERROR, f"your code interfered with the grader: {exc}", metrics
        except LearnerTimeout as exc:
            if session.stuck_in_one_call():
                flags.add("stuck")
                session.kill()
                return Status.TIMEOUT, f"your function never returned: it {exc.message}", metrics
            session.kill()
            return Status.TIMEOUT, exc.message, metrics
        except LearnerDied as exc:
            session.kill()
            if exc.out_of_cpu:
                flags.add("timeout")
                return Status.TIMEOUT, exc.description, metrics
            flags.add("error")
            return Status.ERROR, f"your code ended the process: {exc.description}", metrics
        except SandboxError:
            raise
        except Exception as exc:  # noqa: BLE001  (a test tripping over a wrong result)
            return Status.FAILED, f"the result could not be checked: {type(exc).__name__}: {exc}", metrics
        finally:
            checks.current_metrics.reset(token)


def _tell(on_test: OnTest | None, rows: list[TestResult]) -> None:
    """Hand *on_test* a copy of the rows so far. Its failure (the database
    away, say) is not the grading's: logged, and the grading goes on."""
    if on_test is None:
        return
    try:
        on_test(list(rows))
    except Exception:  # noqa: BLE001  (what the caller does with the rows never decides the verdict)
        log.exception("on_test failed after %d tests; grading goes on", len(rows))


def _try_step(session: _Session, step: Callable[[], object]) -> tuple[object, str, int | None]:
    """(what *step* returned, "", None), or (None, what stopped it, its line in
    the learner's code) when the learner's code raised, hit a limit, died or
    broke the protocol: a try-out shows each of these and goes no further."""
    try:
        return step(), "", None
    except LearnerError as exc:
        return None, exc.traceback, exc.line
    except LearnerTimeout as exc:
        session.kill()
        return None, f"Stopped: it {exc.message}.", None
    except LearnerDied as exc:
        session.kill()
        return (
            None,
            f"Stopped: {exc.description}." if exc.out_of_cpu else f"Your code ended the process: {exc.description}.",
            None,
        )
    except (Interference, BadValue, ReplyError) as exc:
        session.kill()
        return None, f"Your code interfered with the grader: {exc}.", None


SHOWN_CHARS = 600  # of each value a failed sample test shows


def _shown(value: object) -> str:
    with np.printoptions(threshold=24, edgeitems=3, precision=6, linewidth=100):
        text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 4] + " ..."


_NOTHING = object()  # the call has not returned


def _show_call(reference, name: str, args: tuple, kwargs: dict, value: object) -> str:
    """A failed sample test's last call: its inputs, what the learner's function returned, and
    what the reference returns for them (run here, on the trusted side)."""
    call = ", ".join([*map(_shown, args), *(f"{k}={_shown(v)}" for k, v in kwargs.items())])
    lines = [f"The last call: {name}({call})", f"Your function returned: {_shown(value)}"]
    try:
        expected = getattr(reference, name)(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except Exception:  # noqa: BLE001  (a test may call with inputs the reference refuses on purpose)
        return "\n".join(lines)
    return "\n".join([*lines, f"The reference returns: {_shown(expected)}"])


_default: Judge | None = None


def _sandboxed(slot: int | None) -> Judge:
    return Judge(Sandbox(slot=slot))


_make: Callable[[int | None], Judge] = _sandboxed


def default_judge() -> Judge:
    """The judge of this process, created on first use (after any fork)."""
    global _default
    if _default is None:
        _default = _make(None)
    return _default


def configure_default(*, slot: int) -> None:
    """Give this process's judge a sandbox slot (one uid per worker process)."""
    global _default
    if _default is not None:
        _default.close()
    _default = _make(slot)


def use_judges(make: Callable[[int | None], Judge]) -> None:
    """Have this process, and those forked from it later, grade with
    ``make(slot)``'s judges: the seam bench/throughput.py's baseline workers
    grade through (a judge without a sandbox). Nothing in the product calls it."""
    global _make, _default
    _make, _default = make, None
