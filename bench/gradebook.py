"""make bench: the gradebook at 1,000 learners x 20 challenges x 10 Submits
(200,000 submissions), against baselines measured in the same run.

A throwaway database is built with bulk_create: a temporary SQLite file, or,
when DATABASE_URL names another server, a ``<name>_bench`` database on it,
created and dropped. Measured, through the Django test client as a signed-in
instructor, median of several runs:

- the gradebook page: default, sorted by total, sorted by a challenge on a
  later page, filtered; the queries each takes;
- baseline: the bare grouped aggregate the page is built on (the database
  work alone), and the naive page: one aggregate per learner per challenge;
- the per-challenge analytics page;
- export.csv and submissions.csv, streamed to the end; submissions.csv's peak
  Python memory against reading every row at once;
- the course gradebook: a course of 500 learners x 30 challenges in 5
  assignments x 4 Submits (some late): its page, sorted by total, its CSV and
  an assignment's analytics, against the bare query of the course's Submits;
  and each one's queries at 50 learners and at 500, which must be equal.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max, Min, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from accounts.roles import grant_instructor  # noqa: E402
from bench.common import timed  # noqa: E402
from challenges.models import Challenge, ChallengeVersion  # noqa: E402
from courses.models import Membership  # noqa: E402
from courses.selectors import _submits, course_learners  # noqa: E402
from courses.services import assignment_save, course_create  # noqa: E402
from gradebook.selectors import _cell_stats, learner_list  # noqa: E402
from grader.models import Submission  # noqa: E402
from studio.models import ValidationRun  # noqa: E402

TESTS = [f"test_{i}" for i in range(9)]
MUTANTS = {  # name -> the tests it fails
    "naive": {"test_1", "test_6"},
    "wrong_axis": {"test_2", "test_4", "test_5"},
    "only_2d": {"test_3"},
}


def _statuses(failing: set[str]) -> dict[str, str]:
    return {t: "failed" if t in failing else "passed" for t in TESTS}


def _challenges(rng: random.Random, count: int, prefix: str = "ch") -> list[ChallengeVersion]:
    """*count* published challenges, each validated, with three mutants."""
    versions = []
    for i in range(count):
        c = Challenge.objects.create(slug=f"{prefix}{i:02}", title=f"Challenge {prefix}{i:02}", tags=[f"unit{i % 4}"])
        v = ChallengeVersion.objects.create(
            challenge=c, number=1, title=c.title, difficulty="easy", tags=c.tags, functions=["f"],
            points=rng.choice([100, 150, 200]), limits={}, statement="", starter="", solution="", tests="",
            mutants={m: "" for m in MUTANTS}, content_hash=f"{i}",
        )  # fmt: skip
        Challenge.objects.filter(pk=c.pk).update(current_version=v, published=True)
        ValidationRun.objects.create(
            version=v, status="done", valid=True, tests=TESTS,
            runs={"reference": {"verdict": "passed", "description": "reference solution", "statuses": _statuses(set())}}
            | {m: {"verdict": "failed", "description": f"the {m} mistake", "statuses": _statuses(f)}
               for m, f in MUTANTS.items()},
        )  # fmt: skip
        versions.append(v)
    return versions


def build(learners: int, challenges: int, submits: int, seed: int = 1) -> tuple:
    """The data set; returns (instructor, challenge slugs)."""
    rng = random.Random(seed)
    User = get_user_model()
    teacher = User.objects.create_user("teacher")
    grant_instructor(teacher)
    versions = _challenges(rng, challenges)
    people = User.objects.bulk_create(
        User(username=f"learner{i:04}", first_name=f"First{i}", last_name=f"Last{i}", password="!")
        for i in range(learners)
    )
    kinds = [*MUTANTS.values(), {"test_0"}, {"test_7", "test_8"}]
    batch = []
    for user in people:
        for v in versions:
            solves = rng.random() < 0.6
            for n in range(submits):
                passed = solves and n == submits - 1
                failing = set() if passed else rng.choice(kinds)
                batch.append(
                    Submission(
                        user=user,
                        challenge_id=v.challenge_id,
                        version=v,
                        code="def f(x):\n    return x\n",
                        kind="submit" if n % 5 else "run",
                        status="done",
                        verdict="passed" if passed else "failed",
                        score=1.0 if passed else round(rng.random(), 2),
                        seed=n,
                        duration_ms=40.0,
                        tests=[
                            {"name": t, "status": s, "hidden": t > "test_4", "message": "", "duration_ms": 1.0}
                            for t, s in _statuses(failing).items()
                        ],
                    )  # fmt: skip
                )
            if len(batch) >= 20000:
                Submission.objects.bulk_create(batch, batch_size=2000)
                batch = []
    Submission.objects.bulk_create(batch, batch_size=2000)
    return teacher, [v.challenge.slug for v in versions]


LATE_HOURS = (-120, -72, -24, -2, 5, 30, 60)  # when Submits are made, from their assignment's due


def build_course(teacher, versions: list[ChallengeVersion], *, learners: int, assignments: int, submits: int,
                 name: str, seed: int = 2):  # fmt: skip
    """A course of *learners* over *versions* in *assignments* (due four days
    apart, closing three days after, 10% a day down to 50%), each learner
    with *submits* Submits of each challenge, about a third of them late."""
    rng = random.Random(seed)
    now = timezone.now()
    start = now - timedelta(days=30)
    course = course_create(user=teacher, title=f"Course {name}", now=start)
    per = len(versions) // assignments
    dues = []
    for k in range(assignments):
        due = start + timedelta(days=4 * (k + 1))
        fields = {"title": f"Week {k + 1}", "opens": start, "due": due, "closes": due + timedelta(days=3),
                  "late_penalty_per_day": 0.1, "late_floor": 0.5}  # fmt: skip
        chosen = [Challenge.objects.get(pk=v.challenge_id) for v in versions[k * per : (k + 1) * per]]
        assignment_save(course=course, fields=fields, challenges=chosen)
        dues.append(due)
    User = get_user_model()
    people = User.objects.bulk_create(
        User(username=f"{name}{i:04}", email=f"{name}{i}@example.com", first_name=f"First{i}", password="!")
        for i in range(learners)
    )
    Membership.objects.bulk_create(Membership(course=course, user=u, joined=start) for u in people)
    batch, when = [], []
    for user in people:
        for n, v in enumerate(versions):
            due = dues[min(n // per, assignments - 1)]
            for attempt in range(submits):
                passed = attempt == submits - 1 and rng.random() < 0.7
                batch.append(
                    Submission(user=user, challenge_id=v.challenge_id, version=v, code="def f(x):\n    return x\n",
                               kind="submit", status="done", verdict="passed" if passed else "failed",
                               score=1.0 if passed else round(rng.random(), 2), seed=attempt, duration_ms=40.0,
                               tests=[{"name": t, "status": st, "hidden": False, "message": "", "duration_ms": 1.0}
                                      for t, st in _statuses(set() if passed else rng.choice(list(MUTANTS.values()))).items()])
                )  # fmt: skip
                when.append(due + timedelta(hours=rng.choice(LATE_HOURS)))
    made = Submission.objects.bulk_create(batch, batch_size=2000)
    # auto_now_add ignores a given time: set each Submit's, one UPDATE per distinct time
    by_time: dict = {}
    for submission, at in zip(made, when, strict=True):
        by_time.setdefault(at, []).append(submission.pk)
    for at, pks in by_time.items():
        for i in range(0, len(pks), 5000):
            Submission.objects.filter(pk__in=pks[i : i + 5000]).update(created=at)
    return course


def _get(client: Client, path: str, **params) -> None:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    if response.streaming:
        for _ in response.streaming_content:
            pass
    else:
        assert len(response.content) > 1000


def naive_gradebook() -> None:
    """What a first version might do: one aggregate per learner per challenge."""
    challenges = list(Challenge.objects.filter(published=True))
    for user in learner_list():
        for c in challenges:
            Submission.objects.filter(user=user, challenge=c, kind="submit", status="done", preview=False).aggregate(
                best=Max("score"), attempts=Count("pk"), first=Min("created", filter=Q(verdict="passed"))
            )


def _peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _queries(client: Client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        _get(client, path, **params)
    return len(queries)


def course_bench(client: Client, teacher, args) -> None:
    """The course gradebook at two sizes: timings at the larger, queries at both."""
    rng = random.Random(3)
    versions = _challenges(rng, args.course_challenges, prefix="cc")
    sizes = (args.course_small, args.course_learners)
    start = time.perf_counter()
    courses = [
        build_course(teacher, versions, learners=n, assignments=args.course_assignments,
                     submits=args.course_submits, name=f"c{n}x")
        for n in sizes
    ]  # fmt: skip
    built = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def pages(course) -> list[tuple[str, str, dict]]:
        base = f"/courses/{course.pk}/"
        middle = course.assignments.all()[args.course_assignments // 2]
        return [
            ("gradebook page", base + "gradebook/", {}),
            ("sorted by total, page 3", base + "gradebook/", {"sort": "-total", "page": 3}),
            ("gradebook.csv, streamed", base + "gradebook.csv", {}),
            (f"analytics of {middle.title}", f"{base}assignments/{middle.pk}/analytics/", {}),
        ]

    small, big = courses
    counts = {}
    for course, n in zip(courses, sizes, strict=True):
        for label, path, params in pages(course):
            _get(client, path, **params)  # warm
            counts[label, n] = _queries(client, path, **params)
    submits = Submission.objects.filter(user__course_memberships__course=big).count()
    print(
        f"\nCourse gradebook: {args.course_learners} learners x {args.course_challenges} challenges in "
        f"{args.course_assignments} assignments x {args.course_submits} Submits ({submits} Submits, some late; "
        f"built with a {args.course_small}-learner course in {built:.1f} s); {args.n} runs each, milliseconds"
    )
    learners = course_learners(course=big)
    challenge_ids = [v.challenge_id for v in versions]
    since = big.assignments.order_by("opens").first().opens
    rows = []
    for label, path, params in pages(big):
        rows.append((f"{label} ({counts[label, args.course_learners]} queries)",
                     timed(lambda p=path, q=params: _get(client, p, **q), args.n)))  # fmt: skip
    bare = timed(lambda: list(_submits(users=learners.values("pk"), challenge_ids=challenge_ids, since=since)), args.n)
    rows.append(("baseline: the course's Submits query alone, fetched", bare))
    print(f"{'':64} {'median':>9} {'max':>9}")
    for label, samples in rows:
        print(f"{label:64} {statistics.median(samples):9.1f} {max(samples):9.1f}")
    page = statistics.median(rows[0][1])
    print(
        f"page / bare Submits query: {page / statistics.median(bare):.1f}x; page median {page:.0f} ms (target < 1000)"
    )
    print(f"queries at {args.course_small} and {args.course_learners} learners (equal: they do not grow with size):")
    for label, _, _ in pages(small):
        a, b = counts[label, args.course_small], counts[label, args.course_learners]
        print(f"  {label:40} {a:4} {b:4}  {'equal' if a == b else 'GROWS'}")
        assert a == b, (label, a, b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--challenges", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=10, help="per learner per challenge")
    parser.add_argument("-n", type=int, default=7, help="runs per measurement")
    parser.add_argument("--course-learners", type=int, default=500)
    parser.add_argument("--course-small", type=int, default=50, help="the course measured for queries alone")
    parser.add_argument("--course-challenges", type=int, default=30)
    parser.add_argument("--course-assignments", type=int, default=5)
    parser.add_argument("--course-submits", type=int, default=4, help="per learner per challenge")
    args = parser.parse_args()

    test_db = connection.settings_dict.setdefault("TEST", {})
    workdir = None
    if connection.vendor == "sqlite":
        workdir = tempfile.TemporaryDirectory(prefix="gradebook-bench-")
        test_db["NAME"] = str(Path(workdir.name) / "bench.sqlite3")
    else:
        test_db["NAME"] = f"{connection.settings_dict['NAME']}_bench"
    setup_test_environment(debug=False)
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        start = time.perf_counter()
        teacher, slugs = build(args.learners, args.challenges, args.submissions)
        built = time.perf_counter() - start
        with connection.cursor() as cursor:
            # fresh planner statistics, as autovacuum keeps them on a live database; without them
            # PostgreSQL plans 200,000 rows it has not yet counted as a tiny table
            cursor.execute("ANALYZE")
        submits = Submission.objects.filter(kind="submit").count()
        total = Submission.objects.count()
        print(
            f"Gradebook: {args.learners} learners x {args.challenges} challenges x {args.submissions} submissions "
            f"({total} rows, {submits} Submits) on {connection.vendor}, built in {built:.1f} s; "
            f"{args.n} runs each, milliseconds"
        )
        client = Client()
        client.force_login(teacher)
        mid = slugs[len(slugs) // 2]
        pages = [
            ("GET /gradebook/", {}),
            ("GET /gradebook/?sort=-total", {"sort": "-total"}),
            (f"GET /gradebook/?sort=-c.{mid}&page=10", {"sort": f"-c.{mid}", "page": 10}),
            ("GET /gradebook/?q=learner01&tag=unit1", {"q": "learner01", "tag": "unit1"}),
        ]
        rows = []
        for label, params in pages:
            _get(client, "/gradebook/", **params)  # warm
            with CaptureQueriesContext(connection) as queries:
                _get(client, "/gradebook/", **params)
            rows.append(
                (f"{label} ({len(queries)} queries)", timed(lambda p=params: _get(client, "/gradebook/", **p), args.n))
            )
        challenge_ids = list(Challenge.objects.values_list("pk", flat=True))
        bare = timed(lambda: list(_cell_stats(challenge_ids=challenge_ids, learners=learner_list())), args.n)
        rows.append(("baseline: the grouped aggregate query alone", bare))
        naive = timed(naive_gradebook, 1)
        rows.append((f"baseline: naive, {args.learners * args.challenges} per-cell queries (1 run)", naive))
        rows.append(
            (
                f"GET /gradebook/challenges/{mid}/ (analytics)",
                timed(lambda: _get(client, f"/gradebook/challenges/{mid}/"), args.n),
            )
        )
        rows.append(
            ("GET /gradebook/export.csv, streamed", timed(lambda: _get(client, "/gradebook/export.csv"), args.n))
        )
        subs = timed(lambda: _get(client, "/gradebook/submissions.csv"), max(3, args.n // 2))
        rows.append((f"GET /gradebook/submissions.csv, streamed ({total} rows)", subs))

        print(f"{'':64} {'median':>9} {'max':>9}")
        for label, samples in rows:
            print(f"{label:64} {statistics.median(samples):9.1f} {max(samples):9.1f}")
        page = statistics.median(rows[0][1])
        print(
            f"page / bare aggregate: {page / statistics.median(bare):.1f}x; "
            f"naive / page: {statistics.median(naive) / page:.0f}x faster; "
            f"slowest page median {max(statistics.median(r[1]) for r in rows[:4]):.0f} ms (target < 1000)"
        )

        fields = ("pk", "user__username", "challenge__slug", "version__number", "kind", "status", "verdict",
                  "score", "created", "duration_ms")  # fmt: skip
        streamed = _peak_mb(lambda: _get(client, "/gradebook/submissions.csv"))
        at_once = _peak_mb(lambda: list(Submission.objects.filter(preview=False).values_list(*fields)))
        print(
            f"submissions.csv peak Python memory: streamed {streamed:.1f} MiB; "
            f"baseline, every row read at once (before writing any): {at_once:.1f} MiB"
        )
        course_bench(client, teacher, args)
    finally:
        teardown_databases(old, verbosity=0)
        teardown_test_environment()
        if workdir is not None:
            workdir.cleanup()


if __name__ == "__main__":
    timezone.activate("UTC")
    main()
