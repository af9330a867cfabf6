import sys

from django.core.management.base import BaseCommand, CommandError

from challenges.models import Challenge
from grader.engine.judge import default_judge
from grader.engine.pack import PackError, load_pack
from grader.engine.validate import validate_pack

SYMBOL = {"passed": "pass", "failed": "FAIL", "error": "ERR", "timeout": "TIME", "skipped": "-"}


class Command(BaseCommand):
    help = "Prove challenges valid: each reference passes every test, each mutant fails one."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="challenges to check (default: all)")
        parser.add_argument("--pack", action="append", default=[], metavar="DIR", help="check a pack folder instead")
        parser.add_argument("--seed", type=int)

    def handle(self, *args, slugs, pack, seed, **options):
        packs = self._packs(slugs, pack)
        judge = default_judge()
        invalid = 0
        for p in packs:
            v = validate_pack(p, judge, seed=seed)
            self._print_table(v)
            if v.valid:
                self.stdout.write(self.style.SUCCESS(f"{p.slug}: valid") + "\n")
            else:
                invalid += 1
                self.stdout.write(self.style.ERROR(f"{p.slug}: INVALID"))
                for problem in v.problems:
                    self.stdout.write(f"  - {problem}")
                self.stdout.write("")
        self.stdout.write(f"{len(packs) - invalid} valid, {invalid} invalid")
        sys.exit(1 if invalid else 0)

    @staticmethod
    def _packs(slugs, folders):
        if folders:
            try:
                return [load_pack(f) for f in folders]
            except PackError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        challenges = Challenge.objects.select_related("current_version").exclude(current_version=None)
        if slugs:
            challenges = challenges.filter(slug__in=slugs)
            unknown = sorted(set(slugs) - {c.slug for c in challenges})
            if unknown:
                raise CommandError(f"unknown challenge {unknown[0]!r}", returncode=2)
        return [c.current_version.pack() for c in challenges.order_by("slug")]

    def _print_table(self, v) -> None:
        header = ["test", *v.runs]
        rows = [[row[0], *(SYMBOL[c] for c in row[1:])] for row in v.table()]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        self.stdout.write(f"== {v.slug}")
        for r in [header, *rows]:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
