from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from doudi.eligibility.selfcare import SELF_CARE_ITEMS
from doudi.registry.rules import RELATION_LABELS

from . import rules
from .models import ApplicantKind, PolicySetting

# ISO format: a type=date input shows nothing for a localised value such as 2026/11/28.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _today():
    return dt.date.today()


class FactsForm(forms.Form):
    """The applicant's facts a clerk establishes (registry.rules.EligibilityFacts)."""

    monthly_income = forms.DecimalField(
        label=_("Monthly income (yuan)"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=_("Without basic pension, medical insurance, preferential pensions and old-age allowance."),
    )
    assets_within_limit = forms.BooleanField(label=_("Assets within the local rule"), required=False)
    in_school = forms.BooleanField(
        label=_("In compulsory education, high school or vocational school"), required=False
    )
    orphan_scheme_chosen = forms.BooleanField(
        label=_("A minor who chose the orphan or de-facto-orphan scheme"), required=False
    )
    provincial_no_work_capacity = forms.BooleanField(
        label=_("Other provincial case of no capacity to work"), required=False
    )


class SupporterForm(forms.Form):
    relation = forms.ChoiceField(
        label=_("Relation"), choices=[("", "—")] + list(RELATION_LABELS.items()), required=False
    )
    label = forms.CharField(label=_("Name or description"), max_length=30, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    monthly_income = forms.DecimalField(label=_("Own monthly income (yuan)"), min_value=0, required=False)
    assets_within_limit = forms.BooleanField(label=_("Assets within the low-income rule"), required=False)
    is_tekun = forms.BooleanField(label=_("Is a supported person in extreme poverty"), required=False)
    is_dibao = forms.BooleanField(label=_("Receives minimum-living support"), required=False)
    severe_disability = forms.BooleanField(label=_("Severely disabled"), required=False)
    intellectual_or_mental_grade3 = forms.BooleanField(
        label=_("Intellectual or mental disability grade 3"), required=False
    )
    incapacitated = forms.BooleanField(label=_("No civil capacity"), required=False)
    missing = forms.BooleanField(label=_("Declared missing"), required=False)
    imprisoned = forms.BooleanField(label=_("Serving a prison sentence"), required=False)
    provincial_unable = forms.BooleanField(label=_("Other provincial case"), required=False)


SupporterFormSet = forms.formset_factory(SupporterForm, extra=0, max_num=6)
SUPPORTER_SLOTS = 3


def facts_forms(data=None, facts: dict | None = None, prefix_facts="f", prefix_sup="s"):
    """The facts form and the supporter formset, bound to `data` or filled from stored facts."""
    facts = facts or {}
    initial = {k: facts.get(k) for k in FactsForm.base_fields}
    supporters = [
        {k: v for k, v in s.items() if k in SupporterForm.base_fields} for s in facts.get("supporters") or []
    ]
    while len(supporters) < SUPPORTER_SLOTS:
        supporters.append({})
    form = FactsForm(data, initial=initial, prefix=prefix_facts)
    formset = SupporterFormSet(data, initial=supporters, prefix=prefix_sup)
    if data is None:
        formset.extra = 0
    return form, formset


def facts_from_forms(form: FactsForm, formset) -> dict:
    data = form.cleaned_data
    facts = {
        "monthly_income": str(data["monthly_income"]) if data.get("monthly_income") is not None else None,
        "assets_within_limit": bool(data.get("assets_within_limit")),
        "in_school": bool(data.get("in_school")),
        "orphan_scheme_chosen": bool(data.get("orphan_scheme_chosen")),
        "provincial_no_work_capacity": bool(data.get("provincial_no_work_capacity")),
        "supporters": [],
    }
    for sub in formset.forms:
        s = getattr(sub, "cleaned_data", None) or {}
        if not s.get("relation"):
            continue
        facts["supporters"].append(
            {
                "relation": s["relation"],
                "label": s.get("label") or "",
                "birth_date": s["birth_date"].isoformat() if s.get("birth_date") else None,
                "monthly_income": str(s["monthly_income"]) if s.get("monthly_income") is not None else None,
                **{
                    k: bool(s.get(k))
                    for k in (
                        "assets_within_limit",
                        "is_tekun",
                        "is_dibao",
                        "severe_disability",
                        "intellectual_or_mental_grade3",
                        "incapacitated",
                        "missing",
                        "imprisoned",
                        "provincial_unable",
                    )
                },
            }
        )
    return facts


class ApplicantForm(forms.Form):
    """Who applies: an existing person (hidden `person`) or a new applicant."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    village = forms.ChoiceField(label=_("Registered village"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    applicant_kind = forms.ChoiceField(label=_("Applied by"), choices=ApplicantKind.choices, initial="self")
    applicant_name = forms.CharField(label=_("Entrusted committee or person"), max_length=50, required=False)
    received_on = forms.DateField(label=_("Application date"), initial=_today, widget=DATE)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [
            (v.code, f"{v.parent.name} {v.name}") for v in villages
        ]


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=_today, widget=DATE)


class ReviewForm(DateForm):
    approve = forms.ChoiceField(
        label=_("Township opinion"),
        choices=[("yes", _("Propose approval")), ("no", _("Propose refusal"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecideForm(DateForm):
    approve = forms.ChoiceField(
        label=_("Decision"), choices=[("yes", _("Approve")), ("no", _("Refuse"))], widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons (for a refusal)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NotAcceptForm(DateForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), initial=_today, widget=DATE)
    raised_by = forms.CharField(label=_("Raised by"), max_length=50, required=False)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(DateForm):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    founded = forms.ChoiceField(
        label=_("Re-check result"),
        choices=[("no", _("Unfounded: publish again")), ("yes", _("Founded"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(DateForm):
    confirmed = forms.ChoiceField(
        label=_("Verification"),
        choices=[("yes", _("The ground is confirmed")), ("no", _("The ground is not confirmed"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}))


class TerminationForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", "—")] + [(g.code, g.label) for g in rules.GROUNDS.values()]
    )
    reported_on = forms.DateField(label=_("Reported on"), initial=_today, widget=DATE)
    reporter = forms.CharField(label=_("Reported by"), max_length=50, required=False)
    monthly_income = forms.DecimalField(
        label=_("Current monthly income (yuan), if known"), min_value=0, required=False
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    file = forms.FileField(label=_("File"))


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), initial=_today, widget=DATE)
    assessor = forms.CharField(label=_("Assessor"), max_length=50)
    change_reported_on = forms.DateField(
        label=_("Change reported on (if this re-assessment follows a report)"), required=False, widget=DATE
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SELF_CARE_ITEMS.items():
            self.fields[key] = forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect)

    @property
    def item_fields(self):
        return [self[k] for k in SELF_CARE_ITEMS]

    @property
    def other_fields(self):
        return [self[k] for k in ("assessed_on", "assessor", "change_reported_on", "note")]

    def items(self) -> dict | None:
        data = self.data
        out = {}
        for key in SELF_CARE_ITEMS:
            value = data.get(key)
            if value not in ("yes", "no"):
                return None
            out[key] = value == "yes"
        return out


class PolicySettingForm(forms.ModelForm):
    class Meta:
        model = PolicySetting
        fields = [
            "effective_from",
            "policy_version",
            "dibao_urban",
            "dibao_rural",
            "disposable_income",
            "minimum_wage",
            "care_full_kind",
            "care_full_value",
            "care_partial_kind",
            "care_partial_value",
            "care_none_kind",
            "care_none_value",
            "limit_review",
            "limit_county",
            "limit_recheck",
            "limit_refusal_notice",
            "publication_days",
            "note",
        ]
        widgets = {"effective_from": DATE}
        labels = {
            "care_full_kind": _("Fully self-caring: how"),
            "care_full_value": _("Fully self-caring: yuan or share"),
            "care_partial_kind": _("Partially disabled: how"),
            "care_partial_value": _("Partially disabled: yuan or share"),
            "care_none_kind": _("Fully disabled: how"),
            "care_none_value": _("Fully disabled: yuan or share"),
        }


class CalendarForm(forms.Form):
    holidays = forms.CharField(
        label=_("Holidays (one date or range per line)"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "2027-10-01..2027-10-07"}),
        required=False,
    )
    workdays = forms.CharField(
        label=_("Make-up working days on weekends"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2027-09-26"}),
        required=False,
    )
    complete = forms.BooleanField(label=_("The whole year's schedule is entered"), required=False)
    note = forms.CharField(label=_("Source (e.g. the State Council notice)"), max_length=200, required=False)
