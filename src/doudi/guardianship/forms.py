import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.scope import scoped
from doudi.registry.models import Person

from .models import GuardianCandidate, GuardianConsent
from .rules import AGREEMENT_DUTIES, ReplacementGround
from .services import CANDIDATE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CandidateForm(forms.ModelForm):
    class Meta:
        model = GuardianCandidate
        fields = CANDIDATE_FIELDS
        widgets = {"age": forms.NumberInput(attrs={"min": 0, "max": 130})}

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        # Relatives usually live in the same township; the list stays short enough for a phone.
        township = person.village.parent_id or person.village_id
        qs = scoped(Person, user).exclude(pk=person.pk)
        self.fields["relative_person"].queryset = qs.filter(village__parent_id=township).order_by("name")
        self.fields["relative_person"].required = False


class ConsentForm(forms.Form):
    body = forms.ChoiceField(label=_("Consenting body"), choices=GuardianConsent.Body.choices)
    body_name = forms.CharField(
        label=_("Name of the body"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use the ward's committee or township office."),
    )
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Consent given")), ("0", _("Consent refused"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    document = forms.FileField(
        label=_("Scan of the written consent (PDF or image, optional)"), required=False
    )


class ConfirmForm(forms.Form):
    candidate = forms.ModelChoiceField(
        label=_("Another qualified candidate chosen by agreement (Art. 30)"),
        queryset=GuardianCandidate.objects.none(),
        required=False,
        empty_label=_("— the proposed guardian —"),
    )
    reason = forms.CharField(
        label=_("Reason for the choice by agreement"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    started_on = forms.DateField(
        label=_("Guardianship starts on"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates


class AgreementForm(forms.Form):
    """Ticks and descriptions of the duties, then the work requirements and the term."""

    visit_frequency = forms.CharField(label=_("Visit frequency"), max_length=100)
    contact = forms.CharField(label=_("Contact arrangements"), max_length=200)
    emergency_steps = forms.CharField(
        label=_("Emergency steps"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One step per line."),
    )
    other_terms = forms.CharField(
        label=_("Other terms"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=30, required=False)
    guardian_address = forms.CharField(label=_("Guardian's address"), max_length=200, required=False)
    start_on = forms.DateField(label=_("Term starts"), widget=DateInput())
    end_on = forms.DateField(label=_("Term ends"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duty_fields = []
        for key, (title, default) in AGREEMENT_DUTIES.items():
            self.fields[f"duty_{key}"] = forms.BooleanField(label=title, required=False)
            self.fields[f"detail_{key}"] = forms.CharField(
                label=_("What exactly"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=default,
            )
            self.duty_fields.append((self[f"duty_{key}"], self[f"detail_{key}"]))

    @property
    def term_fields(self):
        return [
            self[name]
            for name in (
                "visit_frequency",
                "contact",
                "emergency_steps",
                "other_terms",
                "guardian_phone",
                "guardian_address",
                "start_on",
                "end_on",
            )
        ]

    def terms(self) -> dict:
        d = self.cleaned_data
        duties = [
            {"key": key, "detail": d.get(f"detail_{key}", "")}
            for key in AGREEMENT_DUTIES
            if d.get(f"duty_{key}")
        ]
        return {
            "duties": duties,
            **{
                k: d[k]
                for k in (
                    "visit_frequency",
                    "contact",
                    "emergency_steps",
                    "other_terms",
                    "guardian_phone",
                    "guardian_address",
                    "start_on",
                    "end_on",
                )
            },
        }

    @staticmethod
    def initial_for(guardianship, agreement=None) -> dict:
        if agreement is not None:
            initial = {
                k: getattr(agreement, k)
                for k in (
                    "visit_frequency",
                    "contact",
                    "emergency_steps",
                    "other_terms",
                    "guardian_phone",
                    "guardian_address",
                    "start_on",
                    "end_on",
                )
            }
            for duty in agreement.duties:
                initial[f"duty_{duty['key']}"] = True
                initial[f"detail_{duty['key']}"] = duty["detail"]
            return initial
        start = timezone.localdate()
        try:
            end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
        except ValueError:  # 29 February
            end = start.replace(year=start.year + 3, day=28)
        candidate = guardianship.candidate
        initial = {
            "visit_frequency": "每周上门探视不少于2次",
            "contact": f"监护人电话{candidate.phone}，保持畅通" if candidate.phone else "监护人手机保持畅通",
            "emergency_steps": "1. 被监护人突发疾病或意外的，监护人立即拨打120并陪同就医；\n"
            "2. 同时报告村（居）民委员会和乡镇民政办；\n3. 监护人无法到场时，由村（居）民委员会先行安排临时照料。",
            "guardian_phone": candidate.phone,
            "guardian_address": candidate.address,
            "start_on": start,
            "end_on": end,
        }
        for key in (
            "daily_watch",
            "daily_care",
            "hospital_escort",
            "legal_acts",
            "protect_rights",
            "reporting",
        ):
            initial[f"duty_{key}"] = True
        return initial


class SignForm(forms.Form):
    scan = forms.FileField(label=_("Signed agreement scan (PDF or image, at most 10 MB)"))
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput(), initial=timezone.localdate)


class ReplacementForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=ReplacementGround.choices)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TemplateUploadForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("document", "Name"), max_length=100, required=False)
    file = forms.FileField(label=_("Word template (.docx)"))
