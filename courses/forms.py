"""Course forms. Times are typed and shown in the viewer's time zone (the
request's, from config.middleware.TimeZoneMiddleware) and stored in UTC; a
wall-clock time that a clock change skips or repeats is refused by Django's
DateTimeField, not guessed."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from challenges.models import Challenge
from courses.models import Assignment, Course, Membership

ROSTER_MAX_BYTES = 256 * 1024


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "term", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class JoinForm(forms.Form):
    code = forms.CharField(max_length=40, label="Join code", help_text="As your instructor gave it.")


def _when(label: str, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _zone_help(form: forms.Form, *names: str) -> None:
    zone = timezone.get_current_timezone_name()
    for name in names:
        form.fields[name].help_text = f"In your time zone, {zone}."


class AssignmentForm(forms.Form):
    title = forms.CharField(max_length=120)
    opens = _when("Opens")
    due = _when("Due")
    closes = _when("Hard close", required=False)
    penalty_percent = forms.FloatField(
        label="Late penalty per day (%)", min_value=0, max_value=100, initial=0,
        help_text="Taken off a late Submit's score for each started day after the due time; 0: none.",
    )  # fmt: skip
    floor_percent = forms.FloatField(
        label="Floor (%)", min_value=0, max_value=100, initial=0,
        help_text="The least share of its score a late Submit keeps.",
    )  # fmt: skip
    challenges = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Published challenges' slugs, one a line, in the order learners see them.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _zone_help(self, "opens", "due")
        self.fields["closes"].help_text = (
            f"In your time zone, {timezone.get_current_timezone_name()}. After it Submits are refused and late "
            "ones no longer count; empty: late Submits count for ever."
        )

    @staticmethod
    def initial_from(assignment: Assignment) -> dict:
        return {
            "title": assignment.title,
            "opens": assignment.opens,
            "due": assignment.due,
            "closes": assignment.closes,
            "penalty_percent": round(assignment.late_penalty_per_day * 100, 4),
            "floor_percent": round(assignment.late_floor * 100, 4),
            "challenges": "\n".join(i.challenge.slug for i in assignment.items.select_related("challenge")),
        }

    def clean_challenges(self) -> list[Challenge]:
        slugs = [s.strip() for s in self.cleaned_data["challenges"].splitlines() if s.strip()]
        found = {c.slug: c for c in Challenge.objects.filter(slug__in=slugs, published=True)}
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise forms.ValidationError(f"No published challenge has the slug {unknown[0]!r}.")
        if len(set(slugs)) != len(slugs):
            raise forms.ValidationError("Each challenge appears once.")
        if not slugs:
            raise forms.ValidationError("Name at least one challenge.")
        return [found[s] for s in slugs]

    def clean(self) -> dict:
        data = super().clean()
        opens, due, closes = data.get("opens"), data.get("due"), data.get("closes")
        if opens and due and due < opens:
            self.add_error("due", "The due time is after the open time.")
        if due and closes and closes < due:
            self.add_error("closes", "The hard close is no earlier than the due time.")
        return data

    def fields_for_model(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"].strip(),
            "opens": d["opens"],
            "due": d["due"],
            "closes": d["closes"],
            "late_penalty_per_day": d["penalty_percent"] / 100,
            "late_floor": d["floor_percent"] / 100,
        }


class ExtensionForm(forms.Form):
    learner = forms.ModelChoiceField(queryset=None, to_field_name="username")
    due = _when("Their due time")
    closes = _when("Their hard close", required=False)

    def __init__(self, *args, learners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners
        self.fields["learner"].label_from_instance = lambda u: u.username
        _zone_help(self, "due")
        self.fields["closes"].help_text = "Empty: the assignment's, moved no earlier than their due time."


class RosterForm(forms.Form):
    file = forms.FileField(required=False, label="CSV file")
    text = forms.CharField(
        required=False, label="Or paste it", widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > ROSTER_MAX_BYTES:
                raise forms.ValidationError(f"The file is larger than {ROSTER_MAX_BYTES // 1024} KiB.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError("The file is not UTF-8 text: save it as CSV UTF-8.") from exc
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a CSV file or paste its lines.")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class SimilarityForm(forms.Form):
    threshold = forms.IntegerField(
        min_value=1, max_value=100, initial=50, label="List pairs from (%)",
        help_text="A pair is listed when this share of one learner's own code (starter and reference left out) "
        "is found in the other's.",
    )  # fmt: skip
