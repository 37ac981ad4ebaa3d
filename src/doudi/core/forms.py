from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import selectors, unit_selectors
from .models import Unit
from .roles import Role


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented by depth, with the region when it differs from the parent's."""

    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}（{obj.region.name}）"


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("Use letters, digits, dots, dashes or underscores.")},
    )
    name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    region = RegionChoiceField(label=_("Region"), queryset=None)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        help_text=_("Optional. Staff of a unit see only their unit and its subordinate units."),
    )
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput(render_value=False), min_length=8
    )

    def __init__(self, *args, admin, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.regions_assignable(admin).filter(level__lte=5)
        self.fields["unit"].queryset = unit_selectors.units_assignable(admin)
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, min_length=8)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("User"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object ID"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class UnitForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=100)
    kind = forms.ChoiceField(label=pgettext_lazy("organisation units", "Kind"), choices=Unit.Kind.choices)
    parent = UnitChoiceField(
        label=_("Unit in charge"),
        queryset=None,
        required=False,
        help_text=_(
            "The department in charge or the higher unit (主管部门 / 上级机构); empty for a top-level unit."
        ),
    )
    region = RegionChoiceField(label=_("Region"), queryset=None, help_text=_("Where the unit sits."))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    is_active = forms.BooleanField(label=pgettext_lazy("valid", "In use"), required=False, initial=True)

    def __init__(self, *args, user, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = unit_selectors.unit_parent_choices(user, unit)
        self.fields["region"].queryset = unit_selectors.unit_regions(user)
        if unit is None:
            del self.fields["is_active"]

    def clean_credit_code(self):
        from .unit_services import credit_code_problem

        code = self.cleaned_data["credit_code"].strip().upper()
        if code and (problem := credit_code_problem(code)):
            raise forms.ValidationError(problem)
        return code


class UnitFiguresForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    total_assets = forms.DecimalField(
        label=_("Total assets (yuan)"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    main_revenue = forms.DecimalField(
        label=_("Main revenue (yuan)"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    branches = forms.IntegerField(label=_("Branches and outlets"), min_value=0, initial=0)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("organisation", "Name"), required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("organisation units", "Kind"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", pgettext_lazy("valid", "In use")), ("0", _("Abolished or merged"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + list(Unit.Kind.choices)
        areas = unit_selectors.unit_regions(user).filter(level__lte=4)
        self.fields["region"].choices = [("", _("Whole area"))] + [(r.code, r.name) for r in areas]
