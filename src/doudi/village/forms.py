"""Forms of village supervision: they parse and validate input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Appeal, Candidate, Inquiry, Meeting, OpennessItem, Relation, VillageSetting
from .rules import OFFICES


class OfficialForm(forms.Form):
    term = forms.IntegerField(label=_("Term (first year)"), min_value=2000, max_value=2100)
    name = forms.CharField(label=pgettext_lazy("village", "Name"), max_length=50)
    office = forms.ChoiceField(label=_("Office"), choices=list(OFFICES.items()))
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)


class RelativeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("village", "Name"), max_length=50)
    relation = forms.ChoiceField(label=_("Relation to the official"), choices=Relation.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)


class CommitteeForm(forms.Form):
    term = forms.IntegerField(label=_("Term (first year)"), min_value=2000, max_value=2100)
    term_end = forms.DateField(
        label=pgettext_lazy("village", "Term ends"), widget=forms.DateInput(attrs={"type": "date"})
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=9, initial=3)


class CandidateForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("village", "Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    nomination = forms.ChoiceField(label=_("Nominated as"), choices=Candidate.Nomination.choices)
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    resident = forms.BooleanField(label=_("Lives in the village"), required=False, initial=True)
    fit_to_serve = forms.BooleanField(label=_("Fit to serve"), required=False, initial=True)
    discipline_unexpired = forms.BooleanField(
        label=_("Unexpired party or government discipline"), required=False
    )
    serving_sentence_or_detention = forms.BooleanField(
        label=_("Serving a sentence or detention"), required=False
    )
    cult_or_underground_religion = forms.BooleanField(label=_("Cult or underground religion"), required=False)
    petition_organiser = forms.BooleanField(label=_("Organised unlawful petitions"), required=False)


class VoucherForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    payee = forms.CharField(label=_("Payee"), max_length=100)
    # text, not DecimalField: the rule gives the Chinese message for 3 decimals or a negative amount
    amount = forms.CharField(
        label=_("Amount (yuan)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    category = forms.CharField(label=pgettext_lazy("village", "Category"), max_length=50, required=False)
    scan = forms.FileField(label=_("Scan of the voucher"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file"))


class OpennessForm(forms.Form):
    category = forms.ChoiceField(
        label=pgettext_lazy("village", "Category"), choices=OpennessItem.Category.choices
    )
    title = forms.CharField(label=pgettext_lazy("village", "Title"), max_length=200)
    period = forms.CharField(label=_("Period"), max_length=30, required=False)
    body = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))


def _number(label, required=True, **attrs):
    # text, not IntegerField: the service gives the Chinese message that names the field and the range
    return forms.CharField(
        label=label,
        max_length=6,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, **attrs}),
    )


class SettingForm(forms.Form):
    cycle = forms.CharField(
        label=_("Voucher review cycle"), widget=forms.RadioSelect(choices=VillageSetting.Cycle.choices)
    )
    inquiry_days = _number(_("Working days to answer an inquiry in writing"), max=30)
    appeal_days = _number(_("Working days to handle an appeal"), max=30)


def _date(label):
    # ISO format: a date input shows nothing for any other (the initial value would be lost)
    return forms.DateField(label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class MeetingForm(forms.Form):
    held_on = _date(_("Meeting date"))
    kind = forms.ChoiceField(label=pgettext_lazy("village", "Kind"), choices=Meeting.Kind.choices)
    guests = forms.CharField(label=_("Also attending"), max_length=200, required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class MotionForm(forms.Form):
    title = forms.CharField(label=_("Motion"), max_length=200)
    yes = _number(_("In favour"))
    no = _number(_("Against"), required=False)
    abstain = _number(_("Abstaining"), required=False)


class InquiryForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("village", "Kind"), choices=Inquiry.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    question = forms.CharField(
        label=pgettext_lazy("village", "Question"), widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Written answer"), widget=forms.Textarea(attrs={"rows": 4}))


class EvaluationForm(forms.Form):
    year = _number(_("Year"), min=2000)
    held_on = _date(_("Evaluation date"))
    representatives_total = _number(_("Representatives in total"), min=1)
    participants = _number(_("Representatives who rated"), min=1)


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("The problem"), choices=Appeal.Kind.choices)
    occurred_on = _date(_("Date it happened"))
    description = forms.CharField(label=_("Describe what happened"), widget=forms.Textarea(attrs={"rows": 5}))


class AppealHandleForm(forms.Form):
    response = forms.CharField(label=_("How it was handled"), widget=forms.Textarea(attrs={"rows": 4}))
