from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from people.grades import GRADE_BAND_CHOICES

from .models import Category

FORMAT_CHOICES = [
    ("", _("Recognise from the file")),
    ("gift", "GIFT"),
    ("aiken", "Aiken"),
    ("table", _("XLSX/CSV template")),
]


class QuestionAdminForm(WagtailAdminModelForm):
    """Grade bands are a JSON list in the database and checkboxes in the editor."""

    grade_bands = forms.MultipleChoiceField(
        label=_("grade bands"), choices=GRADE_BAND_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )


class ImportForm(forms.Form):
    # allow_empty_file: the upload inspector refuses an empty file with a message that names it.
    file = forms.FileField(
        label=_("Question file"),
        help_text=_("GIFT (.gift or .txt), Aiken (.txt), XLSX or CSV."),
        allow_empty_file=True,
    )
    format = forms.ChoiceField(label=pgettext_lazy("file format", "Format"), choices=FORMAT_CHOICES, required=False)
    category = forms.ModelChoiceField(
        label=_("Put every question in this category"),
        queryset=Category.objects.all(),
        required=False,
        help_text=_("Leave empty to use the categories named in the file."),
    )


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False, widget=forms.HiddenInput)
    skip_unsupported = forms.BooleanField(
        label=_("Import the supported questions and leave out the unsupported ones listed above"), required=False
    )
    publish = forms.BooleanField(label=_("Publish at once (reviewers only)"), required=False)
