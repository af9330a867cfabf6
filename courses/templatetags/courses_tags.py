"""Times as the viewer reads them, and the countdowns on them.

A time is stored in UTC and shown in the viewer's zone (the one
config.middleware.TimeZoneMiddleware activated for the request), with the
zone's abbreviation, so a reader never has to guess. The ``<time>`` element
carries the UTC instant for static/js/site.js to count down to.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()

WHEN_FORMAT = "D j M Y, H:i T"  # Sat 24 Oct 2026, 23:30 BST


def local_text(when: datetime) -> str:
    """*when* in the current time zone, e.g. "Sat 24 Oct 2026, 23:30 BST"."""
    return date_format(timezone.localtime(when), WHEN_FORMAT)


def utc_iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.simple_tag
def when(moment: datetime | None, countdown: bool = False) -> str:
    """``{% when assignment.due countdown=True %}``: the local time, and with
    *countdown* a place the script fills with "in 2 days 3 hours" (without
    JavaScript the date alone is shown)."""
    if moment is None:
        return "–"
    if not countdown:
        return format_html('<time datetime="{}">{}</time>', utc_iso(moment), local_text(moment))
    return format_html(
        '<time datetime="{}" data-countdown>{}</time> <span class="countdown" aria-live="off"></span>',
        utc_iso(moment),
        local_text(moment),
    )


@register.simple_tag
def server_now() -> str:
    """The server's clock (UTC), for the countdowns to correct the browser's by."""
    return utc_iso(timezone.now())


@register.filter
def percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{fraction * 100:.0f}%"
