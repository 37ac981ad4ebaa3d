from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(VersionForm):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(VersionForm):
    evidence = forms.CharField(
        label=_("What was done (closure evidence)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_file = forms.FileField(
        label=_("Photo after rectification"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class ReopenForm(VersionForm):
    reason = forms.CharField(label=_("Why reopen"), widget=forms.Textarea(attrs={"rows": 2}))


class EditForm(VersionForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


# ---- inspections ---------------------------------------------------------------------------------


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChecklistForm(forms.Form):
    name = forms.CharField(label=_("Checklist name"), max_length=100)
    standard = forms.BooleanField(label=_("Start from the standard checklist"), required=False, initial=True)


class ChecklistItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=100)
    guidance = forms.CharField(
        label=_("What to check"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=30000)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PlanForm(forms.Form):
    round = forms.CharField(
        label=_("Round"), max_length=100, help_text=_("For example: 2026 fourth-quarter inspection.")
    )
    checklist = forms.ModelChoiceField(label=_("Checklist"), queryset=None)
    planned_on = forms.DateField(label=_("Planned date"), widget=_date())
    regions = forms.ModelMultipleChoiceField(
        label=_("Townships and villages"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    institutions = forms.ModelMultipleChoiceField(
        label=_("Nursing homes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, checklists, regions, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = checklists
        self.fields["regions"].queryset = regions
        self.fields["institutions"].queryset = institutions
        self.fields["regions"].label_from_instance = lambda r: (
            f"{r.parent.name} {r.name}" if r.level == 5 and r.parent_id else r.name
        )


class RecordForm(forms.Form):
    """One block per checklist item: 符合 / 不符合, a note, photos, optionally a person."""

    CHOICES = [("ok", _("Conforms")), ("problem", _("Does not conform"))]

    inspected_on = forms.DateField(label=_("Inspection date"), widget=_date())
    owner = forms.ModelChoiceField(
        label=_("Township officer responsible for rectification"), queryset=None, required=False
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=_date())
    summary = forms.CharField(
        label=_("Overall remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, owners, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.items = list(items)
        self.blocks = []
        for item in self.items:
            k = f"item_{item.pk}"
            self.fields[f"{k}_state"] = forms.ChoiceField(
                label=item.title, choices=self.CHOICES, widget=forms.RadioSelect, help_text=item.guidance
            )
            self.fields[f"{k}_note"] = forms.CharField(
                label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{k}_person"] = forms.ModelChoiceField(
                label=_("Person concerned (optional)"), queryset=persons, required=False
            )
            self.fields[f"{k}_photos"] = MultiplePhotoField(label=_("Photos"), required=False)
            self.blocks.append(
                {"item": item, "fields": [self[f"{k}_{s}"] for s in ("state", "note", "person", "photos")]}
            )

    def clean(self):
        data = super().clean()
        for item in self.items:
            k = f"item_{item.pk}"
            if data.get(f"{k}_state") == "problem" and not (data.get(f"{k}_note") or "").strip():
                self.add_error(f"{k}_note", _("Write down the problem found."))
        return data

    def results(self) -> dict:
        d = self.cleaned_data
        return {
            item.pk: {
                "ok": d[f"item_{item.pk}_state"] == "ok",
                "note": d.get(f"item_{item.pk}_note", ""),
                "person": d.get(f"item_{item.pk}_person"),
                "photos": d.get(f"item_{item.pk}_photos") or [],
            }
            for item in self.items
        }


class CircularForm(forms.Form):
    round = forms.ChoiceField(label=_("Round"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=_date())
    until = forms.DateField(label=_("To"), required=False, widget=_date())

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("All rounds"))] + [(r, r) for r in rounds]


# ---- surveys and evaluations ----------------------------------------------------------------------


class SurveyForm(forms.Form):
    asked_on = forms.DateField(label=_("Date"), widget=_date())
    channel = forms.ChoiceField(label=_("How"), widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, questions, channels, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channels
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.ChoiceField(
                label=q.text, choices=answers, widget=forms.RadioSelect
            )

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data[f"q_{q.pk}"] for q in self.questions}


class EvaluationForm(forms.Form):
    SCORE_CHOICES = [(n, str(n)) for n in (5, 4, 3, 2, 1)]

    subject = forms.ChoiceField(widget=forms.HiddenInput)
    subject_name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=100)
    evaluated_on = forms.DateField(label=_("Date"), widget=_date())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subjects, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects
        self.criteria = criteria
        for n, name in enumerate(criteria):
            self.fields[f"c_{n}"] = forms.TypedChoiceField(
                label=name, choices=self.SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )

    def scores(self) -> dict:
        return {name: self.cleaned_data[f"c_{n}"] for n, name in enumerate(self.criteria)}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=200)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
