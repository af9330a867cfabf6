"""The baselines' grading without a sandbox: the learner's module and the
tests in one process.

``grade_in_process`` is the in-process grading of ``bench.engine``; run as
``python -m bench.coldstart PACK_DIR FILE SEED`` it is the cold start, a fresh
``python`` per grading as a grader without a zygote would run: it imports only
what grading needs (numpy, the pack loader, the checks), with the thread
settings learner processes get, grades and prints the counts as JSON.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import time
import types
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads, as in the sandbox's environment

from grader.engine.pack import Pack, load_pack, load_suite  # noqa: E402


class _DirectFunction:
    def __init__(self, module: dict, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args, **kwargs):
        return self.module[self.name](*args, **kwargs)

    def timed(self, *args, cpu_cap=None, **kwargs):
        # CPU time, as the sandbox measures a learner's call and assert_speed the reference's;
        # a call in this process cannot be stopped at *cpu_cap*: a slow one runs to its end
        start = time.thread_time()
        value = self.module[self.name](*args, **kwargs)
        return value, time.thread_time() - start


_suites: dict = {}


def suite(pack: Pack):
    """The pack's tests and reference, loaded once per process (as the judge caches them)."""
    key = (pack.slug, pack.functions, pack.solution, pack.tests)
    return _suites.get(key) or _suites.setdefault(key, load_suite(pack))


def _execute(compiled, module: dict) -> None:
    module.clear()
    module.update(__name__="solution", __file__="solution.py", __builtins__=builtins)
    exec(compiled, module)  # noqa: S102  (benchmark of trusted code)


def grade_in_process(pack: Pack, code: str, seed: int, failed: list[str] | None = None) -> int:
    """Run every test with the learner's module in this process; the number passed
    (and the names of those that failed appended to *failed*). The same work as
    the judge's but the isolation: the suite loaded once per pack (the judge
    caches it), the code compiled once per grading and executed at load (to
    check the functions it defines) and again for each test after the first."""
    loaded = suite(pack)
    compiled = compile(code, "solution.py", "exec")
    module: dict = {}
    _execute(compiled, module)
    if missing := [f for f in pack.functions if not callable(module.get(f))]:
        raise ValueError(f"the code does not define {missing}")
    learner = types.SimpleNamespace(**{f: _DirectFunction(module, f) for f in pack.functions})
    passed = 0
    for i, test in enumerate(loaded.tests):
        if i:  # a fresh execution of the module for each test
            _execute(compiled, module)
        try:
            test.run(learner=learner, reference=loaded.reference, seed=seed)
            passed += 1
        except AssertionError as exc:
            if failed is not None:
                failed.append(f"{test.name}: {str(exc)[:200]}")
    return passed


def grade_counts(pack: Pack, code: str, seed: int) -> dict:
    """``grade_in_process`` as counts: the tests passed, all of them, and the failures."""
    failed: list[str] = []
    passed = grade_in_process(pack, code, seed=seed % 2**32, failed=failed)
    return {"passed": passed, "total": len(suite(pack).tests), "failed": failed}


def main(argv: list[str]) -> None:
    pack_dir, file, seed = argv
    print(json.dumps(grade_counts(load_pack(pack_dir), Path(file).read_text(), int(seed))))


if __name__ == "__main__":
    main(sys.argv[1:])
