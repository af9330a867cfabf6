"""The similarity check: the comparison as a pure function, the final Submits it
compares, the run in the background, and its pages."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import SimilarityRun
from courses.selectors import final_submits
from courses.services import similarity_execute, similarity_request, similarity_sweep
from courses.similarity import boilerplate, compare, fingerprint, marked, similarity, tokens
from courses.tests.conftest import DAY, T0, enrol, make_assignment
from gradebook.tests.conftest import make_submission
from grader.models import Submission

STARTER = '''import numpy as np


def kmeans_step(X, centroids):
    """Assign each point to its nearest centroid, then move each centroid."""
    pass
'''
REFERENCE = """import numpy as np


def kmeans_step(X, centroids):
    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    return np.array([X[labels == j].mean(axis=0) for j in range(len(centroids))]), labels
"""
LOOPS = '''import numpy as np


def kmeans_step(X, centroids):
    """Assign each point to its nearest centroid, then move each centroid."""
    labels = np.zeros(len(X), dtype=int)
    for i, x in enumerate(X):
        best, best_d = 0, float("inf")
        for j, c in enumerate(centroids):
            dist = float(((x - c) ** 2).sum())
            if dist < best_d:
                best, best_d = j, dist
        labels[i] = best
    moved = centroids.copy()
    for j in range(len(centroids)):
        if (labels == j).any():
            moved[j] = X[labels == j].mean(axis=0)
    return moved, labels
'''
# LOOPS with every name changed, other numbers, comments and blank lines added, layout changed
RENAMED = '''import numpy as np

def kmeans_step(X, centroids):
    """Assign each point to its nearest centroid, then move each centroid."""
    # which cluster each point goes to
    assign = np.zeros(len(X), dtype=int)
    for n, point in enumerate(X):

        winner, smallest = 0, float("1e308")
        for m, centre in enumerate(centroids):
            gap = float(((point - centre) ** 2).sum())   # squared distance
            if gap < smallest:
                winner, smallest = m, gap
        assign[n] = winner
    out = centroids.copy()
    for m in range(len(centroids)):
        if (assign == m).any():
            out[m] = X[assign == m].mean(axis=0)
    return out, assign
'''
VECTORISED = '''import numpy as np


def kmeans_step(X, centroids):
    """Assign each point to its nearest centroid, then move each centroid."""
    k = centroids.shape[0]
    xx = np.einsum("ij,ij->i", X, X)[:, np.newaxis]
    cc = np.einsum("ij,ij->i", centroids, centroids)[np.newaxis, :]
    nearest = np.argmin(xx - 2.0 * X @ centroids.T + cc, axis=1)
    counts = np.bincount(nearest, minlength=k).astype(float)
    sums = np.zeros_like(centroids, dtype=float)
    np.add.at(sums, nearest, X)
    return np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centroids), nearest
'''
BOILERPLATE = (STARTER, REFERENCE)


# --- the comparison, a pure function ------------------------------------------------


def test_identical_code_is_entirely_alike_and_marked_whole():
    match = similarity(LOOPS, LOOPS, excluded_code=BOILERPLATE)
    assert match.similarity == match.similarity_a == match.similarity_b == 1.0
    assert match.regions_a == match.regions_b
    marked_text = "\n".join(LOOPS[s:e] for s, e in match.regions_a)
    assert "for j, c in enumerate(centroids)" in marked_text and "labels[i] = best" in marked_text
    assert "range(len" not in marked_text  # written as the reference writes it: boilerplate


def test_renamed_variables_new_numbers_comments_and_layout_still_match():
    match = similarity(LOOPS, RENAMED, excluded_code=BOILERPLATE)
    assert match.similarity >= 0.9


def test_unrelated_code_is_not_alike():
    match = similarity(LOOPS, VECTORISED, excluded_code=BOILERPLATE)
    assert match.similarity < 0.25


def test_regions_are_left_out_below_the_level_asked():
    excluded = boilerplate(BOILERPLATE)
    a, b = fingerprint(LOOPS, excluded), fingerprint(VECTORISED, excluded)
    assert compare(a, b).regions_a and compare(a, b, regions_from=0.5).regions_a == []
    assert compare(a, b, regions_from=0.5).similarity == compare(a, b).similarity


def test_starter_and_reference_are_boilerplate():
    # two learners who kept only the starter, or wrote the reference, match nothing
    assert similarity(STARTER, STARTER + "\n\n", excluded_code=BOILERPLATE).similarity == 0
    assert similarity(REFERENCE, REFERENCE, excluded_code=BOILERPLATE).similarity == 0
    # without the exclusion the same pairs are identical
    assert similarity(REFERENCE, REFERENCE).similarity == 1.0
    # a copy around the starter's lines: only the learner's own code is marked
    match = similarity(LOOPS, LOOPS, excluded_code=BOILERPLATE)
    assert not any(s <= LOOPS.index("import numpy") < e for s, e in match.regions_a)


def test_keyword_arguments_attributes_and_builtins_are_kept_names_are_not():
    texts = [t.text for t in tokens("total = np.sum(values, axis=0) + len(extra)  # note\n")]
    assert texts == ["V", "=", "V", ".", "sum", "(", "V", ",", "axis", "=", "N", ")", "+", "len", "(", "V", ")"]


@pytest.mark.parametrize(
    "code", ["def f(:\n    x = (1,\n", "  x = 1\n y = 2\n", "'''never closed\n", "", "\x00\r\n\u2028", "a = '\\"]
)
def test_code_that_does_not_tokenise_is_compared_as_far_as_it_goes(code):
    match = similarity(code, code + LOOPS)
    assert 0 <= match.similarity <= 1
    for start, end in match.regions_a:
        assert 0 <= start < end <= len(code)


def test_marked_cuts_code_into_pieces_that_join_back():
    code = "a = 1\nb = </pre><script>\n"
    pieces = marked(code, [[6, 10], [0, 3], [8, 99], [50, 60]])  # out of order, overlapping, past the end
    assert "".join(t for t, _ in pieces) == code
    assert pieces == [("a =", True), (" 1\n", False), ("b = </pre><script>\n", True)]


# --- what is compared -----------------------------------------------------------------


def submit(user, challenge, code, at=T0 + DAY, **kwargs) -> Submission:
    submission = make_submission(user, challenge, verdict="failed", score=0.5, at=at, **kwargs)
    Submission.objects.filter(pk=submission.pk).update(code=code)
    submission.code = code
    return submission


@pytest.fixture
def learners(course, bob, django_user_model):
    """alice (enrolled by the course fixture), bob, carol and dave in the course."""
    make = django_user_model.objects.create_user
    carol, dave = make("carol", "carol@example.com"), make("dave", "dave@example.com")
    for user in (bob, carol, dave):
        enrol(course, user)
    return bob, carol, dave


@pytest.fixture
def week(course, challenges):
    return make_assignment(course, [challenges.softmax], closes=T0 + 9 * DAY)


@pytest.mark.django_db
def test_the_final_submit_is_the_last_the_assignment_accepts(week, challenges, alice, learners, teacher, outsider):
    bob, carol, dave = learners
    softmax = challenges.softmax
    submit(alice, softmax, "early", at=T0 + DAY)
    alice_last = submit(alice, softmax, "last", at=T0 + 8 * DAY)  # late, before the close: accepted
    submit(alice, softmax, "after the close", at=T0 + 10 * DAY)
    submit(alice, softmax, "a run", kind="run", at=T0 + 2 * DAY)
    bob_only = submit(bob, softmax, "bob's", at=T0 + DAY)
    submit(bob, softmax, "preview", preview=True, at=T0 + 2 * DAY)
    submit(carol, softmax, "before it opened", at=T0 - DAY)
    submit(teacher, softmax, "staff", at=T0 + DAY)
    submit(outsider, softmax, "not in the course", at=T0 + DAY)
    assert final_submits(assignment=week, challenge=softmax) == [alice_last, bob_only]


@pytest.fixture
def outsider(db, django_user_model):
    return django_user_model.objects.create_user("olga", "olga@example.com")


# --- the run ---------------------------------------------------------------------------


@pytest.fixture
def codes(week, challenges, alice, learners):
    """alice and bob alike (bob renamed everything), carol unrelated, dave kept the starter."""
    bob, carol, dave = learners
    hostile = '\nBANNER = "</pre><script>alert(1)</script>"\n'
    return {
        "alice": submit(alice, challenges.softmax, LOOPS + hostile),
        "bob": submit(bob, challenges.softmax, RENAMED + hostile),
        "carol": submit(carol, challenges.softmax, VECTORISED),
        "dave": submit(dave, challenges.softmax, challenges.softmax.current_version.starter),
    }


def run_now(week, challenge, user, capture, threshold=0.5) -> SimilarityRun:
    """Request a check as the button does, then run it here instead of in a worker."""
    with capture(execute=False) as callbacks:
        run = similarity_request(assignment=week, challenge=challenge, user=user, threshold=threshold)
    assert len(callbacks) == 1
    return similarity_execute(run_id=run.pk)


@pytest.mark.django_db
def test_a_run_lists_the_pairs_above_the_threshold(
    codes, week, challenges, teacher, django_capture_on_commit_callbacks
):
    run = run_now(week, challenges.softmax, teacher, django_capture_on_commit_callbacks)
    assert (run.status, run.learners, run.total, run.compared, run.error) == ("done", 4, 6, 6, "")
    assert run.started and run.finished and run.attempts == 1
    [pair] = run.pairs.all()
    assert {pair.submission_a.user.username, pair.submission_b.user.username} == {"alice", "bob"}
    assert pair.similarity >= 0.9 and pair.regions_a and pair.regions_b
    # a second message for the same run claims nothing
    assert similarity_execute(run_id=run.pk) is None
    # a lower threshold lists more
    low = run_now(week, challenges.softmax, teacher, django_capture_on_commit_callbacks, threshold=0.01)
    assert low.pairs.count() > 1 and low.pk != run.pk


@pytest.mark.django_db
def test_a_check_under_way_is_reused_not_doubled(codes, week, challenges, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = similarity_request(assignment=week, challenge=challenges.softmax, user=teacher, threshold=0.5)
        again = similarity_request(assignment=week, challenge=challenges.softmax, user=teacher, threshold=0.3)
    assert again == first and len(callbacks) == 1
    SimilarityRun.objects.filter(pk=first.pk).update(status="running")
    assert similarity_request(assignment=week, challenge=challenges.softmax, user=teacher, threshold=0.5) == first


@pytest.mark.django_db
def test_a_failure_is_stored_on_the_run_not_raised(
    codes, week, challenges, teacher, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(a, b, **kwargs):
        raise ValueError("the comparison broke")

    monkeypatch.setattr("courses.similarity.compare", broken)
    run = run_now(week, challenges.softmax, teacher, django_capture_on_commit_callbacks)
    assert run.status == "failed" and "ValueError: the comparison broke" in run.error and run.finished
    assert not run.pairs.exists()


@pytest.mark.django_db
def test_the_sweeper_resends_a_lost_run_then_gives_up(
    week, challenges, teacher, settings, django_capture_on_commit_callbacks
):
    run = SimilarityRun.objects.create(assignment=week, challenge=challenges.softmax, threshold=0.5)
    SimilarityRun.objects.filter(pk=run.pk).update(enqueued=T0)  # its message never reached a worker
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert similarity_sweep()["similarity runs"] == 1
    assert len(callbacks) == 1
    SimilarityRun.objects.filter(pk=run.pk).update(status="running", started=T0, attempts=settings.GRADER_MAX_ATTEMPTS)
    assert similarity_sweep()["gave up"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "gave up" in run.error


# --- the pages ---------------------------------------------------------------------------


def urls(week, slug="softmax", run=None, pair=None) -> dict:
    args = [week.course_id, week.pk, slug]
    found = {"page": reverse("courses:similarity", args=args), "start": reverse("courses:similarity_start", args=args)}
    if run is not None:
        found["run"] = reverse("courses:similarity_run", args=[*args, run.pk])
    if pair is not None:
        found["pair"] = reverse("courses:similarity_pair", args=[*args, run.pk, pair.pk])
    return found


@pytest.mark.django_db
def test_instructors_start_a_check_and_follow_its_progress(
    client, codes, week, challenges, teacher, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    page = client.get(urls(week)["page"])
    assert (
        page.status_code == 200
        and b'id="similarity-none"' in page.content
        and b"similarity-start-button" in page.content
    )
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(urls(week)["start"], {"threshold": "40"})
    run = SimilarityRun.objects.get()
    assert run.threshold == 0.4 and run.requested_by == teacher
    assert response.status_code == 302 and response["Location"] == urls(week, run=run)["run"]
    # while queued the fragment polls itself; once done it carries no poll and lists the pairs
    fragment = client.get(urls(week, run=run)["run"], HTTP_HX_REQUEST="true")
    assert b"hx-trigger" in fragment.content and b"<html" not in fragment.content
    similarity_execute(run_id=run.pk)
    fragment = client.get(urls(week, run=run)["run"], HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in fragment.content and b'id="similarity-pairs"' in fragment.content
    assert client.get(urls(week)["page"]).context["run"] == run


@pytest.mark.django_db
def test_a_bad_threshold_starts_nothing(client, codes, week, teacher):
    client.force_login(teacher)
    for value in ("0", "101", "half"):
        response = client.post(urls(week)["start"], {"threshold": value})
        assert response.status_code == 302 and response["Location"] == urls(week)["page"]
    assert not SimilarityRun.objects.exists()


@pytest.mark.django_db
def test_a_challenge_outside_the_assignment_is_not_found(client, week, teacher):
    client.force_login(teacher)
    assert client.get(urls(week, slug="batch-norm")["page"]).status_code == 404
    assert client.post(urls(week, slug="batch-norm")["start"], {"threshold": "50"}).status_code == 404


@pytest.mark.django_db
def test_similarity_is_for_instructors_only_not_tas(client, codes, week, challenges, teacher, tara, capture_run):
    run, pair = capture_run
    client.force_login(tara)
    assert client.get(urls(week)["page"]).status_code == 403
    assert client.get(urls(week, run=run, pair=pair)["pair"]).status_code == 403
    assert client.post(urls(week)["start"], {"threshold": "50"}).status_code == 403
    assert SimilarityRun.objects.count() == 1


@pytest.fixture
def capture_run(codes, week, challenges, teacher, django_capture_on_commit_callbacks):
    run = run_now(week, challenges.softmax, teacher, django_capture_on_commit_callbacks)
    return run, run.pairs.get()


@pytest.mark.django_db
def test_the_start_needs_the_csrf_token(codes, week, teacher):
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(teacher)
    assert forged.post(urls(week)["start"], {"threshold": "50"}).status_code == 403
    assert not SimilarityRun.objects.exists()
    page = forged.get(urls(week)["page"])
    token = page.context["csrf_token"]
    assert forged.post(urls(week)["start"], {"threshold": "50", "csrfmiddlewaretoken": token}).status_code == 302
    assert SimilarityRun.objects.count() == 1


@pytest.mark.django_db
def test_the_pair_page_shows_both_codes_escaped_with_the_shared_code_marked(client, week, teacher, capture_run):
    run, pair = capture_run
    client.force_login(teacher)
    response = client.get(urls(week, run=run, pair=pair)["pair"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html and "</pre><script>" not in html
    assert html.count("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert html.count('<pre class="code similarity-code">') == 2 and "<mark>" in html
    assert html.count("<mark>") == len(pair.regions_a) + len(pair.regions_b)  # a <mark> per stored range
    assert reverse("grader:submission", args=[pair.submission_a_id]) in html


@pytest.mark.django_db
def test_a_pair_of_another_run_or_assignment_is_not_found(client, course, week, challenges, teacher, capture_run):
    run, pair = capture_run
    client.force_login(teacher)
    other_week = make_assignment(course, [challenges.softmax], title="Week 2")
    assert client.get(urls(other_week, run=run, pair=pair)["pair"]).status_code == 404
    assert client.get(urls(other_week, run=run)["run"]).status_code == 404


@pytest.mark.django_db
def test_the_assignment_page_and_analytics_link_to_the_check(client, week, teacher):
    client.force_login(teacher)
    for name in ("courses:assignment", "courses:analytics"):
        assert urls(week)["page"] in client.get(reverse(name, args=[week.course_id, week.pk])).content.decode()
