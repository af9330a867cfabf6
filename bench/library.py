"""What the shipped library costs: validating every pack, and grading each reference.

``python -m bench.library`` validates every pack folder of the library (the
reference and each mutant graded, as CI does) and grades each reference once
more on its own, then prints per pack the reference grading's CPU (the learner
processes', as the limits count it, and the judge's: the reference's own runs
and finite differences), and the totals. The figure to hold is the slowest
reference's learner CPU against the 2 s a shipped challenge may take.
"""

from __future__ import annotations

import argparse
import time

from bench.common import LIBRARY
from grader.engine.judge import default_judge
from grader.engine.pack import load_pack
from grader.engine.validate import validate_pack

REFERENCE_BUDGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="the hidden inputs' seed (default 1)")
    args = parser.parse_args()
    packs = [load_pack(folder) for folder in sorted(LIBRARY.iterdir()) if (folder / "challenge.toml").is_file()]
    judge = default_judge()
    rows, invalid = [], []
    start = time.perf_counter()
    for pack in packs:
        if not validate_pack(pack, judge, seed=args.seed).valid:
            invalid.append(pack.slug)
    validation_s = time.perf_counter() - start
    for pack in packs:
        cpu, wall = time.process_time(), time.perf_counter()
        result = judge.grade(pack, pack.solution, seed=args.seed)
        rows.append((pack.slug, result.verdict, result.cpu_ms, (time.process_time() - cpu) * 1000,
                     (time.perf_counter() - wall) * 1000))  # fmt: skip
    judge.close()

    print(f"{'pack':32} {'verdict':8} {'learner CPU ms':>15} {'judge CPU ms':>13} {'wall ms':>9}")
    for slug, verdict, learner_ms, judge_ms, wall_ms in sorted(rows, key=lambda r: -r[2]):
        print(f"{slug:32} {verdict:8} {learner_ms:15.1f} {judge_ms:13.1f} {wall_ms:9.1f}")
    slowest = max(rows, key=lambda r: r[2])
    print(
        f"\n{len(packs)} packs, {len(packs) - len(invalid)} valid{': INVALID ' + ', '.join(invalid) if invalid else ''}"
    )
    print(f"validating the whole library: {validation_s:.1f} s wall")
    print(f"reference gradings: {sum(r[2] for r in rows) / 1000:.2f} s learner CPU, "
          f"{sum(r[3] for r in rows) / 1000:.2f} s judge CPU in all")  # fmt: skip
    print(f"slowest reference: {slowest[0]}, {slowest[2] / 1000:.2f} s learner CPU + {slowest[3] / 1000:.2f} s judge; "
          f"{slowest[2] / 1000 / REFERENCE_BUDGET_S:.2f}x the {REFERENCE_BUDGET_S:g} s budget")  # fmt: skip


if __name__ == "__main__":
    main()
