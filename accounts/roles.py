"""Roles: a learner is any signed-up user; an instructor holds the
``challenges.author_challenges`` permission (members of the "Instructors"
group do); an admin is a superuser, and may do all an instructor may."""

from __future__ import annotations

import logging
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

INSTRUCTORS_GROUP = "Instructors"
INSTRUCTOR_PERMISSION = "challenges.author_challenges"


def holds_instructor_permission() -> Q:
    """Users granted the permission, directly or through a group (superusers aside)."""
    app_label, codename = INSTRUCTOR_PERMISSION.split(".")
    held = {"content_type__app_label": app_label, "codename": codename}
    return Q(**{f"user_permissions__{k}": v for k, v in held.items()}) | Q(
        **{f"groups__permissions__{k}": v for k, v in held.items()}
    )


def is_instructor(user) -> bool:
    """One query at most per user object: pages ask on every request (the nav)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_instructor"):
        users = get_user_model().objects  # not type(user): request.user is a lazy proxy
        user._is_instructor = users.filter(holds_instructor_permission(), pk=user.pk).exists()
    return user._is_instructor


NAV_ROLE_SECONDS = 60


def _nav_role_key(pk) -> str:
    return f"roles:nav-instructor:{pk}"


def nav_is_instructor(user) -> bool:
    """``is_instructor`` for the nav links every page shows, remembered in the
    cache: a query less per page. Forgotten when the user's groups or
    permissions change; a change to a group's permissions shows within
    NAV_ROLE_SECONDS. Access is never decided by it (``instructor_required``)."""
    if not (user.is_authenticated and user.is_active) or user.is_superuser:
        return is_instructor(user)
    key = _nav_role_key(user.pk)
    try:
        held = cache.get(key)
        if held is None:
            held = is_instructor(user)
            cache.set(key, held, NAV_ROLE_SECONDS)
    except RedisError:  # the cache is away (a restart): ask the database, the page still renders
        held = is_instructor(user)
    return held


def forget_nav_role(pks) -> None:
    try:
        cache.delete_many([_nav_role_key(pk) for pk in pks])
    except RedisError:  # the cache is away: a kept entry is only the nav's, and ends within NAV_ROLE_SECONDS
        log.warning("nav role cache unavailable: %d entries left to expire", len(pks))


def instructors_group() -> Group:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    app_label, codename = INSTRUCTOR_PERMISSION.split(".")
    group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def grant_instructor(user) -> None:
    user.groups.add(instructors_group())


def instructor_required(view):
    """Anonymous users go to the login page; signed-in learners get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_instructor(request.user):
            raise PermissionDenied("Instructors only.")
        return view(request, *args, **kwargs)

    return wrapped


def context(request) -> dict:
    """Templates show instructor links by this (a context processor). A callable,
    so the permission queries run only for a template that asks: the result
    fragment, polled several times per grading, does not."""
    user = getattr(request, "user", None)
    return {"is_instructor": lambda: user is not None and nav_is_instructor(user)}
