"""A course to test in: an instructor (teacher), a TA (tara), a learner (alice)
and an outsider (bob), and assignments made at fixed times."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from courses.models import Membership
from courses.services import assignment_save, course_create

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)  # an assignment made with make_assignment opens here
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def make_assignment(
    course, challenges, *, opens=T0, due=T0 + 7 * DAY, closes=None, per_day=0.0, floor=0.0, title="Week 1"
):
    fields = {"title": title, "opens": opens, "due": due, "closes": closes, "late_penalty_per_day": per_day,
              "late_floor": floor}  # fmt: skip
    return assignment_save(course=course, fields=fields, challenges=list(challenges))


def enrol(course, user, role=Membership.Role.LEARNER, at=T0):
    return Membership.objects.create(course=course, user=user, role=role, joined=at)


@pytest.fixture
def tara(db, django_user_model):
    return django_user_model.objects.create_user("tara", "tara@example.com", "tara-password-1")


@pytest.fixture
def course(teacher, tara, alice):
    course = course_create(user=teacher, title="Deep learning from scratch", term="Autumn 2026", now=T0 - DAY)
    enrol(course, tara, Membership.Role.TA)
    enrol(course, alice)
    return course


@pytest.fixture
def challenges(library):
    from challenges.models import Challenge

    return SimpleNamespace(**{c.slug.replace("-", "_"): c for c in Challenge.objects.select_related("current_version")})
