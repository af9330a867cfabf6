"""LTI endpoints: login initiation, launch, our JWKS, the deep-linking picker,
a course's LMS page for its staff, and the submission review page.

The login and launch come cross-site from the LMS, so they are csrf_exempt:
the launch is protected by the platform's signed id_token and by the state
cookie set at login (which only the browser that started the login has). The
deep-linking picker's form carries a signed token of its launch instead of
relying on cookies, so it also works where the LMS frames it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from challenges.models import Challenge
from config.middleware import POLICY
from courses.models import Assignment, Course, Membership
from courses.selectors import assignment_for_access, course_access
from lti import selectors, tool
from lti.models import LtiUser, Platform, ScoreSync
from lti.services import (
    CONTEXT,
    ROLES,
    ContextNotSetUp,
    LaunchRefused,
    audience_check,
    course_role,
    deep_link_items,
    deep_link_resource,
    instructed_courses,
    launch_accept,
    link_url,
    lti_context_find,
    lti_context_link,
    roster_sync_request,
    score_resend,
)

SETUP_KEY = "lti_setup"  # the session's launch waiting for its LMS course to be linked
DEEP_LINK_SALT = "lti.deep_link"
DEEP_LINK_SECONDS = 3600  # an instructor has an hour to pick
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

# pylti1p3's messages, as the person who clicked the link should read them (first match wins)
REASONS = (
    ("state", "This launch did not start in this browser: its state does not match the login's. "
              "Open the link from your LMS again (in a new window if it is embedded)."),
    ("nonce", "This launch was used already or has expired: each launch works once. "
              "Open the link from your LMS again."),
    ("signature has expired", "The launch token has expired. Open the link from your LMS again."),
    ("signature verification failed", "The launch token's signature does not match the platform's keys."),
    ("public key", "The launch token is signed with a key the platform does not publish."),
    ("registration", "No LMS is registered here with this issuer and client id (the token's issuer and audience)."),
    ("client id", "No LMS is registered here with this issuer and client id (the token's issuer and audience)."),
    ("deployment", "This LMS deployment is not registered here; ask an administrator to add its deployment id."),
    ("is missing the", "The launch token lacks a claim it must carry (its expiry or issue time)."),
    ("missing id_token", "The launch came without an id_token."),
    ("jwt", "The launch token is not a valid JWT."),
    ("unrecognized message type", "This tool does not support this kind of LMS launch (its message type): "
                                  "open the link itself (a resource link) instead."),
)  # fmt: skip


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    for needle, reason in REASONS:
        if needle in text:
            return reason
    return f"The launch is not valid ({str(exc)[:200]})."


def _frame_policy(response: HttpResponse, request: HttpRequest, form_action: str = "") -> HttpResponse:
    """The site's policy, with LTI_FRAME_ANCESTORS allowed to frame this page, and
    *form_action* (the LMS's return URL) allowed as a form's target."""
    policy = POLICY.format(nonce=request.csp_nonce)
    if settings.LTI_FRAME_ANCESTORS:
        policy = policy.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(settings.LTI_FRAME_ANCESTORS))
    if form_action:
        parts = urlsplit(form_action)
        policy = policy.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    response["Content-Security-Policy"] = policy
    return response


def refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    """The clear page a refused launch gets. Nobody is signed in by it."""
    response = render(request, "lti/refused.html", {"reason": reason}, status=status)
    return _frame_policy(response, request)


def _launch_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("lti:launch"))


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login initiation: the LMS sends the browser here, we send it
    back to the LMS's authorisation endpoint with a state (also set as a cookie)
    and a nonce. The launch always comes back to our own launch URL, whatever
    target_link_uri says: the link's custom parameters say what it opens."""
    try:
        return tool.oidc_login(request).redirect(_launch_url(request))
    except (OIDCException, LtiException) as exc:
        return refused(request, f"The LMS's login request was refused: {exc}.", status=400)


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """A launch: validate the id_token, then sign its user in and open the link
    (a resource launch) or show the picker (deep linking, instructors)."""
    try:
        message = tool.message_launch(request)
        claims = message.get_launch_data()  # validates: state, nonce, registration, signature, deployment, claims
        audience_check(claims=claims, client_id=message.platform.client_id)
        launched = launch_accept(platform=message.platform, claims=claims, now=timezone.now())
    except (LtiException, OIDCException) as exc:
        return refused(request, _reason(exc))
    except ContextNotSetUp as exc:
        return _frame_policy(render(request, "lti/not_set_up.html", {"reason": str(exc)}, status=409), request)
    except LaunchRefused as exc:
        return refused(request, str(exc))
    auth_login(request, launched.user)
    if launched.context is None:  # an LMS course not linked yet: its instructor chooses
        request.session[SETUP_KEY] = {"launch": message.get_launch_id(), "platform": message.platform.pk}
        return redirect("lti:setup")
    return _landing(request, launched, message.get_launch_id())


def _landing(request: HttpRequest, launched, launch_id: str) -> HttpResponse:
    if launched.review:
        if launched.learner is None:  # not an error: they have made nothing here yet
            page = render(request, "lti/nothing_to_review.html", {"course": launched.context.course})
            return _frame_policy(page, request)
        return redirect("lti:review", course_id=launched.context.course_id, link_id=launched.link.pk,
                        user_id=launched.learner.pk)  # fmt: skip
    if launched.link is None:  # deep linking
        return _picker(request, launched.context.course, launch_id)
    for notice in launched.notices:
        messages.info(request, notice)
    return redirect(link_url(launched.link))


def _pending_setup(request: HttpRequest) -> tuple[Platform, dict, str]:
    """The launch waiting in this session for its LMS course to be linked, made
    by the signed-in user as an instructor; else 404."""
    pending = request.session.get(SETUP_KEY) or {}
    platform = Platform.objects.filter(pk=pending.get("platform"), active=True).first()
    try:
        claims = tool.restored_launch(request, str(pending.get("launch"))).get_launch_data()
    except (LtiException, TypeError):
        claims = None
    if platform is None or not claims or course_role(claims.get(ROLES)) != Membership.Role.INSTRUCTOR:
        raise Http404("No LMS course is waiting for you to set it up.")
    if not LtiUser.objects.filter(platform=platform, sub=str(claims.get("sub")), user=request.user).exists():
        raise Http404("No LMS course is waiting for you to set it up.")
    return platform, claims, pending["launch"]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """An instructor's first launch from an LMS course not linked here: make a
    new course for it, or link it to one they instruct. Then the launch goes on."""
    platform, claims, launch_id = _pending_setup(request)
    now = timezone.now()
    if lti_context_find(platform=platform, claims=claims) is None:
        if request.method != "POST":
            context = {"lms_course": claims.get(CONTEXT) or {}, "platform": platform,
                       "courses": instructed_courses(user=request.user)}  # fmt: skip
            return render(request, "lti/setup.html", context)
        choice = request.POST.get("course", "")
        course = None
        if choice != "new":
            course = Course.objects.filter(pk=choice if choice.isdigit() else None).first()
            if course is None:
                messages.error(request, "Choose a new course or one of yours.")
                return redirect("lti:setup")
        try:
            lti_context_link(platform=platform, claims=claims, user=request.user, course=course)
        except LaunchRefused as exc:
            messages.error(request, str(exc))
            return redirect("lti:setup")
    try:  # linked now (by this choice, or by a colleague meanwhile): the launch goes on
        launched = launch_accept(platform=platform, claims=claims, now=now)
    except LaunchRefused as exc:
        return refused(request, str(exc))
    del request.session[SETUP_KEY]
    return _landing(request, launched, launch_id)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Our public keys: platforms verify our deep-linking responses and service-token requests with them."""
    return JsonResponse(tool.jwks())


def _picker(request: HttpRequest, course, launch_id: str, status: int = 200, error: str = "") -> HttpResponse:
    assignments, challenges = deep_link_items(course=course)
    token = signing.dumps({"launch": launch_id, "course": course.pk}, salt=DEEP_LINK_SALT)
    context = {"course": course, "assignments": assignments, "challenges": challenges, "token": token, "error": error}
    return _frame_policy(render(request, "lti/deep_link.html", context, status=status), request)


def _picked(item: str, *, course_id: int) -> tuple[Assignment | None, Challenge | None]:
    """The picker's choice, "assignment:<id>" (of the launch's course) or "challenge:<slug>" (published)."""
    kind, _, key = item.partition(":")
    if kind == "assignment" and key.isdigit():
        return Assignment.objects.filter(pk=key, course_id=course_id).first(), None
    if kind == "challenge":
        return None, Challenge.objects.filter(slug=key, current_version__isnull=False).first()
    return None, None


@csrf_exempt  # the signed token of the launch protects it, not a cookie (the LMS may frame this page)
@xframe_options_exempt
@never_cache
@require_POST
def deep_link(request: HttpRequest) -> HttpResponse:
    """The instructor's pick: a signed deep-linking response, posted back to the LMS."""
    try:
        token = signing.loads(request.POST.get("token", ""), salt=DEEP_LINK_SALT, max_age=DEEP_LINK_SECONDS)
        message = tool.restored_launch(request, token["launch"])
        deep_link = message.get_deep_link()
    except (signing.BadSignature, KeyError, TypeError, LtiException):
        return refused(request, "This selection has expired or is not valid. Start again from your LMS.", status=400)
    assignment, challenge = _picked(request.POST.get("item", ""), course_id=token["course"])
    if assignment is None and challenge is None:
        course = get_object_or_404(Course, pk=token["course"])
        return _picker(request, course, token["launch"], status=400, error="Pick an assignment or a challenge.")
    resource = deep_link_resource(launch_url=_launch_url(request), assignment=assignment, challenge=challenge)
    return_url = message.get_launch_data()[DEEP_LINKING_SETTINGS]["deep_link_return_url"]
    context = {"return_url": return_url, "jwt": deep_link.get_response_jwt([resource]), "title": resource.get_title()}
    response = render(request, "lti/deep_link_return.html", context)
    return _frame_policy(response, request, form_action=return_url)


# --- the course's LMS page, for its staff ----------------------------------------------


def _access(request: HttpRequest, course_id: int, *, edit: bool = False):
    access = course_access(user=request.user, course_id=course_id)
    if access is None:
        raise Http404("No such course.")
    if not access.is_staff or (edit and not access.can_edit):
        raise PermissionDenied("Not for your role in this course.")
    return access


@login_required
@require_GET
def course_lms(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course's LMS links, the last score sent for each learner, and the roster sync."""
    access = _access(request, course_id)
    context = {"access": access, "course": access.course, **selectors.course_lms(course=access.course)}
    return render(request, "lti/course.html", context)


@login_required
@require_POST
def course_roster_sync(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    contexts = selectors.course_contexts(course=access.course)
    if not contexts:
        raise Http404("This course is not linked to an LMS.")
    for context in contexts:
        if roster_sync_request(context=context, now=timezone.now()):
            messages.success(request, f"{context.platform}: roster sync started; this page shows its result when done.")
        else:
            messages.info(request, f"{context.platform}: a roster sync is already under way.")
    return redirect("lti:course", course_id=course_id)


@login_required
@require_POST
def course_score_resend(request: HttpRequest, course_id: int, sync_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    sync = get_object_or_404(ScoreSync, pk=sync_id, link__context__course=access.course)
    score_resend(sync=sync, now=timezone.now())
    messages.success(request, f"The score of {sync.user.username} will be sent again.")
    return redirect("lti:course", course_id=course_id)


# --- submission review: one learner's work on one link --------------------------------


@login_required
@require_GET
def review(request: HttpRequest, course_id: int, link_id: int, user_id: int) -> HttpResponse:
    """What a submission review launch lands on: the learner's Submits of what the
    link opens, as the course counts them. The course's staff see any learner
    of it; a learner only themselves."""
    access = course_access(user=request.user, course_id=course_id)
    if access is None:
        raise Http404("No such course.")
    link = get_object_or_404(selectors.reviewable_links(), pk=link_id, context__course=access.course)
    if not selectors.may_review(access=access, learner_id=user_id):
        raise PermissionDenied("Only the course's staff review another learner's submissions.")
    now = timezone.now()
    if link.assignment_id and assignment_for_access(access=access, assignment_id=link.assignment_id, now=now) is None:
        raise Http404("No such assignment.")  # a learner's, before it opens
    learner = selectors.review_learner(course=access.course, user_id=user_id)
    if learner is None:
        raise Http404("No such learner in this course.")
    review = selectors.submission_review(link=link, learner=learner, now=now)
    context = {"access": access, "course": access.course, "review": review, "own": learner == request.user}
    return render(request, "lti/review.html", context)
