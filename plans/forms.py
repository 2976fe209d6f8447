from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.sanitize import HtmlField, PlainTextField
from core.uploads import check_upload

from .models import AccountabilityKind, Plan, PlanTask, TaskTarget

EVIDENCE_KINDS = {"pdf", "jpeg", "png", "webp", "docx", "xlsx", "pptx"}


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("ledger", "Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CloseForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Required when the item is below its target."),
    )
    confirm_below_target = forms.BooleanField(
        label=_("I confirm closing this item although it is below its target"), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the item is reopened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be rectified"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class AccountabilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=AccountabilityKind.choices)
    deadline = forms.DateField(
        label=_("Rectify by (order to rectify)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.CharField(
        label=_("Minutes (admonitory talk)"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )


class EvidenceForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, photo (JPEG, PNG, WebP), Word, Excel or PowerPoint; up to 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        limit = settings.QINGDUN["MAX_EVIDENCE_FILE_BYTES"]
        data = upload.read(limit + 1)  # one byte past the limit is enough to refuse an oversized file
        kind = check_upload(data, EVIDENCE_KINDS, limit, name=upload.name)
        if kind in {"jpeg", "png", "webp"}:
            from core.uploads import reencode_image

            data = reencode_image(data)
        return (upload.name, data, kind)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not (cleaned.get("note") or "").strip():
            raise ValidationError(_("Write a note or choose a file."))
        return cleaned


class SampleForm(forms.Form):
    percent = forms.IntegerField(label=_("Share of schools (%)"), min_value=1, max_value=100, initial=10)
    minimum = forms.IntegerField(label=_("At least"), min_value=1, max_value=1000, initial=4)
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=10**12,
        help_text=_("Leave empty for a new draw; enter an earlier seed to redraw the same schools."),
    )


class CopyPlanForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("plan", "Name"), max_length=200)
    first_year = forms.IntegerField(
        label=_("First school year"),
        min_value=2000,
        max_value=2100,
        help_text=_("2026 for a plan starting in 2026–2027."),
    )


class PlanSettingsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "excellent_percent", "count_flagged_records"]


class TaskForm(forms.ModelForm):
    grades_text = forms.CharField(
        label=_("Grades"), required=False, help_text=_("Grade numbers 1–12 separated by commas; empty for all.")
    )

    class Meta:
        model = PlanTask
        fields = ["title", "description", "responsible", "hours", "hours_period", "activity_count"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grades_text"].initial = ", ".join(str(g) for g in self.instance.grades)

    def clean_grades_text(self):
        text = (self.cleaned_data.get("grades_text") or "").replace("，", ",")
        try:
            grades = sorted({int(part) for part in text.split(",") if part.strip()})
        except ValueError as error:
            raise ValidationError(_("Write grade numbers separated by commas.")) from error
        if any(g < 1 or g > 12 for g in grades):
            raise ValidationError(_("Grades run from 1 to 12."))
        return grades

    def save(self, commit=True):
        self.instance.grades = self.cleaned_data["grades_text"]
        return super().save(commit)


TargetFormSet = forms.inlineformset_factory(
    PlanTask,
    TaskTarget,
    fields=["year_index", "target", "deadline"],
    widgets={"deadline": forms.DateInput(attrs={"type": "date"})},
    extra=0,
    can_delete=False,
)


class BulletinForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    period_label = PlainTextField(
        label=_("Period covered"), max_length=100, help_text=_("As the document names it, e.g. 2025—2026学年第一学期.")
    )
    body = HtmlField(
        label=_("The bureau's text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Paragraphs, lists, bold and links are kept; anything else is removed."),
    )
