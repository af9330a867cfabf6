"""Proving a challenge valid: its reference passes every test (speed checks with
margin) and every mutant fails at least one test. Runs everything in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.engine.judge import Judge
from grader.engine.pack import Pack
from grader.engine.results import GradingResult, Status, Verdict

# The reference must beat a speed check's limit by this factor, so timing noise
# never fails a correct learner who is as fast as the reference.
SPEED_MARGIN = 3.0
REFERENCE = "reference"


@dataclass
class Validation:
    slug: str
    tests: list[str]
    runs: dict[str, GradingResult]  # "reference" and each mutant name
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def cell(self, run: str, test: str) -> str:
        for t in self.runs[run].tests:
            if t.name == test:
                return t.status
        return Status.SKIPPED

    def table(self) -> list[list[str]]:
        """Rows of test × (reference, mutants...), for display."""
        return [[test, *(self.cell(run, test) for run in self.runs)] for test in self.tests]


def validate_pack(pack: Pack, judge: Judge, seed: int | None = None) -> Validation:
    suite = judge.suite(pack)
    reference = judge.grade(pack, pack.solution, seed=seed)
    seed = reference.seed  # every run sees the same inputs
    runs = {REFERENCE: reference}
    runs.update({name: judge.grade(pack, code, seed=seed) for name, code in sorted(pack.mutants.items())})
    v = Validation(slug=pack.slug, tests=[t.name for t in suite.tests], runs=runs)

    if reference.verdict != Verdict.PASSED:
        failing = [f"{t.name} ({t.status}: {t.message.splitlines()[0] if t.message else ''})"
                   for t in reference.tests if t.status != Status.PASSED]  # fmt: skip
        v.problems.append(
            f"the reference does not pass: {reference.verdict}"
            + (f"; failing tests: {', '.join(failing)}" if failing else f"; {reference.error}")
        )
    for t in reference.tests:
        ratio, limit = t.metrics.get("speed_ratio"), t.metrics.get("max_ratio")
        if ratio is not None and limit and ratio > limit / SPEED_MARGIN:
            v.problems.append(
                f"speed check {t.name}: the reference runs at {ratio:.1f}x itself in the sandbox, "
                f"too close to the {limit:g}x limit (needs {limit / SPEED_MARGIN:.1f}x or less)"
            )
    if not pack.mutants:
        v.problems.append("no mutants: add known-wrong solutions under mutants/ that the tests must reject")
    for name in sorted(pack.mutants):
        result = runs[name]
        if result.verdict == Verdict.PASSED:
            v.problems.append(f"mutant {name!r} ({pack.mutant_description(name)}) passes every test")
        elif result.verdict == Verdict.INTERNAL_ERROR:
            v.problems.append(f"mutant {name!r} could not be graded: {result.error}")
        elif all(t.status == Status.SKIPPED for t in result.tests):
            v.problems.append(f"mutant {name!r} does not load, so it proves nothing: {result.error.strip()[:200]}")
    return v
