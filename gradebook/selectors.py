"""Reads for instructors: learners' best scores, CSV rows and per-challenge
analytics.

Everything here counts learners only (active users who are neither admins nor
instructors) and never an instructor's preview. An attempt is a graded Submit;
Runs do not count.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby, islice

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Concat

from accounts.roles import holds_instructor_permission
from challenges.models import Challenge, ChallengeVersion
from challenges.selectors import challenge_list_published
from grader.engine.pack import split_hints
from grader.engine.validate import REFERENCE
from grader.models import Submission
from studio.models import Status as ValidationStatus
from studio.models import ValidationRun
from studio.selectors import latest_validations

User = get_user_model()

PASSED = Submission.Verdict.PASSED
# The grader's own fault says nothing about the learner's code.
NOT_THE_LEARNERS_FAULT = (Submission.Verdict.INTERNAL_ERROR,)
# Per-test statuses that are not failures: skipped tests never ran.
NOT_FAILED = ("passed", "skipped")
CHUNK_SIZE = 2000  # rows fetched per round trip when streaming exports
TOP_FAILED_TESTS = 10


# --- who counts -------------------------------------------------------------


def learner_list(*, name: str = "") -> QuerySet:
    """Active users who are neither superusers nor instructors; with *name*,
    those whose username or full name contains it (any case)."""
    instructors = User.objects.filter(holds_instructor_permission()).values("pk")
    learners = User.objects.filter(is_active=True, is_superuser=False).exclude(pk__in=instructors)
    return users_named(learners, name)


def users_named(users: QuerySet, name: str) -> QuerySet:
    """*users* whose username or full name contains *name* (any case); all of them for no name."""
    name = name.strip()
    if not name:
        return users
    return users.annotate(full_name=Concat("first_name", Value(" "), "last_name", output_field=CharField())).filter(
        Q(username__icontains=name) | Q(full_name__icontains=name)
    )


def learner_submits(*, learners: QuerySet | None = None) -> QuerySet[Submission]:
    """Graded Submits by learners (or by *learners*), previews left out."""
    return Submission.objects.filter(
        kind=Submission.Kind.SUBMIT,
        status=Submission.Status.DONE,
        preview=False,
        user__in=(learners if learners is not None else learner_list()).values("pk"),
    )


# --- the gradebook ----------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One learner on one challenge."""

    best_score: float | None = None  # None: no scored Submit yet
    attempts: int = 0
    first_solved: datetime | None = None  # when the first passing Submit was made

    @property
    def solved(self) -> bool:
        return self.first_solved is not None


EMPTY_CELL = Cell()


@dataclass
class Column:
    """A published challenge, with its totals over the learners shown."""

    challenge: Challenge
    points: int
    attempted: int = 0
    solved: int = 0
    mean_best: float | None = None  # over the learners who attempted it

    @property
    def sort_key(self) -> str:
        return f"c.{self.challenge.slug}"


@dataclass
class LearnerRow:
    user_id: int
    username: str
    full_name: str
    cells: list[Cell]  # one per column, in column order
    total: float  # sum of best score x points
    solved: int


@dataclass
class Gradebook:
    columns: list[Column]
    rows: list[LearnerRow]  # filtered and sorted; the view paginates
    tags: list[str]  # every published challenge's tags, for the filter
    max_total: int
    sort: str  # the sort applied, after falling back from an unknown one


DEFAULT_SORT = "name"


def _cell_stats(*, challenge_ids: list[int], learners: QuerySet) -> QuerySet:
    """One row per (learner, challenge) with a Submit: best, attempts, first solved."""
    return (
        learner_submits(learners=learners)
        .filter(challenge_id__in=challenge_ids)
        .values("user_id", "challenge_id")
        .annotate(best=Max("score"), attempts=Count("pk"), first_solved=Min("created", filter=Q(verdict=PASSED)))
        .order_by()
    )


def _cell(stat: dict) -> Cell:
    return Cell(best_score=stat["best"], attempts=stat["attempts"], first_solved=stat["first_solved"])


def _published_columns(tag: str) -> tuple[list[Column], list[str]]:
    published = list(challenge_list_published())
    tags = sorted({t for c in published for t in c.tags})
    # filtered here, not in SQL: tags live in a JSON list, and the list is short
    columns = [Column(challenge=c, points=c.points) for c in published if not tag or tag in c.tags]
    return columns, tags


def _totals(cells: list[Cell], columns: list[Column]) -> tuple[float, int]:
    """A learner's points (best score x points, summed) and challenges solved."""
    total = sum((c.best_score or 0.0) * col.points for c, col in zip(cells, columns, strict=True))
    return total, sum(1 for c in cells if c.solved)


def _full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def gradebook_build(*, name: str = "", tag: str = "", sort: str = DEFAULT_SORT) -> Gradebook:
    """Learners x published challenges (those tagged *tag*, if given), sorted by
    *sort*: "name", "total", "solved" or "c.<slug>" (best score), "-" first for
    descending.

    Three queries whatever the size: challenges, learners, and one grouped
    aggregate over the (learner, challenge) pairs. Sorting by a total or a
    score needs every learner's row, so sorting and paging happen here in
    Python: 1,000 learners x 20 challenges is 20,000 small rows, tens of
    milliseconds, where a query per learner and challenge is 20,000 round
    trips (about 30x slower; see bench/gradebook.py).
    """
    columns, tags = _published_columns(tag)
    index = {col.challenge.pk: i for i, col in enumerate(columns)}
    learners = learner_list(name=name)
    people = learners.values_list("pk", "username", "first_name", "last_name")
    cells: dict[int, list[Cell]] = {}
    names: dict[int, tuple[str, str]] = {}
    for pk, username, first, last in people:
        cells[pk] = [EMPTY_CELL] * len(columns)
        names[pk] = (username, _full_name(first, last))
    if columns:
        for stat in _cell_stats(challenge_ids=list(index), learners=learners):
            row = cells.get(stat["user_id"])
            if row is not None:  # a learner who signed up between the two queries
                row[index[stat["challenge_id"]]] = _cell(stat)

    rows = [LearnerRow(pk, *names[pk], row, *_totals(row, columns)) for pk, row in cells.items()]
    for i, col in enumerate(columns):
        bests = [r.cells[i].best_score for r in rows if r.cells[i].attempts]
        col.attempted = len(bests)
        col.solved = sum(1 for r in rows if r.cells[i].solved)
        scored = [b for b in bests if b is not None]
        col.mean_best = statistics.fmean(scored) if scored else None

    sort = sort if sort.removeprefix("-") in sort_keys(columns) else DEFAULT_SORT
    return Gradebook(
        columns=columns,
        rows=_sorted(rows, columns, sort),
        tags=tags,
        max_total=sum(col.points for col in columns),
        sort=sort,
    )


def sort_keys(columns: list[Column]) -> list[str]:
    return ["name", "total", "solved", *(col.sort_key for col in columns)]


def _sorted(rows: list[LearnerRow], columns: list[Column], sort: str) -> list[LearnerRow]:
    descending, key = sort.startswith("-"), sort.removeprefix("-")
    # by name first: Python's sort is stable, so ties stay in name order either way
    rows = sorted(rows, key=lambda r: (r.username.casefold(), r.user_id))
    if key == "name":
        return rows[::-1] if descending else rows
    if key == "total":
        return sorted(rows, key=lambda r: r.total, reverse=descending)
    if key == "solved":
        return sorted(rows, key=lambda r: r.solved, reverse=descending)
    i = [col.sort_key for col in columns].index(key)
    # never attempted sorts below a score of 0
    return sorted(
        rows, key=lambda r: -1.0 if r.cells[i].best_score is None else r.cells[i].best_score, reverse=descending
    )


def learner_cell(*, user, challenge: Challenge) -> Cell:
    """The gradebook cell of one learner on one challenge."""
    stats = list(_cell_stats(challenge_ids=[challenge.pk], learners=User.objects.filter(pk=user.pk)))
    return _cell(stats[0]) if stats else EMPTY_CELL


def learner_submissions(*, user, challenges: Iterable[Challenge]) -> QuerySet[Submission]:
    """Everything the learner ran or submitted on *challenges*, newest first (no previews)."""
    return (
        Submission.objects.filter(user=user, challenge__in=challenges, preview=False)
        .select_related("version")
        .defer("code", "tests", "stdout", "error")
        .order_by("-created", "-pk")
    )


# --- CSV rows ---------------------------------------------------------------


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def gradebook_export_rows(*, name: str = "", tag: str = "") -> Iterator[list]:
    """The gradebook as spreadsheet rows: a header, then one row per learner in
    username order, a best-score column per challenge (blank: never submitted).

    Learners stream in chunks, and each chunk's scores come from one grouped
    query, so memory holds one chunk however many learners there are.
    """
    columns, _ = _published_columns(tag)
    index = {col.challenge.pk: i for i, col in enumerate(columns)}
    max_total = sum(col.points for col in columns)
    yield [
        "username", "first_name", "last_name", "email", "total_points", f"out_of_{max_total}", "solved",
        *(col.challenge.slug for col in columns),
    ]  # fmt: skip
    people = (
        learner_list(name=name)
        .order_by("username", "pk")
        .values_list("pk", "username", "first_name", "last_name", "email")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for batch in _batches(people, CHUNK_SIZE):
        cells: dict[int, list[Cell]] = {person[0]: [EMPTY_CELL] * len(columns) for person in batch}
        if columns:
            chunk = User.objects.filter(pk__in=list(cells))
            for stat in _cell_stats(challenge_ids=list(index), learners=chunk):
                cells[stat["user_id"]][index[stat["challenge_id"]]] = _cell(stat)
        for pk, username, first, last, email in batch:
            row = cells[pk]
            total, solved = _totals(row, columns)
            yield [
                username, first, last, email, round(total, 2), max_total, solved,
                *(None if c.best_score is None else round(c.best_score, 4) for c in row),
            ]  # fmt: skip


SUBMISSION_EXPORT_HEADER = [
    "id", "user", "challenge", "version", "kind", "status", "verdict", "score", "created_utc", "duration_ms",
]  # fmt: skip


def submission_export_rows(*, challenge: Challenge | None = None) -> Iterator[Iterable]:
    """Every submission but instructors' previews, oldest first, streamed from the database."""
    submissions = Submission.objects.filter(preview=False)
    if challenge is not None:
        submissions = submissions.filter(challenge=challenge)
    yield SUBMISSION_EXPORT_HEADER
    yield from (
        submissions.order_by("pk")
        .values_list(
            "pk",
            "user__username",
            "challenge__slug",
            "version__number",
            "kind",
            "status",
            "verdict",
            "score",
            "created",
            "duration_ms",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK_SIZE)
    )


# --- challenges -------------------------------------------------------------


@dataclass
class ChallengeSummary:
    challenge: Challenge
    attempted: int = 0
    solved: int = 0
    submits: int = 0

    @property
    def solve_rate(self) -> float | None:
        return self.solved / self.attempted if self.attempted else None


def challenge_summaries() -> list[ChallengeSummary]:
    """Every challenge, published first, with learners attempted and solved: two queries."""
    challenges = Challenge.objects.select_related("current_version").order_by("-published", "title")
    summaries = {c.pk: ChallengeSummary(challenge=c) for c in challenges}
    counts = (
        learner_submits()
        .values("challenge_id")
        .annotate(
            attempted=Count("user_id", distinct=True),
            solved=Count("user_id", distinct=True, filter=Q(verdict=PASSED)),
            submits=Count("pk"),
        )
        .order_by()
    )
    for row in counts:
        s = summaries[row["challenge_id"]]
        s.attempted, s.solved, s.submits = row["attempted"], row["solved"], row["submits"]
    return list(summaries.values())


@dataclass(frozen=True)
class VerdictCount:
    verdict: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class FailedTest:
    name: str
    hidden: bool
    count: int  # failing Submits in which this test failed
    share: float  # of all failing Submits


@dataclass
class ChallengeAnalytics:
    challenge: Challenge
    attempted: int  # learners with at least one graded Submit
    solved: int
    submits: int
    median_attempts_to_solve: float | None  # Submits up to and including the first pass
    median_time_to_solve: timedelta | None  # from the first Submit to the first passing one
    verdicts: list[VerdictCount]
    failing: int  # Submits that did not pass, grader faults left out
    failed_tests: list[FailedTest]
    misconceptions: MisconceptionReport
    hints_unlocked: list[int]  # [k - 1]: learners who unlocked hint k before solving (or without)

    @property
    def solve_rate(self) -> float | None:
        return self.solved / self.attempted if self.attempted else None


def _failing_submits(challenge: Challenge, learners: QuerySet | None) -> QuerySet[Submission]:
    return (
        learner_submits(learners=learners)
        .filter(challenge=challenge)
        .exclude(verdict=PASSED)
        .exclude(verdict__in=NOT_THE_LEARNERS_FAULT)
    )


def challenge_analytics(*, challenge: Challenge, learners: QuerySet | None = None) -> ChallengeAnalytics:
    """How learners (or only *learners*, say a course's) fare on *challenge*,
    misconceptions included: three queries (Submits in order, validations,
    failing Submits), two streamed.

    The medians need each learner's Submits in order; walking them once, a
    learner at a time, costs less than the equivalent SQL window functions
    and reads the same on SQLite and PostgreSQL.
    """
    submits = learner_submits(learners=learners).filter(challenge=challenge)
    timeline = submits.order_by("user_id", "created", "pk").values_list("user_id", "created", "verdict")
    verdicts: Counter[str] = Counter()
    attempts_to_solve: list[int] = []
    times_to_solve: list[timedelta] = []
    attempted = 0
    if Challenge.current_version.is_cached(challenge):
        hints = challenge.current_version.hints if challenge.current_version else ""
    else:  # not the whole version for its hints
        hints = ChallengeVersion.objects.filter(pk=challenge.current_version_id).values_list("hints", flat=True).first()
    hint_count = len(split_hints(hints or ""))
    hints_unlocked = [0] * hint_count
    for _, rows in groupby(timeline.iterator(chunk_size=CHUNK_SIZE), key=lambda r: r[0]):
        attempted += 1
        first_try = None
        solved = False
        failed_before = 0  # one hint unlocks per failed Submit (grader.selectors.hints_unlocked)
        for n, (_, created, verdict) in enumerate(rows, start=1):
            verdicts[verdict] += 1
            first_try = first_try or created
            if verdict == PASSED and not solved:
                solved = True
                attempts_to_solve.append(n)
                times_to_solve.append(created - first_try)
            elif not solved:
                failed_before += 1
        for k in range(min(failed_before, hint_count)):
            hints_unlocked[k] += 1

    total = sum(verdicts.values())
    labels = dict(Submission.Verdict.choices)
    verdict_rows = [
        VerdictCount(v, labels[v], verdicts[v], verdicts[v] / total) for v in Submission.Verdict.values if verdicts[v]
    ]

    failing = 0
    failed: Counter[str] = Counter()
    hidden: dict[str, bool] = {}
    misconceptions = _Misconceptions(challenge)
    rows = _failing_submits(challenge, learners).values_list("version_id", "user_id", "tests")
    for version_id, user_id, tests in rows.iterator(chunk_size=CHUNK_SIZE):
        failing += 1
        for t in tests or []:
            if t.get("status") not in NOT_FAILED:
                failed[t["name"]] += 1
                hidden[t["name"]] = bool(t.get("hidden"))
        misconceptions.add(version_id, user_id, tests)
    failed_tests = [FailedTest(n, hidden[n], c, c / failing) for n, c in failed.most_common(TOP_FAILED_TESTS)]

    return ChallengeAnalytics(
        challenge=challenge,
        attempted=attempted,
        solved=len(attempts_to_solve),
        submits=total,
        median_attempts_to_solve=statistics.median(attempts_to_solve) if attempts_to_solve else None,
        median_time_to_solve=_median_timedelta(times_to_solve),
        verdicts=verdict_rows,
        hints_unlocked=hints_unlocked,
        failing=failing,
        failed_tests=failed_tests,
        misconceptions=misconceptions.report(),
    )


def _median_timedelta(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


# --- misconceptions ---------------------------------------------------------


@dataclass(frozen=True)
class Misconception:
    """Mutants that fail exactly the same tests, and the failing Submits that do too."""

    mutants: tuple[str, ...]
    descriptions: tuple[str, ...]
    submissions: int
    learners: int
    share: float  # of the classified failing Submits


@dataclass
class MisconceptionReport:
    validated_versions: list[int]  # version numbers with a finished validation
    classified: int  # failing Submits graded against a validated version
    unvalidated: int  # failing Submits graded against a version never validated
    misconceptions: list[Misconception]  # most common first
    unmatched: int  # classified, but like no mutant

    @property
    def has_validation(self) -> bool:
        return bool(self.validated_versions)

    @property
    def unmatched_share(self) -> float | None:
        return self.unmatched / self.classified if self.classified else None


def _not_passed(statuses: Iterable[tuple[str, str | None]]) -> frozenset[str]:
    return frozenset(name for name, status in statuses if status != "passed")


def _mutant_signatures(run: ValidationRun) -> dict[frozenset[str], tuple[str, ...]]:
    """Set of non-passed tests -> the mutants (sorted) that fail exactly those.

    Mutants that fail the same tests cannot be told apart by a submission's
    results, so they stand together as one misconception.
    """
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for name, result in run.runs.items():
        if name != REFERENCE:
            groups[_not_passed(result.get("statuses", {}).items())].append(name)
    # a mutant that fails nothing (an invalid pack) describes no failing submission
    return {signature: tuple(sorted(names)) for signature, names in groups.items() if signature}


class _Misconceptions:
    """Which known-wrong solution each failing Submit behaves like.

    A failing Submit behaves like a mutant when the set of tests it did not
    pass is the set that mutant did not pass in the latest finished validation
    of the version the Submit was graded against. One query (the validations);
    the failing Submits are fed in by ``challenge_analytics``'s single pass.
    """

    def __init__(self, challenge: Challenge) -> None:
        finished = ValidationRun.objects.filter(version__challenge=challenge, status=ValidationStatus.DONE)
        self.latest = latest_validations(finished.select_related("version"))
        self.signatures = {version_id: _mutant_signatures(run) for version_id, run in self.latest.items()}
        self.classified = self.unvalidated = 0
        self.matches: Counter[tuple[str, ...]] = Counter()
        self.learners: dict[tuple[str, ...], set[int]] = defaultdict(set)

    def add(self, version_id: int, user_id: int, tests: list | None) -> None:
        by_signature = self.signatures.get(version_id)
        if by_signature is None:
            self.unvalidated += 1
            return
        self.classified += 1
        mutants = by_signature.get(_not_passed((t.get("name"), t.get("status")) for t in tests or []))
        if mutants:
            self.matches[mutants] += 1
            self.learners[mutants].add(user_id)

    def report(self) -> MisconceptionReport:
        descriptions: dict[str, str] = {}
        for run in sorted(self.latest.values(), key=lambda r: r.version.number):  # the newest version's words win
            for name, result in run.runs.items():
                descriptions[name] = result.get("description") or name.replace("_", " ")
        misconceptions = [
            Misconception(
                mutants=mutants,
                descriptions=tuple(descriptions.get(m, m) for m in mutants),
                submissions=count,
                learners=len(self.learners[mutants]),
                share=count / self.classified,
            )
            for mutants, count in self.matches.most_common()
        ]
        return MisconceptionReport(
            validated_versions=sorted(run.version.number for run in self.latest.values()),
            classified=self.classified,
            unvalidated=self.unvalidated,
            misconceptions=misconceptions,
            unmatched=self.classified - sum(self.matches.values()),
        )
