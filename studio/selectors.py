"""Reads for the instructor pages."""

from __future__ import annotations

import difflib
import json

from django.db.models import Count, F, Q, QuerySet

from challenges.models import Challenge, ChallengeVersion
from studio.models import Regrade, RegradeItem, Status, ValidationRun

_TEXT_FIELDS = ("statement", "starter", "solution", "tests", "takeaways", "hints")


LATEST_FIRST = ("-created", "-pk")  # validations of one version, the one that counts first


def latest_validations(runs: QuerySet[ValidationRun]) -> dict[int, ValidationRun]:
    """The latest of *runs* for each version they are of (version id -> run), in one query."""
    latest: dict[int, ValidationRun] = {}
    for run in runs.order_by("version_id", *LATEST_FIRST):
        latest.setdefault(run.version_id, run)
    return latest


def studio_challenges() -> list[Challenge]:
    """Every challenge, drafts too, with its latest version and that version's
    latest validation (``validation``, or None): two queries in all."""
    challenges = list(Challenge.objects.select_related("current_version", "draft_version").order_by("title"))
    versions = [c.latest_version.pk for c in challenges if c.latest_version is not None]
    latest = latest_validations(ValidationRun.objects.filter(version_id__in=versions))
    for c in challenges:
        c.validation = latest.get(c.latest_version.pk) if c.latest_version is not None else None
    return challenges


def _field_text(version: ChallengeVersion, name: str) -> str:
    if name in _TEXT_FIELDS:
        return getattr(version, name)
    if name == "mutants":
        return "".join(f"# --- mutants/{n}.py\n{code}\n" for n, code in sorted(version.mutants.items()))
    return json.dumps(getattr(version, name), indent=1, sort_keys=True) + "\n"


def version_diff(old: ChallengeVersion, new: ChallengeVersion) -> list[dict]:
    """Each pack field that differs between two versions, as unified-diff lines
    tagged add/del/hunk/same for display."""
    out = []
    for name in (*ChallengeVersion.PACK_FIELDS, "limits"):
        a, b = _field_text(old, name), _field_text(new, name)
        if a == b:
            continue
        lines = []
        diff = difflib.unified_diff(a.splitlines(), b.splitlines(), f"v{old.number}", f"v{new.number}", lineterm="")
        for line in list(diff)[2:]:  # the ---/+++ header names the versions, shown already
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
            lines.append((kind, line))
        out.append({"field": name, "lines": lines})
    return out


def regrade_progress(regrade: Regrade) -> dict:
    """Counts so far, and once finished, who changed verdict from what to what."""
    counts = regrade.items.aggregate(total=Count("pk"), done=Count("pk", filter=Q(status=Status.DONE)))
    changed = (
        regrade.items.filter(status=Status.DONE)
        .exclude(new_verdict=F("old_verdict"))
        .select_related("submission__user")
        .order_by("old_verdict", "new_verdict", "submission__user__username")
    )
    transitions: dict[tuple[str, str], list[RegradeItem]] = {}
    for item in changed:
        transitions.setdefault((item.old_verdict, item.new_verdict), []).append(item)
    return {
        **counts,
        "percent": round(100 * counts["done"] / counts["total"]) if counts["total"] else 100,
        "changed": sum(len(v) for v in transitions.values()),
        "learners_changed": len({i.submission.user_id for items in transitions.values() for i in items}),
        "transitions": [{"old": o, "new": n, "items": items} for (o, n), items in transitions.items()],
    }
