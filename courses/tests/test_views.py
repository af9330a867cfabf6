"""The courses' pages: what each role may do through them, and what they show."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, Course, Extension, Membership
from courses.tests.conftest import DAY, HOUR, T0, enrol, make_assignment
from gradebook.tests.conftest import make_submission

pytestmark = pytest.mark.django_db
Role = Membership.Role


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def live(course, challenges):
    """An assignment open now, due tomorrow, closing in three days."""
    now = timezone.now()
    return make_assignment(course, [challenges.softmax, challenges.cross_entropy], opens=now - DAY, due=now + DAY,
                           closes=now + 3 * DAY, per_day=0.1, floor=0.5)  # fmt: skip


def test_an_instructor_creates_a_course_and_becomes_its_instructor(teacher_client, teacher):
    response = teacher_client.post(reverse("courses:create"), {"title": "ML 101", "term": "Spring", "description": ""})
    course = Course.objects.get(title="ML 101")
    assert response.status_code == 302 and response["Location"] == reverse("courses:detail", args=[course.pk])
    assert course.memberships.get().role == Role.INSTRUCTOR and course.created_by == teacher


def test_a_learner_cannot_create_a_course(alice_client):
    assert alice_client.post(reverse("courses:create"), {"title": "Mine"}).status_code == 403
    assert not Course.objects.exists()


def test_joining_by_code_and_by_invite_link(client, course, bob, django_user_model):
    login(client, bob)
    response = client.post(reverse("courses:join"), {"code": course.join_code.lower()}, follow=True)
    assert response.status_code == 200 and f"Welcome to {course}" in messages_of(response)
    carol = django_user_model.objects.create_user("carol")
    login(client, carol)
    link = reverse("courses:invite", args=[course.join_code])
    page = client.get(link)
    assert b"Join as a learner" in page.content
    assert not Membership.objects.filter(user=carol).exists()  # following a link joins nobody by itself
    client.post(link)
    assert Membership.objects.get(user=carol, left=None).role == Role.LEARNER


def test_a_rotated_code_is_a_dead_link_and_a_closed_course_says_so(client, course, teacher, bob):
    old_link = reverse("courses:invite", args=[course.join_code])
    login(client, teacher)
    client.post(reverse("courses:rotate", args=[course.pk]))
    client.post(reverse("courses:joining", args=[course.pk]), {"open": "0"})
    course.refresh_from_db()
    assert not course.joining_open
    login(client, bob)
    assert client.get(old_link).status_code == 404
    response = client.post(old_link, follow=True)
    assert "No course has this join code" in messages_of(response)
    page = client.get(reverse("courses:invite", args=[course.join_code]))
    assert b"not taking new members" in page.content and b"Join as a learner" not in page.content
    response = client.post(reverse("courses:invite", args=[course.join_code]), follow=True)
    assert "not taking new members" in messages_of(response)
    assert not Membership.objects.filter(user=bob).exists()


def test_a_learner_leaves_and_the_course_is_a_404_to_them_after(alice_client, course, alice):
    response = alice_client.post(reverse("courses:leave", args=[course.pk]))
    assert response.status_code == 302
    assert Membership.objects.get(user=alice).left is not None
    assert alice_client.get(reverse("courses:detail", args=[course.pk])).status_code == 404


def test_instructors_change_roles_and_remove_members_keeping_the_history(teacher_client, course, alice, tara):
    alices = Membership.objects.get(user=alice)
    teacher_client.post(reverse("courses:member_role", args=[course.pk, alices.pk]), {"role": "ta"})
    alices.refresh_from_db()
    assert alices.role == Role.TA
    teacher_client.post(reverse("courses:member_remove", args=[course.pk, alices.pk]))
    page = teacher_client.get(reverse("courses:members", args=[course.pk]))
    assert [m.user.username for m in page.context["former"]] == ["alice"]
    assert b"removed by teacher" in page.content
    assert [m.user.username for m in page.context["current"]] == ["teacher", "tara"]


def test_the_last_instructor_is_not_removed_through_the_page(teacher_client, course, teacher):
    mine = Membership.objects.get(user=teacher)
    response = teacher_client.post(reverse("courses:member_remove", args=[course.pk, mine.pk]), follow=True)
    assert "at least one instructor" in messages_of(response)
    assert Membership.objects.get(pk=mine.pk).left is None


def test_a_ta_reads_the_members_but_sees_no_controls(client, course, tara):
    page = login(client, tara).get(reverse("courses:members", args=[course.pk]))
    assert page.status_code == 200 and b"alice" in page.content
    assert b"Remove</button>" not in page.content and b"New join code" not in page.content


def test_a_roster_is_previewed_then_applied(teacher_client, course, django_user_model):
    django_user_model.objects.create_user("carol", "carol@example.com")
    django_user_model.objects.create_user("dan", "dan@example.com")
    url = reverse("courses:roster", args=[course.pk])
    preview = teacher_client.post(url, {"text": "email\ncarol@example.com\ndan,ta\nnobody\n"})
    assert preview.status_code == 200 and b"No account has the username" in preview.content
    assert b"nothing can be added" in preview.content and b"roster/apply/" not in preview.content
    assert not Membership.objects.filter(user__username="carol").exists()
    # tampered with, or applied after all: refused whole, and the preview shown again
    refused = teacher_client.post(reverse("courses:roster_apply", args=[course.pk]), {"text": "carol\nnobody\n"})
    assert refused.status_code == 409 and not Membership.objects.filter(user__username="carol").exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("roster.csv", b"\xef\xbb\xbfcarol@example.com\r\ndan,ta\r\n", "text/csv")
    preview = teacher_client.post(url, {"file": upload})
    assert b"Add 2 members" in preview.content
    applied = teacher_client.post(reverse("courses:roster_apply", args=[course.pk]), {"text": preview.context["text"]})
    assert applied.status_code == 302
    assert dict(
        course.memberships.filter(user__username__in=["carol", "dan"]).values_list("user__username", "role")
    ) == {
        "carol": "learner",
        "dan": "ta",
    }


def test_an_assignment_is_created_in_the_instructors_time_zone(teacher_client, course, challenges):
    teacher_client.cookies["tz"] = "Europe/London"
    data = {"title": "Week 1", "opens": "2026-10-20T09:00", "due": "2026-10-26T09:00", "closes": "",
            "penalty_percent": "10", "floor_percent": "50", "challenges": "softmax\ncross-entropy\n"}  # fmt: skip
    response = teacher_client.post(reverse("courses:assignment_create", args=[course.pk]), data)
    assert response.status_code == 302
    a = Assignment.objects.get()
    # 09:00 BST is 08:00 UTC before the change; 09:00 GMT is 09:00 UTC after it
    assert a.opens == datetime(2026, 10, 20, 8, 0, tzinfo=UTC) and a.due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert (a.late_penalty_per_day, a.late_floor, a.closes) == (0.1, 0.5, None)
    assert [i.challenge.slug for i in a.items.all()] == ["softmax", "cross-entropy"]
    # shown back as typed
    page = teacher_client.get(reverse("courses:assignment_edit", args=[course.pk, a.pk]))
    assert b'value="2026-10-20T09:00"' in page.content and b"Europe/London" in page.content


def test_a_wall_clock_time_the_clock_change_repeats_or_skips_is_refused(teacher_client, course, challenges):
    teacher_client.cookies["tz"] = "Europe/London"
    url = reverse("courses:assignment_create", args=[course.pk])
    base = {"title": "W", "closes": "", "penalty_percent": "0", "floor_percent": "0", "challenges": "softmax"}
    repeated = teacher_client.post(url, {**base, "opens": "2026-10-20T09:00", "due": "2026-10-25T01:30"})
    skipped = teacher_client.post(url, {**base, "opens": "2026-03-29T01:30", "due": "2026-10-20T09:00"})
    for response in (repeated, skipped):
        assert response.status_code == 400 and b"ambiguous or it may not exist" in response.content
    assert not Assignment.objects.exists()


def test_assignment_form_errors(teacher_client, course, challenges):
    url = reverse("courses:assignment_create", args=[course.pk])
    data = {"title": "W", "opens": "2026-10-20T09:00", "due": "2026-10-19T09:00", "closes": "2026-10-18T09:00",
            "penalty_percent": "0", "floor_percent": "0", "challenges": "softmax\nno-such\n"}  # fmt: skip
    response = teacher_client.post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "after the open time" in errors["due"][0] and "no earlier than the due" in errors["closes"][0]
    assert "no-such" in errors["challenges"][0]


def test_dates_are_shown_in_the_viewers_zone_with_a_countdown_that_works_without_js(teacher_client, course, challenges):
    due = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    make_assignment(course, [challenges.softmax], opens=due - 7 * DAY, due=due, closes=due + 2 * DAY)
    url = reverse("courses:detail", args=[course.pk])
    utc = teacher_client.get(url).content.decode()
    assert '<time datetime="2026-10-24T22:30:00Z" data-countdown>Sat 24 Oct 2026, 22:30 UTC</time>' in utc
    teacher_client.cookies["tz"] = "Europe/London"
    london = teacher_client.get(url).content.decode()
    # either side of the clock change: BST (UTC+1) before, GMT after
    assert "Sat 24 Oct 2026, 23:30 BST" in london and "Mon 26 Oct 2026, 22:30 GMT" in london
    assert "Times are in Europe/London" in london
    teacher_client.cookies["tz"] = "../../etc/passwd"  # not a zone name: UTC
    assert "22:30 UTC" in teacher_client.get(url).content.decode()


def test_the_dashboard_shows_status_and_score_so_far(alice_client, alice, live, challenges):
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=timezone.now() - HOUR)
    make_submission(alice, challenges.cross_entropy, verdict="failed", score=0.2, at=timezone.now() - HOUR)
    page = alice_client.get(reverse("courses:dashboard"))
    [course] = page.context["courses"]
    [progress] = course.assignments
    assert progress.earned == pytest.approx(100 + 0.2 * 150)
    html = page.content.decode()
    assert 'class="status solved"' in html and 'class="status attempted"' in html
    assert f"?assignment={live.pk}" in html and "My courses</a>" in html


def test_a_learner_gets_404_for_an_assignment_before_it_opens(alice_client, course, challenges):
    later = make_assignment(course, [challenges.softmax], opens=timezone.now() + DAY, due=timezone.now() + 2 * DAY)
    url = reverse("courses:assignment", args=[course.pk, later.pk])
    assert alice_client.get(url).status_code == 404
    assert b"Nothing assigned yet" in alice_client.get(reverse("courses:detail", args=[course.pk])).content


def test_the_assignment_page_for_staff_lists_it_before_it_opens(client, course, tara, challenges):
    later = make_assignment(course, [challenges.softmax], opens=timezone.now() + DAY, due=timezone.now() + 2 * DAY)
    page = login(client, tara).get(reverse("courses:assignment", args=[course.pk, later.pk]))
    assert (
        page.status_code == 200 and b"Numerically stable softmax" in page.content and b">Edit</a>" not in page.content
    )


def test_the_challenge_page_shows_the_assignment_it_was_opened_from(alice_client, live):
    page = alice_client.get(reverse("challenges:detail", args=["softmax"]) + f"?assignment={live.pk}")
    html = page.content.decode()
    assert 'id="assignment-context"' in html and "Week 1" in html and "data-countdown" in html
    assert "late Submits lose 10% a day, keeping at least 50%" in html
    plain = alice_client.get(reverse("challenges:detail", args=["softmax"]))
    assert b'id="assignment-context"' not in plain.content


def test_the_challenge_page_says_when_the_assignment_has_closed(alice_client, course, challenges):
    now = timezone.now()
    closed = make_assignment(course, [challenges.softmax], opens=now - 3 * DAY, due=now - 2 * DAY, closes=now - DAY)
    page = alice_client.get(reverse("challenges:detail", args=["softmax"]) + f"?assignment={closed.pk}")
    assert b"Submits no longer count for this assignment" in page.content


def test_an_outsider_sees_no_assignment_context(client, bob, live):
    page = login(client, bob).get(reverse("challenges:detail", args=["softmax"]) + f"?assignment={live.pk}")
    assert page.status_code == 200 and b'id="assignment-context"' not in page.content


def test_instructors_grant_and_withdraw_extensions_and_tas_only_read(client, teacher, tara, alice, live):
    url = reverse("courses:extensions", args=[live.course_id, live.pk])
    login(client, teacher).post(url, {"learner": "alice", "due": "2026-12-31T12:00", "closes": ""})
    extension = Extension.objects.get(user=alice)
    assert extension.due == datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    login(client, tara)
    assert client.post(url, {"learner": "alice", "due": "2027-01-31T12:00"}).status_code == 403
    page = client.get(url)
    assert b"alice" in page.content and b"Withdraw" not in page.content
    login(client, teacher).post(reverse("courses:extension_revoke", args=[live.course_id, live.pk, extension.pk]))
    assert not Extension.objects.exists()


def test_an_extension_for_someone_not_enrolled_is_refused(teacher_client, bob, live):
    url = reverse("courses:extensions", args=[live.course_id, live.pk])
    response = teacher_client.post(url, {"learner": "bob", "due": "2026-12-31T12:00"})
    assert response.status_code == 400 and not Extension.objects.exists()


def test_assignments_move_up_and_down(teacher_client, course, challenges):
    a = make_assignment(course, [challenges.softmax], title="A")
    b = make_assignment(course, [challenges.softmax], title="B")
    teacher_client.post(reverse("courses:assignment_move", args=[course.pk, b.pk]), {"direction": "up"})
    assert [x.title for x in course.assignments.all()] == ["B", "A"]
    teacher_client.post(reverse("courses:assignment_move", args=[course.pk, b.pk]), {"direction": "down"})
    assert [x.title for x in course.assignments.all()] == ["A", "B"]
    assert a.pk


def test_staff_see_every_assignment_and_the_join_code(teacher_client, course, challenges):
    make_assignment(course, [challenges.softmax], opens=T0 + 100 * DAY, due=T0 + 101 * DAY, title="Far off")
    page = teacher_client.get(reverse("courses:detail", args=[course.pk]))
    assert b"Far off" in page.content and course.join_code.encode() in page.content


def test_a_learner_in_two_courses_sees_both(alice_client, alice, course, teacher, challenges):
    from courses.services import course_create

    other = course_create(user=teacher, title="Second course", now=T0)
    enrol(other, alice)
    page = alice_client.get(reverse("courses:dashboard"))
    assert {c.course.title for c in page.context["courses"]} == {course.title, "Second course"}


def test_an_invite_link_typed_in_lower_case_still_finds_the_course(client, course, bob):
    page = login(client, bob).get(reverse("courses:invite", args=[course.join_code.lower()]))
    assert page.status_code == 200 and b"Join as a learner" in page.content


def test_my_courses_costs_the_same_queries_for_more_courses_and_assignments(
    alice_client, alice, course, teacher, challenges
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import course_create

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(reverse("courses:dashboard")).status_code == 200
        return len(captured)

    make_assignment(course, [challenges.softmax], opens=T0, due=T0 + DAY)
    queries()  # the nav's role is asked once, then remembered
    few = queries()
    for n in range(3):
        other = course_create(user=teacher, title=f"Course {n}", now=T0)
        enrol(other, alice)
        make_assignment(other, [challenges.softmax, challenges.batch_norm], opens=T0, due=T0 + DAY)
        make_submission(alice, challenges.batch_norm, verdict="passed", score=1.0, at=T0 + HOUR)
    assert queries() == few
