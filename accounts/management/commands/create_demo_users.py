import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.roles import grant_instructor


class Command(BaseCommand):
    help = (
        "On a database with no users only: create a demo admin and a demo instructor. Passwords come from "
        "DEMO_ADMIN_PASSWORD / DEMO_INSTRUCTOR_PASSWORD, or are generated and printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("users exist already: no demo users created")
            return
        given = {
            "admin": os.environ.get("DEMO_ADMIN_PASSWORD"),
            "instructor": os.environ.get("DEMO_INSTRUCTOR_PASSWORD"),
        }
        for username, preset in given.items():
            password = preset or secrets.token_urlsafe(12)
            if username == "admin":
                User.objects.create_superuser(username, "admin@example.com", password)
            else:
                grant_instructor(User.objects.create_user(username, "instructor@example.com", password))
            shown = f"from DEMO_{username.upper()}_PASSWORD" if preset else password
            self.stdout.write(f"demo {username}: username {username!r}, password {shown}")
