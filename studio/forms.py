"""The challenge editor: a form for the pack's fields and a formset for its mutants.
The form checks what it can alone; ``to_pack`` then loads the tests and the
reference on the trusted side and maps a ``PackError`` to the field at fault."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from challenges.models import Challenge, ChallengeVersion, Track
from grader.engine.pack import MUTANT_NAME_PATTERN, SLUG_PATTERN, Limits, Pack, PackError, check_pack

RESERVED_SLUGS = {"new", "markdown", "upload", "validations", "regrades", "tracks"}  # studio/urls.py
_CODE = {"data-editor": "", "rows": 14, "spellcheck": "false"}


def _words(value: str) -> list[str]:
    return [w.strip() for w in value.split(",") if w.strip()]


def _lf(value):
    """Browsers send a textarea's lines ending in CRLF; packs on disk read back
    with LF, so an exported and re-imported pack keeps the same content hash."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _limit(name: str, label: str, help_text: str) -> forms.FloatField:
    low, high = Limits.BOUNDS[name]
    return forms.FloatField(label=label, min_value=low, max_value=high, help_text=help_text)


class ChallengeForm(forms.Form):
    slug = forms.CharField(
        max_length=64,
        validators=[RegexValidator(SLUG_PATTERN, "Lowercase letters and digits, words joined by '-'.")],
        help_text="In the challenge's address; fixed once created.",
    )
    title = forms.CharField(max_length=120)
    difficulty = forms.ChoiceField(choices=Challenge.Difficulty.choices)
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. softmax, numerics.")
    functions = forms.CharField(help_text="The function names learners define, comma-separated.")
    points = forms.IntegerField(min_value=1, max_value=10_000)
    track = forms.ModelChoiceField(
        Track.objects.all(), required=False, empty_label="No track",
        help_text="Where the list shows it; a new member goes last. Reorder on the Tracks page.",
    )  # fmt: skip
    time_per_test = _limit("time_per_test", "Time per test (s)", "Seconds of the learner's CPU for one test.")
    time_total = _limit("time_total", "Time per grading (s)", "Seconds of the learner's CPU for a whole grading.")
    memory_mb = forms.IntegerField(
        label="Memory (MB)", min_value=Limits.BOUNDS["memory_mb"][0], max_value=Limits.BOUNDS["memory_mb"][1]
    )
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), help_text="Markdown; $math$ and $$math$$.")
    starter = forms.CharField(widget=forms.Textarea(attrs=_CODE), strip=False, label="Starter code")
    solution = forms.CharField(widget=forms.Textarea(attrs=_CODE), strip=False, label="Reference solution")
    tests = forms.CharField(widget=forms.Textarea(attrs=_CODE), strip=False)
    takeaways = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="Markdown.")
    hints = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False,
        help_text="Markdown; each hint a section starting with '## ', unlocked one per failed Submit.",
    )  # fmt: skip
    change_note = forms.CharField(max_length=200, required=False, help_text="What changed, for the version history.")

    def __init__(self, *args, slug_fixed: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if slug_fixed:
            self.fields["slug"].disabled = True

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"{slug!r} is reserved for a studio page; choose another.")
        return slug

    def clean_tags(self) -> list[str]:
        tags = _words(self.cleaned_data["tags"])
        if any(len(t) > 40 for t in tags):
            raise forms.ValidationError("Each tag is at most 40 characters.")
        return tags

    def clean_functions(self) -> list[str]:
        names = _words(self.cleaned_data["functions"])
        bad = [n for n in names if not n.isidentifier()]
        if not names or bad:
            raise forms.ValidationError(f"Not a Python function name: {bad[0]!r}." if bad else "Name one function.")
        return names

    @staticmethod
    def initial_from(version: ChallengeVersion) -> dict:
        return {
            "slug": version.challenge.slug,
            **{name: getattr(version, name) for name in ("title", "difficulty", "points", "statement", "starter",
                                                          "solution", "tests", "takeaways", "hints")},
            "tags": ", ".join(version.tags),
            "functions": ", ".join(version.functions),
            "track": version.challenge.track_id,
            **version.limits,
        }  # fmt: skip

    def to_pack(self, mutants: dict[str, str]) -> Pack | None:
        """The pack these fields make, or None with the fault added to the form."""
        d = {k: _lf(v) for k, v in self.cleaned_data.items()}
        mutants = {name: _lf(code) for name, code in mutants.items()}
        limits = Limits(time_per_test=d["time_per_test"], time_total=d["time_total"], memory_mb=d["memory_mb"])
        pack = Pack(
            slug=d["slug"], title=d["title"].strip(), difficulty=d["difficulty"], tags=tuple(d["tags"]),
            functions=tuple(d["functions"]), points=d["points"], limits=limits, statement=d["statement"],
            starter=d["starter"], solution=d["solution"], tests=d["tests"], takeaways=d["takeaways"],
            mutants=mutants, hints=d["hints"],
        )  # fmt: skip
        try:
            check_pack(pack)
        except PackError as exc:
            field = {"starter.py": "starter", "solution.py": "solution", "tests.py": "tests", "hints.md": "hints"}.get(
                exc.file
            )
            self.add_error(field, exc.problem if field else str(exc))
            return None
        return pack


class MutantForm(forms.Form):
    name = forms.CharField(
        max_length=60,
        validators=[RegexValidator(MUTANT_NAME_PATTERN, "Lowercase letters, digits and '_'.")],
        help_text="e.g. no_max_subtraction. The docstring's first line describes the misconception.",
    )
    code = forms.CharField(widget=forms.Textarea(attrs=_CODE), strip=False)


class BaseMutantFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        names = [f.cleaned_data["name"] for f in self.live_forms()]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise forms.ValidationError(f"Two mutants are named {duplicates[0]!r}.")

    def live_forms(self) -> list[MutantForm]:
        """Filled-in forms not marked for removal."""
        return [
            f for f in self.forms
            if f.is_valid() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]  # fmt: skip

    def mutants(self) -> dict[str, str]:
        return {f.cleaned_data["name"]: f.cleaned_data["code"] for f in self.live_forms()}

    @staticmethod
    def initial_from(version: ChallengeVersion) -> list[dict]:
        return [{"name": name, "code": code} for name, code in sorted(version.mutants.items())]


MutantFormSet = forms.formset_factory(
    MutantForm, formset=BaseMutantFormSet, extra=1, can_delete=True, max_num=50, validate_max=True
)
