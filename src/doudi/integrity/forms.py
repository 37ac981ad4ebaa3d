from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Unit, User

from . import rules
from .models import Campaign, Finding, Report


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class PublicReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=Report.Category.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit concerned"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    village = forms.ModelChoiceField(
        label=_("Or the village or township concerned"),
        queryset=Region.objects.filter(level__gte=4, is_active=True).order_by("code"),
        required=False,
    )
    text = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    files = MultipleFileField(
        label=_("Evidence (JPEG, PNG or PDF, at most 5 files of 10 MB)"), required=False
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    contact = forms.CharField(label=_("How to reach you (optional)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("village"):
            raise forms.ValidationError(_("Choose the unit or the village concerned."))
        return data


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "0000 0000 0000 0000"}
        ),
    )


class FollowUpForm(ReceiptForm):
    text = forms.CharField(
        label=_("Add information"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    files = MultipleFileField(label=_("More evidence"), required=False)


class AssignForm(forms.Form):
    handling_unit = forms.ModelChoiceField(label=_("Handling unit"), queryset=Unit.objects.none())
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none())
    deadline = forms.DateField(
        label=_("Deadline (empty: the county's working days)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("integrity", "Reason"), max_length=300)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Report.Outcome.choices)
    reply = forms.CharField(label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 4}))


class RectifyForm(forms.Form):
    title = forms.CharField(label=_("Problem to rectify"), max_length=200, required=False)
    owner = forms.ModelChoiceField(label=pgettext_lazy("integrity", "Owner"), queryset=User.objects.none())
    deadline = forms.DateField(
        label=pgettext_lazy("integrity", "Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CampaignForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("integrity", "Title"), max_length=200)
    parent_unit = forms.ModelChoiceField(
        label=pgettext_lazy("integrity", "Unit in charge"), queryset=Unit.objects.none()
    )
    year = forms.IntegerField(label=_("Year of the figures"), min_value=2000, max_value=2100)
    hotline = forms.CharField(label=_("Report hotline"), max_length=50, required=False)
    mailbox = forms.CharField(label=_("Report mailbox"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_unit"].queryset = units if units is not None else Unit.objects.none()
        for phase, label in Campaign.Phase.choices:
            self.fields[f"{phase}_start"] = forms.DateField(
                label=_("%(phase)s from") % {"phase": label},
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields[f"{phase}_end"] = forms.DateField(
                label=_("%(phase)s until") % {"phase": label},
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )


class SignForm(forms.Form):
    head_name = forms.CharField(label=_("Unit head (signature)"), max_length=50)
    signed_on = forms.DateField(
        label=_("Date of signature"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class UploadForm(SignForm):
    file = forms.FileField(label=_("Filled form (.xlsx)"))


class FindingForm(forms.Form):
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    found_by = forms.ChoiceField(label=_("Found by"), choices=Finding.FoundBy.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=18, decimal_places=2)
    aggravating = forms.MultipleChoiceField(
        label=_("Aggravating circumstances"),
        choices=list(rules.AGGRAVATING.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    created_after_previous_campaign = forms.BooleanField(
        label=_("Set up after the previous campaign's self-check"), required=False
    )
    source_of_funds = forms.CharField(label=_("Where the funds came from"), max_length=200, required=False)
    use_of_funds = forms.CharField(label=_("What they were used for"), max_length=200, required=False)


class TransferForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount transferred to the lawful books (yuan)"), max_digits=18, decimal_places=2
    )
    on = forms.DateField(
        label=_("Transferred on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class SelectionForm(forms.Form):
    add = forms.BooleanField(required=False)
    reason = forms.CharField(label=pgettext_lazy("integrity", "Reason"), max_length=300)


class HandlingSettingsForm(forms.Form):
    register_days = forms.IntegerField(
        label=_("Working days to register a report"), min_value=1, max_value=30
    )
    handle_days = forms.IntegerField(label=_("Working days to handle a report"), min_value=1, max_value=180)
