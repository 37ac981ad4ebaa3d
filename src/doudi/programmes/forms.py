from pathlib import Path

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Evaluation

DATA = Path(__file__).parent / "data"


def shipped_plans() -> list[tuple[str, str]]:
    """The plan files shipped with doudi (data/*.toml): (file name, title)."""
    import tomllib

    out = []
    for path in sorted(p for p in DATA.glob("*.toml") if not p.name.startswith("ledger-")):
        head = tomllib.loads(path.read_text(encoding="utf-8")).get("plan", {})
        out.append((path.name, head.get("title", path.stem)))
    return out


class ImportForm(forms.Form):
    shipped = forms.ChoiceField(label=_("Shipped plan"), required=False)
    file = forms.FileField(label=_("Or a plan file (.toml)"), required=False)
    region = forms.ChoiceField(label=_("Runs in"))
    year = forms.IntegerField(label=_("Year (the document's “20xx”)"), min_value=2000, max_value=2100)
    create_missing_units = forms.BooleanField(
        label=_("Create the units the plan names that do not exist yet (as departments of the county)"),
        required=False,
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipped"].choices = [("", "—")] + shipped_plans()
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if not data.get("shipped") and not data.get("file"):
            raise forms.ValidationError(_("Choose a shipped plan or upload a plan file."))
        return data

    def text(self) -> str:
        if self.cleaned_data.get("file"):
            return self.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
        names = {n for n, _t in shipped_plans()}
        name = self.cleaned_data["shipped"]
        if name not in names:
            raise forms.ValidationError(_("Choose a shipped plan or upload a plan file."))
        return (DATA / name).read_text(encoding="utf-8")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a report's photos); the service checks each one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


ATTACHMENT_TYPES = "image/jpeg,image/png,application/pdf,.docx,.xlsx"


class ReportForm(forms.Form):
    who = forms.ChoiceField(label=_("Reporting for"))
    period = forms.ChoiceField(label=pgettext_lazy("programmes", "Period"))
    text = forms.CharField(
        label=pgettext_lazy("programmes", "Progress"), widget=forms.Textarea(attrs={"rows": 5})
    )
    files = MultipleFileField(
        label=_("Photos and documents"),
        required=False,
        help_text=_("JPEG or PNG photos, PDF, Word or Excel files; at most 5, each up to 10 MB."),
    )

    def __init__(self, *args, who=(), periods=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = list(who)
        self.fields["period"].choices = [(d.period, f"{d.period}（{d.due:%Y-%m-%d}）") for d in periods]
        self.targets = list(targets)
        for t in self.targets:
            self.fields[f"t{t.pk}"] = forms.DecimalField(
                label=f"{t.metric}（{t.measure}）", required=False, max_digits=16, decimal_places=4
            )

    def values(self):
        return {
            t.pk: self.cleaned_data[f"t{t.pk}"]
            for t in self.targets
            if self.cleaned_data.get(f"t{t.pk}") is not None
        }


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("programmes", "Kind"), choices=Evaluation.Kind.choices)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_value=100, decimal_places=1)
    evaluator = forms.CharField(label=_("Evaluator"), max_length=100)
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evaluated_on = forms.DateField(
        label=pgettext_lazy("programmes", "Evaluated on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=pgettext_lazy("programmes", "Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def shipped_ledgers() -> list[tuple[str, str]]:
    import tomllib

    return [
        (p.name, tomllib.loads(p.read_text(encoding="utf-8"))["ledger"]["name"])
        for p in sorted(DATA.glob("ledger-*.toml"))
    ]


class LedgerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("programmes", "Name"), max_length=100)
    filled_by = forms.ChoiceField(label=_("Filled by"))
    due = forms.DateField(
        label=pgettext_lazy("programmes", "Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    columns = forms.CharField(
        label=_("Columns"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One column a line: name; type; 必填; unit of measure; choice1/choice2; minimum; maximum; pattern. "
            "Types: text, integer, decimal, date, choice, yesno, region, unit, person, attachment."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import LedgerTemplate

        self.fields["filled_by"].choices = LedgerTemplate.FilledBy.choices

    def clean_columns(self):
        from .ledgers import columns_from_lines

        try:
            return columns_from_lines(self.cleaned_data["columns"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled template (.xlsx)"))
    files = forms.FileField(
        label=_("Attached files (.zip)"),
        required=False,
        help_text=_(
            "Optional: one .zip of the files, and in each row's attachment column the name of its file"
            " in the zip (for example 照片1.jpg). Every file named must be in the zip, and every file in"
            " the zip named by a row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, attachments: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not attachments:  # a ledger without an attachment column takes no files
            del self.fields["files"]


class ShippedLedgerForm(forms.Form):
    shipped = forms.ChoiceField(label=_("Shipped ledger"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipped"].choices = shipped_ledgers()


PLAN_XLSX_MAX_BYTES = 5 * 1024 * 1024


class PlanXlsxForm(forms.Form):
    """The plan workbook's upload (planxlsx.py); the confirmation names the kept upload instead."""

    file = forms.FileField(label=_("Plan workbook (.xlsx)"), required=False)
    region = forms.ChoiceField(label=_("Runs in"))
    year = forms.IntegerField(label=_("Year (the document's “20xx”)"), min_value=2000, max_value=2100)
    create_missing_units = forms.BooleanField(
        label=_("Create the units the plan names that do not exist yet (as departments of the county)"),
        required=False,
    )
    upload = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f is None:
            return f
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the plan as an Excel workbook (.xlsx)."))
        if f.size > PLAN_XLSX_MAX_BYTES:
            raise forms.ValidationError(_("The workbook is larger than 5 MB."))
        return f

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("upload") and not self.errors:
            raise forms.ValidationError(_("Choose the plan workbook (.xlsx) to upload."))
        return data


class TaskEditForm(forms.Form):
    """A task after import: its deadline, units and townships (the targets are TargetFormSet)."""

    deadline = forms.DateField(
        label=pgettext_lazy("programmes", "Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    lead = forms.ModelMultipleChoiceField(label=_("Lead unit"), queryset=None, required=False)
    responsible = forms.ModelMultipleChoiceField(label=_("Responsible unit"), queryset=None, required=False)
    cooperating = forms.ModelMultipleChoiceField(label=_("Cooperating unit"), queryset=None, required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("Responsible townships"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, units=None, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead", "responsible", "cooperating"):
            self.fields[name].queryset = units
            self.fields[name].widget.attrs["size"] = 6
        self.fields["regions"].queryset = townships


class TargetForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    metric = forms.CharField(label=_("Metric"), max_length=100, required=False)
    measure = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=16, decimal_places=4)
    value = forms.DecimalField(label=_("Target value"), required=False, max_digits=16, decimal_places=4)
    by = forms.DateField(
        label=pgettext_lazy("programmes", "By"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    per_region = forms.BooleanField(label=_("Reported per township"), required=False)


TargetFormSet = forms.formset_factory(TargetForm, extra=1, can_delete=True, max_num=30)
