"""Roles: who is an instructor, how one is made, the demo users; the admin."""

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import INSTRUCTORS_GROUP, is_instructor

pytestmark = pytest.mark.django_db


def test_grant_instructor_puts_the_user_in_the_instructors_group(alice, capsys):
    assert not is_instructor(alice)
    call_command("grant_instructor", "alice")
    alice = type(alice).objects.get(pk=alice.pk)  # a fresh object: permissions are cached per instance
    assert is_instructor(alice) and alice.groups.filter(name=INSTRUCTORS_GROUP).exists()
    assert "alice is now an instructor" in capsys.readouterr().out


def test_grant_instructor_names_an_unknown_user(alice):
    with pytest.raises(CommandError, match="no such user: nobody"):
        call_command("grant_instructor", "alice", "nobody")
    assert not is_instructor(type(alice).objects.get(pk=alice.pk))


def test_an_inactive_instructor_is_no_instructor(alice):
    call_command("grant_instructor", "alice")
    alice.is_active = False
    alice.save()
    assert not is_instructor(type(alice).objects.get(pk=alice.pk))


def test_demo_users_are_made_on_an_empty_database_only(django_user_model, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "admin-from-env-1")
    monkeypatch.delenv("DEMO_INSTRUCTOR_PASSWORD", raising=False)
    call_command("create_demo_users")
    out = capsys.readouterr().out
    admin_user, instructor = (
        django_user_model.objects.get(username="admin"),
        django_user_model.objects.get(username="instructor"),
    )
    assert admin_user.is_superuser and admin_user.check_password("admin-from-env-1")
    assert "admin-from-env-1" not in out and "from DEMO_ADMIN_PASSWORD" in out
    generated = out.split("username 'instructor', password ")[1].split()[0]
    assert instructor.check_password(generated) and is_instructor(instructor) and not instructor.is_superuser

    call_command("create_demo_users")
    assert "no demo users created" in capsys.readouterr().out
    assert django_user_model.objects.count() == 2


def test_the_admin_lists_every_model_and_keeps_records_read_only(admin_client, softmax, alice):
    from grader.services import submission_create

    submission = submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(reverse("admin:grader_submission_change", args=[submission.pk]))
    assert page.status_code == 200 and b'name="code"' not in page.content  # shown, not editable
    version = softmax.current_version
    page = admin_client.get(reverse("admin:challenges_challengeversion_change", args=[version.pk]))
    assert page.status_code == 200 and b'name="solution"' not in page.content
    expected = {"challenge", "challengeversion", "submission", "draft", "workerheartbeat", "validationrun", "regrade"}
    assert expected <= {m._meta.model_name for m in admin.site._registry}
