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
  Python memory against reading every row at once.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import tracemalloc
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


def build(learners: int, challenges: int, submits: int, seed: int = 1) -> tuple:
    """The data set; returns (instructor, challenge slugs)."""
    rng = random.Random(seed)
    User = get_user_model()
    teacher = User.objects.create_user("teacher")
    grant_instructor(teacher)
    versions = []
    for i in range(challenges):
        c = Challenge.objects.create(slug=f"ch{i:02}", title=f"Challenge {i:02}", tags=[f"unit{i % 4}"])
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--challenges", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=10, help="per learner per challenge")
    parser.add_argument("-n", type=int, default=7, help="runs per measurement")
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
    finally:
        teardown_databases(old, verbosity=0)
        teardown_test_environment()
        if workdir is not None:
            workdir.cleanup()


if __name__ == "__main__":
    timezone.activate("UTC")
    main()
