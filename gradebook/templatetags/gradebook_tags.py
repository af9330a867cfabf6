"""Formatting for the gradebook's numbers."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.413 -> "41%"; nothing -> a dash."""
    return "–" if value is None else f"{value * 100:.0f}%"


@register.filter
def span(value: timedelta | None) -> str:
    """A duration in its two largest units: "3 d 4 h", "2 h 5 min", "40 s"."""
    if value is None:
        return "–"
    seconds = int(value.total_seconds())
    units = [("d", 86400), ("h", 3600), ("min", 60), ("s", 1)]
    parts = []
    for name, size in units:
        amount, seconds = divmod(seconds, size)
        if amount or parts:
            parts.append(f"{amount} {name}")
        if len(parts) == 2:
            break
    parts = [p for p in parts if not p.startswith("0 ")]
    return " ".join(parts) or "0 s"
