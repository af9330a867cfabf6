from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import INSTRUCTORS_GROUP, grant_instructor


class Command(BaseCommand):
    help = f"Make users instructors (members of the {INSTRUCTORS_GROUP!r} group)."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args, **options):
        usernames = options["usernames"]
        User = get_user_model()
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        missing = [name for name in usernames if name not in users]
        if missing:
            raise CommandError(f"no such user: {', '.join(missing)}")
        for name in usernames:
            grant_instructor(users[name])
            self.stdout.write(f"{name} is now an instructor")
