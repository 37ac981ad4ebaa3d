"""Forms of dispute mediation: they parse input; the services decide (and say what is wrong)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import CommitteeMember, Dispute, Party

DATE = forms.DateInput(attrs={"type": "date"})
PARTY_ROWS = 4


class DisputeForm(forms.Form):
    village = forms.ChoiceField(label=_("Village where it arose"))
    kind = forms.ChoiceField(label=_("Kind of dispute"), choices=[("", "——")] + Dispute.Kind.choices)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    place = forms.CharField(label=_("Where it arose"), max_length=200, required=False)
    occurred_on = forms.DateField(label=_("Arose on"), required=False, widget=DATE)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [
            (v.code, f"{v.parent.name} {v.name}" if v.parent_id else v.name) for v in villages
        ]


class PartyForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=Party.Side.choices)
    name = forms.CharField(label=pgettext_lazy("mediation", "Name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=pgettext_lazy("mediation", "Address"), max_length=200, required=False)


def party_forms(data=None):
    sides = ["applicant", "respondent", "respondent", "respondent"]
    return [PartyForm(data, prefix=f"party-{i}", initial={"side": sides[i]}) for i in range(PARTY_ROWS)]


class EscalateForm(forms.Form):
    to_tier = forms.ChoiceField(label=_("Hand over to"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_tier"].choices = list(choices)


class ConcludeForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("mediation", "Outcome"),
        choices=[c for c in Dispute.Status.choices if c[0] != Dispute.Status.OPEN],
    )
    mediator_name = forms.CharField(label=_("Mediator"), max_length=50, required=False)
    terms = forms.CharField(
        label=_("Terms of the agreement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=8000,
    )
    note = forms.CharField(
        label=_("Outcome note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    concluded_on = forms.DateField(label=_("Concluded on"), required=False, widget=DATE)


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Signed agreement (scan: PDF, JPEG or PNG)"))


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=pgettext_lazy("mediation", "Visited on"), widget=DATE)
    fulfilment = forms.ChoiceField(label=_("Fulfilment"), choices=Dispute.Fulfilment.choices[1:])
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class CommitteeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("mediation", "Name"), max_length=100, required=False)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DATE)


class MemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("mediation", "Name"), max_length=50)
    role = forms.ChoiceField(
        label=pgettext_lazy("mediation", "Role"), choices=CommitteeMember.Role.choices, initial="member"
    )
    mediator = forms.ChoiceField(
        label=_("Mediator"), choices=CommitteeMember.Mediator.choices, required=False
    )
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class SettingForm(forms.Form):
    village_days = forms.IntegerField(label=_("Days the village has"), min_value=1, max_value=365)
    township_days = forms.IntegerField(label=_("Days the township has"), min_value=1, max_value=365)
    county_days = forms.IntegerField(label=_("Days the county has"), min_value=1, max_value=365)


class TemplateForm(forms.Form):
    template = forms.FileField(label=_("Agreement template (.docx)"))
