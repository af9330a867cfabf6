"""Roster import: a preview with each row's problem, then all of it or none of it."""

import pytest

from courses.models import Membership
from courses.services import ROSTER_MAX_ROWS, CourseRefused, roster_apply, roster_read
from courses.tests.conftest import T0

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def people(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "carol": make("carol", "carol@example.com"),
        "dan": make("dan", "Dan@Example.com"),
        "erin": make("erin", "erin@example.com"),
        "gone": make("gone", "gone@example.com", is_active=False),
        "twin1": make("twin1", "twin@example.com"),
        "twin2": make("twin2", "twin@example.com"),
    }


def members(course):
    return dict(Membership.objects.filter(course=course, left=None).values_list("user__username", "role"))


def test_the_preview_finds_people_by_username_or_email_and_writes_nothing(course, people):
    roster = roster_read(course=course, text="email,role\ncarol\ndan@example.com, ta\n\nERIN,instructor\nalice\n")
    assert [(r.line, r.user.username, r.role, r.error) for r in roster.rows] == [
        (2, "carol", Role.LEARNER, ""),
        (3, "dan", Role.TA, ""),
        (5, "erin", Role.INSTRUCTOR, ""),
        (6, "alice", Role.LEARNER, ""),
    ]
    assert roster.rows[3].member_as == Role.LEARNER and not roster.rows[3].adds  # alice is in already
    assert [r.user.username for r in roster.additions] == ["carol", "dan", "erin"]
    assert roster.errors == 0 and "carol" not in members(course)


def test_each_bad_row_says_what_is_wrong(course, people):
    text = "nobody\ngone\ntwin@example.com\ncarol,boss\ncarol\ncarol@example.com\n"
    errors = [r.error for r in roster_read(course=course, text=text).rows]
    assert "No account has the username 'nobody'" in errors[0]
    assert "deactivated" in errors[1]
    assert "More than one account" in errors[2]
    assert "optionally learner, ta or instructor" in errors[3]
    assert errors[4] == ""
    assert errors[5] == "carol is on line 5 already."


def test_an_empty_or_oversized_file_is_refused_whole(course):
    assert "names nobody" in roster_read(course=course, text="username\n\n").error
    assert "at most" in roster_read(course=course, text="x\n" * (ROSTER_MAX_ROWS + 1)).error


def test_applying_adds_everyone_at_once(course, people):
    roster = roster_apply(course=course, text="carol\ndan@example.com,ta\nalice\n", now=T0)
    assert len(roster.additions) == 2
    assert members(course) == {"teacher": "instructor", "tara": "ta", "alice": "learner", "carol": "learner",
                               "dan": "ta"}  # fmt: skip
    assert Membership.objects.get(course=course, user=people["carol"]).joined == T0


def test_one_bad_row_adds_nobody(course, people):
    with pytest.raises(CourseRefused, match="Nobody was added"):
        roster_apply(course=course, text="carol\ndan\nnobody\n", now=T0)
    assert set(members(course)) == {"teacher", "tara", "alice"}


def test_a_change_since_the_preview_is_caught_on_apply(course, people):
    text = "carol\ndan\n"
    assert roster_read(course=course, text=text).errors == 0
    people["dan"].delete()  # between the preview and the apply
    with pytest.raises(CourseRefused):
        roster_apply(course=course, text=text, now=T0)
    assert "carol" not in members(course)


def test_a_write_failing_half_way_leaves_nothing_half_applied(course, people, monkeypatch):
    from courses import services

    real, calls = services._enrol, []

    def enrol_then_fail(**kwargs):
        calls.append(kwargs["user"].username)
        if len(calls) == 2:  # as if erin joined by code between our read and this write
            Membership.objects.create(course=course, user=kwargs["user"], role=Role.LEARNER, joined=T0)
        return real(**kwargs)

    monkeypatch.setattr(services, "_enrol", enrol_then_fail)
    with pytest.raises(CourseRefused, match="joined meanwhile"):
        roster_apply(course=course, text="carol\nerin\n", now=T0)
    assert calls == ["carol", "erin"]
    assert set(members(course)) == {"teacher", "tara", "alice"}  # carol's row undone, and erin's own join with it
