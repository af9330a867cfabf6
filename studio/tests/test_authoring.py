"""Instructors create and edit challenges: drafts make versions, learners keep
the published one, publishing waits for a valid validation."""

import pytest
from django.core.exceptions import ValidationError

from challenges.models import Challenge, ChallengeVersion
from studio.models import ValidationRun
from studio.services import validation_execute, validation_request
from studio.tests.conftest import ABS_DOUBLE, pack_fields

pytestmark = pytest.mark.django_db


def validate_now(challenge, user, django_capture_on_commit_callbacks) -> ValidationRun:
    """Queue a validation as the Validate button does, then run it here instead of in a worker."""
    with django_capture_on_commit_callbacks(execute=False):
        run = validation_request(version=challenge.latest_version, user=user)
    return validation_execute(run_id=run.pk)


def test_creating_a_challenge_makes_an_unpublished_draft(teacher_client, alice_client):
    response = teacher_client.post("/studio/new/", pack_fields())
    assert response.status_code == 302 and response["Location"] == "/studio/double/"
    challenge = Challenge.objects.get(slug="double")
    assert not challenge.published and challenge.current_version is None
    assert challenge.draft_version.number == 1
    assert challenge.draft_version.mutants == {"triple": pack_fields()["mutants-0-code"]}
    assert challenge.draft_version.author.username == "teacher"
    assert alice_client.get("/challenges/double/").status_code == 404
    assert b"Double it" not in alice_client.get("/challenges/").content


def test_an_existing_slug_or_a_reserved_one_is_refused(teacher_client):
    teacher_client.post("/studio/new/", pack_fields())
    for slug, message in (("double", b"exists already"), ("upload", b"reserved")):
        response = teacher_client.post("/studio/new/", pack_fields(slug=slug))
        assert response.status_code == 400 and message in response.content
    assert ChallengeVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tests", "def test_x(learner):\n    return (\n", b"syntax error on line"),
        ("tests", "from grader.engine.testing import sample\n@sample\ndef test_x(learner, oracle):\n    pass\n",
         b"unknown fixture &#x27;oracle&#x27;"),
        ("solution", "def triple(x):\n    return 3 * x\n", b"does not define double()"),
        ("functions", "not a name", b"Not a Python function name"),
        ("time_per_test", "999", b"less than or equal to 30"),
        ("mutants-0-code", "def double(x)\n", b"mutants/triple.py: syntax error"),
    ],
)  # fmt: skip
def test_a_broken_field_is_named_and_nothing_is_saved(teacher_client, field, value, message):
    response = teacher_client.post("/studio/new/", pack_fields(**{field: value}))
    assert response.status_code == 400
    assert message in response.content, response.content.decode()[:3000]
    assert not Challenge.objects.exists()


def test_saving_changes_makes_a_new_draft_version_and_learners_keep_the_published_one(
    teacher, teacher_client, alice_client, django_capture_on_commit_callbacks
):
    teacher_client.post("/studio/new/", pack_fields())
    challenge = Challenge.objects.get(slug="double")
    validate_now(challenge, teacher, django_capture_on_commit_callbacks)
    teacher_client.post("/studio/double/publish/")
    challenge.refresh_from_db()
    assert challenge.published and challenge.current_version.number == 1

    same = teacher_client.post("/studio/double/", pack_fields(slug=""))  # the slug field is fixed once created
    assert same.status_code == 302 and ChallengeVersion.objects.count() == 1

    teacher_client.post("/studio/double/", pack_fields(statement="Return $2x$, elementwise.", change_note="clearer"))
    challenge.refresh_from_db()
    assert (challenge.current_version.number, challenge.draft_version.number) == (1, 2)
    assert challenge.draft_version.change_note == "clearer"
    page = alice_client.get("/challenges/double/")
    assert b"elementwise" not in page.content and page.context["version"].number == 1

    editor = teacher_client.get("/studio/double/")
    assert editor.context["form"].initial["statement"] == "Return $2x$, elementwise."


def test_versions_are_immutable(teacher_client):
    teacher_client.post("/studio/new/", pack_fields())
    version = ChallengeVersion.objects.get()
    version.statement = "changed in place"
    with pytest.raises(ValidationError):
        version.save()
    assert ChallengeVersion.objects.get().statement == "Return $2x$."


def test_the_version_history_shows_a_diff_of_each_changed_field(teacher_client):
    teacher_client.post("/studio/new/", pack_fields())
    teacher_client.post("/studio/double/", pack_fields(statement="Return twice $x$.", points="20"))
    page = teacher_client.get("/studio/double/versions/?a=1&b=2")
    assert [f["field"] for f in page.context["diff"]] == ["points", "statement"]
    statement = page.context["diff"][1]["lines"]
    assert ("del", "-Return $2x$.") in statement and ("add", "+Return twice $x$.") in statement
    assert b"teacher" in page.content


def test_publishing_waits_for_a_validation_and_names_what_is_at_fault(
    teacher, teacher_client, alice_client, django_capture_on_commit_callbacks
):
    # abs_double passes tests that only use positive numbers
    fields = pack_fields(**{"mutants-1-name": "abs_double", "mutants-1-code": ABS_DOUBLE})
    teacher_client.post("/studio/new/", fields)
    challenge = Challenge.objects.get(slug="double")

    response = teacher_client.post("/studio/double/publish/", follow=True)
    assert b"has not been validated yet" in response.content

    run = validate_now(challenge, teacher, django_capture_on_commit_callbacks)
    assert run.valid is False
    assert run.problems == ["mutant 'abs_double' (abs double) passes every test"]
    assert run.runs["triple"]["statuses"]["test_doubles_a_vector"] == "failed"
    response = teacher_client.post("/studio/double/publish/", follow=True)
    assert b"mutant &#x27;abs_double&#x27; (abs double) passes every test" in response.content
    assert not Challenge.objects.get(pk=challenge.pk).published

    # the author fixes the test; the new version validates and goes live
    teacher_client.post("/studio/double/", {**fields, "tests": pack_fields(tighten=True)["tests"]})
    challenge.refresh_from_db()
    run = validate_now(challenge, teacher, django_capture_on_commit_callbacks)
    assert run.valid, run.problems
    page = teacher_client.get("/studio/double/")
    assert b"ready to publish" in page.content and b"abs_double" in page.content
    teacher_client.post("/studio/double/publish/")
    challenge.refresh_from_db()
    assert challenge.published and challenge.current_version.number == 2 and challenge.draft_version is None
    assert alice_client.get("/challenges/double/").status_code == 200


def test_a_reference_that_fails_is_named_in_the_validation(teacher, teacher_client, django_capture_on_commit_callbacks):
    teacher_client.post("/studio/new/", pack_fields(solution="def double(x):\n    return x + 1\n"))
    run = validate_now(Challenge.objects.get(slug="double"), teacher, django_capture_on_commit_callbacks)
    assert not run.valid
    assert run.problems[0].startswith("the reference does not pass: failed; failing tests: test_doubles_a_vector")


def test_a_second_validate_while_one_is_pending_reuses_it(teacher, teacher_client, django_capture_on_commit_callbacks):
    teacher_client.post("/studio/new/", pack_fields())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        teacher_client.post("/studio/double/validate/")
        teacher_client.post("/studio/double/validate/")
    assert ValidationRun.objects.count() == 1 and len(callbacks) == 1


def test_unpublishing_hides_the_challenge_from_learners(teacher_client, alice_client, softmax):
    teacher_client.post("/studio/softmax/unpublish/")
    assert alice_client.get("/challenges/softmax/").status_code == 404


def test_the_statement_preview_is_rendered_and_sanitised(teacher_client):
    response = teacher_client.post("/studio/markdown/", {"statement": "**bold** $x^2$ <script>alert(1)</script>"})
    html = response.content.decode()
    assert "<strong>bold</strong>" in html and 'class="math inline"' in html and "<script>" not in html


def test_the_studio_lists_every_challenge_with_its_state(teacher_client, softmax):
    teacher_client.post("/studio/new/", pack_fields())
    page = teacher_client.get("/studio/")
    rows = {c.slug: c for c in page.context["challenges"]}
    assert rows["double"].draft_version.number == 1 and not rows["double"].published
    assert rows["softmax"].current_version.number == 1 and rows["softmax"].validation is None


def test_line_endings_from_the_browser_are_stored_as_in_a_pack_file(teacher_client):
    crlf = {k: v.replace("\n", "\r\n") for k, v in pack_fields().items()}
    teacher_client.post("/studio/new/", crlf)
    version = ChallengeVersion.objects.get()
    assert "\r" not in version.tests + version.solution + version.mutants["triple"]
    assert version.content_hash == version.pack().content_hash()
    teacher_client.post("/studio/double/", pack_fields())  # the same content with LF: no new version
    assert ChallengeVersion.objects.count() == 1


def test_the_studio_list_shows_each_latest_validation_in_a_constant_number_of_queries(
    teacher_client, library, django_assert_num_queries
):
    challenges = list(Challenge.objects.select_related("current_version"))
    for c in challenges:
        ValidationRun.objects.create(version=c.current_version, status="done", valid=False)
        ValidationRun.objects.create(version=c.current_version, status="done", valid=True)  # the latest
    # session, user, the role; challenges, validations: whatever the number of challenges
    with django_assert_num_queries(5):
        page = teacher_client.get("/studio/")
    assert [c.validation.valid for c in page.context["challenges"]] == [True] * len(challenges)


def test_editing_back_to_the_published_content_says_the_draft_was_set_aside(
    teacher, teacher_client, django_capture_on_commit_callbacks
):
    teacher_client.post("/studio/new/", pack_fields())
    challenge = Challenge.objects.get(slug="double")
    validate_now(challenge, teacher, django_capture_on_commit_callbacks)
    teacher_client.post("/studio/double/publish/")
    teacher_client.post("/studio/double/", pack_fields(slug="", statement="A draft statement."))
    back = teacher_client.post("/studio/double/", pack_fields(slug=""), follow=True)
    challenge.refresh_from_db()
    assert challenge.draft_version is None and challenge.versions.count() == 2  # set aside, not deleted
    shown = [str(m) for m in back.context["messages"]]  # with the earlier requests' messages, not yet shown
    assert shown[-1] == "The published version again: draft version 2 set aside (still in the history)."
