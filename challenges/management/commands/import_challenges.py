from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from challenges.services import challenge_import_folders
from grader.engine.pack import PackError


class Command(BaseCommand):
    help = "Create or update challenges from pack folders (default: the shipped library)."

    def add_arguments(self, parser):
        parser.add_argument("dirs", nargs="*", help="pack folders, or folders of packs")
        parser.add_argument("--draft", action="store_true", help="leave new challenges unpublished")

    def handle(self, *args, dirs, draft, **options):
        try:
            results = challenge_import_folders(paths=dirs or [settings.CHALLENGE_LIBRARY], publish=not draft)
        except PackError as exc:
            raise CommandError(f"nothing imported: {exc}") from exc
        for challenge, changed in results:
            state = f"new version v{challenge.current_version.number}" if changed else "unchanged"
            self.stdout.write(f"{challenge.slug}: {state}")
