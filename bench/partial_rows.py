"""make bench, the per-test rows: what writing a grading's rows so far costs it.

``submission_grade`` in this process, on PostgreSQL (a database of its own,
created and dropped), grading the five seed solutions as Submits, with its
rows so far written: never, after every test, and as shipped (at most every
``grader.services.PARTIAL_ROWS_SECONDS``). The three take turns, grading by
grading, so that the machine's drift in speed does not decide between them.
Reported per grading: the median time from claim to stored, and the partial
writes it made; and one write's cost, from the first two.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import urllib.parse

from bench.common import LIBRARY, SEEDS

NEVER = float("inf")


def _database(url: str, *, drop: bool = False) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            conn.execute(f'CREATE DATABASE "{name}"')


def _measure(n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from challenges.models import Challenge
    from grader import services
    from tests.support.grading import PartialWrites  # Django's set up by now

    call_command("migrate", verbosity=0)
    call_command("import_challenges", *[str(LIBRARY / slug) for slug in SEEDS], verbosity=0)
    user = get_user_model().objects.create_user("bench", "bench@example.com", "bench-password-1")
    challenges = list(Challenge.objects.select_related("current_version").filter(slug__in=SEEDS))
    modes = {"never": NEVER, "after every test": 0.0, "as shipped": services.PARTIAL_ROWS_SECONDS}
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    writes: dict[str, list[int]] = {mode: [] for mode in modes}
    tests = []
    for round_ in range(n + 1):  # the first round warms up
        for challenge in challenges:
            order = list(modes) if round_ % 2 else list(reversed(modes))
            for mode in order:
                services.PARTIAL_ROWS_SECONDS = modes[mode]
                submission = services.submission_create(
                    user=user, challenge=challenge, code=challenge.current_version.solution, kind="submit"
                )
                with connection.execute_wrapper(counted := PartialWrites()):
                    start = time.perf_counter()
                    done = services.submission_grade(submission_id=submission.pk)
                    took = (time.perf_counter() - start) * 1000
                assert done is not None and done.verdict == "passed", (challenge.slug, done and done.verdict)
                if round_:
                    times[mode].append(took)
                    writes[mode].append(counted.writes)
                    tests.append(len(done.tests))
    print(f"\nPer-test rows: {n} rounds of the five seeds as Submits, {statistics.mean(tests):.1f} tests per grading")
    for mode in modes:
        print(f"  rows written {mode:<17} {statistics.median(times[mode]):6.1f} ms per grading (median), "
              f"{statistics.mean(writes[mode]):4.1f} partial writes")  # fmt: skip
    extra = statistics.median(times["after every test"]) - statistics.median(times["never"])
    per_write = extra / max(statistics.mean(writes["after every test"]), 1)
    print(f"  one write costs a grading about {per_write:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=30, help="rounds of the five seeds")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_ROWS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grader_bench_rows"),
        help="a database to create, use and drop",
    )
    args = parser.parse_args()
    try:
        _database(args.database_url)
    except Exception as exc:  # noqa: BLE001  (no PostgreSQL here: say so, measure nothing)
        print(f"not measured: {type(exc).__name__}: {exc} (PostgreSQL {args.database_url})")
        return
    os.environ.update(
        DATABASE_URL=args.database_url, GRADER_RATE_LIMIT="1000000", DJANGO_SETTINGS_MODULE="config.settings"
    )
    import django

    django.setup()
    try:
        _measure(args.n)
    finally:
        from django.db import connection

        connection.close()
        _database(args.database_url, drop=True)


if __name__ == "__main__":
    main()
