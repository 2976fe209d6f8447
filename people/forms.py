from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import imports


class SignInForm(AuthenticationForm):
    """One sign-in form for everyone. The error never says whether the name exists (no user enumeration)."""

    error_messages = {
        "invalid_login": _(
            "The sign-in name or password is not right. Students sign in with their school code, a hyphen and "
            "their student number, for example 330101-20260001."
        ),
        "inactive": _(
            "The sign-in name or password is not right. Students sign in with their school code, a hyphen and "
            "their student number, for example 330101-20260001."
        ),
    }

    username = forms.CharField(
        label=_("Sign-in name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self):
        # Full-width characters typed on a Chinese keyboard are the same name.
        import unicodedata

        return unicodedata.normalize("NFKC", self.cleaned_data["username"]).strip()


class RosterUploadForm(forms.Form):
    # allow_empty_file: the upload inspector refuses an empty file with a message that names it.
    file = forms.FileField(
        allow_empty_file=True,
        label=_("Roster file"),
        help_text=_(
            "CSV (UTF-8 or GBK) or XLSX. Columns: 姓名, 学号, 性别 (optional), 年级, 班级 — or Name, Student "
            "number, Gender, Grade, Class."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.QINGDUN["MAX_IMPORT_BYTES"]
        # Reading one byte past the limit is enough for the upload inspector to refuse an oversized file.
        data = upload.read(limit + 1)
        imports.check_file(data, upload.name)
        self.cleaned_data["data"] = data
        return upload


class TeacherUploadForm(RosterUploadForm):
    file = forms.FileField(
        allow_empty_file=True,
        label=_("Teacher list"),
        help_text=_(
            "CSV (UTF-8 or GBK) or XLSX. Columns: 姓名, 工号, 任教班级 (for example 初一1班;初一2班 or 7-1,7-2), "
            "班主任 (optional), 年级组长 (optional) — or Name, Staff number, Classes, Head teacher class, "
            "Grade leader grade."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class TeacherClassesForm(forms.Form):
    """Which of this year's classes a teacher teaches, and which of them she is head teacher (班主任) of."""

    classes = forms.ModelMultipleChoiceField(
        label=_("Classes taught"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    head_of = forms.ModelChoiceField(
        label=_("Head teacher of"),
        queryset=None,
        required=False,
        empty_label=_("(none)"),
        help_text=_("A class has one head teacher: choosing it here takes the role from anyone else."),
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = classes
        self.fields["head_of"].queryset = classes
        self.fields["classes"].label_from_instance = lambda c: c.name
        self.fields["head_of"].label_from_instance = lambda c: c.name
