"""Forms only collect and type the input; the services validate it (a ModelForm would also run
the model's unique check and answer a duplicate ID number by naming a person the user may not
see). Phone-friendly: native date pickers, a telephone keypad for the phone, no autocorrect on
the ID number."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import selectors
from .models import Category, Person, PersonStatus, Placement, field_label

FORM_FIELDS = [
    "name",
    "id_number",
    "phone",
    "village",
    "address",
    "marital_status",
    "disability_kind",
    "disability_grade",
    "disability_certificate",
    "civil_capacity",
    "civil_capacity_basis",
    "placement",
    "status",
    "applied_on",
    "supported_since",
    "terminated_on",
    "notes",
]

FIELDSETS = [
    (_("Identity"), ["name", "id_number", "phone", "village", "address", "marital_status"]),
    (
        _("Disability and civil capacity"),
        [
            "disability_kind",
            "disability_grade",
            "disability_certificate",
            "civil_capacity",
            "civil_capacity_basis",
        ],
    ),
    (_("Support"), ["placement", "status", "applied_on", "supported_since", "terminated_on", "notes"]),
]

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.Form):
    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(
            Person,
            fields=[f for f in FORM_FIELDS if f not in ("id_number", "village")],
            widgets={
                "applied_on": _DATE,
                "supported_since": _DATE,
                "terminated_on": _DATE,
                "notes": forms.Textarea(attrs={"rows": 3}),
            },
        )
        villages = selectors.villages_for_entry(user, person.village if person else None)
        groups: dict[str, list] = {}
        for v in villages:
            groups.setdefault(v.parent.name if v.parent else "", []).append((v.code, v.name))
        self._villages = {v.code: v for v in villages}
        for name in FORM_FIELDS:
            if name == "id_number":
                self.fields[name] = forms.CharField(
                    label=Person._meta.get_field("id_number").verbose_name,
                    max_length=30,
                    help_text=_("18 characters. Birth date and sex are taken from it."),
                    widget=forms.TextInput(
                        attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
                    ),
                )
            elif name == "village":
                choices = [("", "---------")]
                if len(groups) == 1:
                    choices += next(iter(groups.values()))
                else:
                    choices += [(township, options) for township, options in groups.items()]
                self.fields[name] = forms.ChoiceField(
                    label=Person._meta.get_field("village").verbose_name, choices=choices
                )
            else:
                self.fields[name] = model_fields[name]
        self.fields["name"].label = field_label("name")
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        if person is not None:
            self.initial = {f: getattr(person, f) for f in FORM_FIELDS if f != "village"}
            self.initial["village"] = person.village_id

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]

    def clean_village(self):
        return self._villages.get(self.cleaned_data["village"])

    def clean_disability_grade(self):
        value = self.cleaned_data.get("disability_grade")
        return int(value) if value not in (None, "") else None


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(
            attrs={
                "placeholder": _("Name, pinyin (zs), last digits of the ID number, or village"),
                "autocomplete": "off",
            }
        ),
    )
    region = forms.ChoiceField(label=_("Township or village"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + PersonStatus.choices
    )
    placement = forms.ChoiceField(
        label=_("Placement"), required=False, choices=[("", _("All"))] + Placement.choices
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("person category", "Category"),
        required=False,
        choices=[("", _("All"))] + Category.choices,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All"))]
        for r in selectors.person_regions(user):
            indent = "\u3000" if r.level == 5 else ""
            choices.append((r.code, f"{indent}{r.name}"))
        self.fields["region"].choices = choices
