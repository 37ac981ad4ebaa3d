from django import forms
from django.utils.translation import gettext_lazy as _


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
