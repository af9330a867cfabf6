from django.core.management.base import BaseCommand, CommandError

from challenges.models import Challenge, Track
from challenges.services import challenge_export, tracks_export


class Command(BaseCommand):
    help = "Write challenges as pack folders OUT/<slug>/, which import_challenges reads back unchanged."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="challenges to export (default: all)")
        parser.add_argument("--out", required=True, help="the folder to write the pack folders into")
        parser.add_argument("--latest", action="store_true", help="take the unpublished draft when there is one")

    def handle(self, *args, slugs, out, latest, **options):
        challenges = list(Challenge.objects.select_related("current_version", "draft_version").order_by("slug"))
        if slugs:
            unknown = sorted(set(slugs) - {c.slug for c in challenges})
            if unknown:
                raise CommandError(f"nothing exported: no challenge {', '.join(unknown)}")
            challenges = [c for c in challenges if c.slug in slugs]
        versions = {c.slug: c.latest_version if latest else c.current_version for c in challenges}
        draft_only = sorted(slug for slug, v in versions.items() if v is None)
        if draft_only and slugs:  # asked for by name: refuse before writing anything
            raise CommandError(f"nothing exported: {', '.join(draft_only)} has only a draft (--latest exports it)")
        for challenge in challenges:
            if challenge.slug in draft_only:
                self.stderr.write(f"{challenge.slug}: skipped, only a draft (--latest exports it)")
                continue
            folder = challenge_export(challenge=challenge, folder=out, latest=latest)
            self.stdout.write(f"{challenge.slug}: version {versions[challenge.slug].number} -> {folder}")
        if Track.objects.exists():  # the tracks' order and descriptions, which import_challenges reads back
            self.stdout.write(f"tracks -> {tracks_export(out)}")
