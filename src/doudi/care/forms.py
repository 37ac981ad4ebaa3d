"""Forms of the monthly care loop; phone-friendly (one column, big touch targets, camera input)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.registry.models import Institution

from .models import CareSetting
from .rules import Aspect, NetworkRole, PlacementKind, ServiceKind

PHOTO = {"accept": "image/*", "capture": "environment"}


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _date(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class VisitForm(forms.Form):
    """The six aspects, each 正常 / 有问题 with a note; free text, photos, location."""

    visited_on = forms.DateField(label=_("Visited on"), widget=_date())
    notes = forms.CharField(
        label=_("What you saw and did"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write what you actually saw; notes copied from other visits are flagged."),
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)

    CHOICES = [("ok", _("Normal")), ("problem", pgettext_lazy("visit aspect", "Problem"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.aspect_keys = []
        for key, label in Aspect.choices:
            self.fields[f"{key}_state"] = forms.ChoiceField(
                label=label, choices=self.CHOICES, widget=forms.RadioSelect, required=False
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Note"), required=False, max_length=300, widget=forms.TextInput()
            )
            self.aspect_keys.append(key)
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())

    def aspect_fields(self):
        for key, label in Aspect.choices:
            yield {"key": key, "label": label, "state": self[f"{key}_state"], "note": self[f"{key}_note"]}

    def aspects(self) -> dict:
        d = self.cleaned_data
        out = {}
        for key in self.aspect_keys:
            state = d.get(f"{key}_state")
            out[key] = {"ok": None if not state else state == "ok", "note": d.get(f"{key}_note", "")}
        return out


class PlacementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Placement"), choices=PlacementKind.choices)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), required=False
    )
    started_on = forms.DateField(label=_("Since"), widget=_date())
    guardian_consent = forms.BooleanField(label=_("The guardian consented"), required=False)
    consent_note = forms.CharField(
        label=_("How the consent was given"),
        required=False,
        help_text=_("Required for a mental-health institution, e.g. written consent signed on 2026-03-02."),
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is not None:
            self.fields["institution"].queryset = institutions


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=NetworkRole.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"}))
    user = forms.ModelChoiceField(label=_("Account (for cadres)"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class InstitutionForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Institution.Kind.choices)
    beds = forms.IntegerField(label=_("Beds"), min_value=0)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    phone = forms.CharField(label=_("Phone"), required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class ProviderForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    contact = forms.CharField(label=_("Contact person"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class StaffForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Provider staff account"), queryset=None)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=50)
    region = forms.ModelChoiceField(label=_("Area served"), queryset=None)
    start_on = forms.DateField(label=_("Starts"), widget=_date())
    end_on = forms.DateField(label=_("Ends"), widget=_date())

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class BudgetForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    monthly_amount = forms.DecimalField(
        label=_("Monthly budget (yuan)"), max_digits=8, decimal_places=2, initial=100
    )

    def __init__(self, *args, persons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class OrderForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    month = forms.DateField(label=_("Month"), widget=_date(), help_text=_("Any day of the month."))
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    times = forms.IntegerField(label=_("Times"), min_value=1, initial=4)
    unit_price = forms.DecimalField(
        label=_("Price per time (yuan)"), max_digits=8, decimal_places=2, initial=25
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, persons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class DeliveryForm(forms.Form):
    delivered_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=300)
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(attrs=PHOTO))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("delivered_at", timezone.localtime().replace(second=0, microsecond=0))


class BatchForm(forms.Form):
    name = forms.CharField(label=_("Batch name"), max_length=100)
    items = forms.CharField(
        label=_("Items"), help_text=_("Separate items with commas, e.g. 棉被，棉衣，煤，火炉.")
    )
    planned_on = forms.DateField(label=_("Planned for"), widget=_date())
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    only_home = forms.BooleanField(label=_("Only persons at home"), required=False, initial=True)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def item_list(self):
        import re

        return [i for i in re.split(r"[,，、;；\s]+", self.cleaned_data["items"]) if i]


class HandoverForm(forms.Form):
    delivered_on = forms.DateField(label=_("Handed over on"), widget=_date())
    received_by = forms.CharField(
        label=_("Received by"),
        required=False,
        help_text=_("The person or their guardian, if there is no signature photo."),
    )
    signature = forms.FileField(
        label=_("Signature photo"), required=False, widget=forms.ClearableFileInput(attrs=PHOTO)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("delivered_on", timezone.localdate())


class SettingForm(forms.ModelForm):
    class Meta:
        model = CareSetting
        fields = ["visits_per_month", "visit_due_day", "max_persons_per_carer", "monthly_service_budget"]
