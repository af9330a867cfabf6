"""Reads of challenges."""

from django.db.models import QuerySet

from challenges.models import Challenge


def challenge_list_published() -> QuerySet[Challenge]:
    return Challenge.objects.filter(published=True).exclude(current_version=None).order_by("difficulty", "title")
