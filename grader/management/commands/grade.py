import json
import sys

from django.core.management.base import BaseCommand, CommandError

from grader.engine.judge import default_judge
from grader.engine.pack import PackError, load_pack
from grader.engine.results import Verdict


class Command(BaseCommand):
    help = "Grade a solution file against a challenge (its current version) or a pack folder."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="+", metavar="SLUG FILE | FILE (with --pack)")
        parser.add_argument("--pack", metavar="DIR", help="grade against a pack folder, without the database")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--run", action="store_true", help="sample tests only, as the Run button")
        parser.add_argument("--seed", type=int, help="seed for the hidden random inputs")

    def handle(self, *args, **options):
        pack = options["pack"]
        expected = 1 if pack else 2
        if len(args) != expected:
            raise CommandError("usage: grade SLUG FILE | grade --pack DIR FILE", returncode=2)
        the_pack = self._pack_from_folder(pack) if pack else self._pack_from_db(args[0])
        code = self._read(args[-1])
        result = default_judge().grade(the_pack, code, run_only=options["run"], seed=options["seed"])
        if options["json"]:
            self.stdout.write(json.dumps(result.public(), indent=2))
        else:
            self._print(result)
        sys.exit(0 if result.verdict == Verdict.PASSED else 1)

    @staticmethod
    def _pack_from_folder(folder: str):
        try:
            return load_pack(folder)
        except PackError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    @staticmethod
    def _pack_from_db(slug: str):
        from challenges.models import Challenge

        challenge = Challenge.objects.select_related("current_version").filter(slug=slug).first()
        if challenge is None or challenge.current_version is None:
            raise CommandError(f"unknown challenge {slug!r}", returncode=2)
        return challenge.current_version.pack()

    @staticmethod
    def _read(path: str) -> str:
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}", returncode=2) from exc

    def _print(self, result) -> None:
        for t in result.tests:
            mark = {"passed": "PASS", "failed": "FAIL", "error": "ERR ", "timeout": "TIME", "skipped": "SKIP"}[t.status]
            scope = "hidden" if t.hidden else "sample"
            self.stdout.write(f"{mark}  {t.name}  [{scope}, {t.duration_ms:.0f} ms]")
            for line in t.message.splitlines()[:12]:
                self.stdout.write(f"        {line}")
        if result.error:
            self.stdout.write(result.error.rstrip())
        if result.stdout:
            self.stdout.write("--- output ---\n" + result.stdout.rstrip())
        self.stdout.write(
            f"{result.challenge}: {result.verdict}, score {result.score:.2f}, {result.duration_ms:.0f} ms"
        )
