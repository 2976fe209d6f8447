import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.sanitize import HtmlField, PlainTextField
from core.uploads import check_upload
from lessons.activities import ActivityType
from people.models import SchoolKind

from .models import COMPOSITE_FIGURES, AccountabilityKind, Plan, PlanActivityType, PlanTask, ResponsibleKind, TaskTarget
from .models.plan import target_counts_teachers
from .planning import activity_choices, requirement_floors, requirement_hints, weaker_requirements

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
    """Name, 优秀线, flagged records and the 总分 weights (one number field per figure, adding up to 100)."""

    class Meta:
        model = Plan
        fields = ["name", "excellent_percent", "count_flagged_records"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        weights = self.instance.weights()
        for key, label in COMPOSITE_FIGURES.items():
            self.fields[f"weight_{key}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=100,
                initial=int(weights.get(key, 0)),
                widget=forms.NumberInput(attrs={"data-weight": key, "data-label": str(label)}),
            )

    def weight_fields(self):
        return [self[f"weight_{key}"] for key in COMPOSITE_FIGURES]

    def other_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean(self):
        cleaned = super().clean()
        names = [f"weight_{key}" for key in COMPOSITE_FIGURES]
        # A post that carries no weight at all (an older form, a script) leaves the weights as they are.
        if any(name in self.data for name in names) and not any(name in self.errors for name in names):
            weights = {key: cleaned.get(f"weight_{key}") or 0 for key in COMPOSITE_FIGURES}
            total = sum(weights.values())
            if total != 100:
                raise ValidationError(
                    _("The weights of the composite score add up to %(total)s; they must add up to 100."),
                    params={"total": total},
                )
            self.instance.composite_weights = {key: value for key, value in weights.items() if value}
        return cleaned


class ActivityTypeForm(forms.ModelForm):
    years_text = forms.CharField(
        label=_("Years of the plan"),
        required=False,
        help_text=_("1 for the plan's first school year; numbers separated by commas; empty for every year."),
    )

    class Meta:
        model = PlanActivityType
        fields = ["label_zh", "label_en", "code"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_code(self):
        code = self.cleaned_data["code"]
        taken = {value for value, _label in activity_choices(self.plan)}
        if code in taken:
            raise ValidationError(_("This plan already has an activity type with this code."))
        return code

    def clean_years_text(self):
        text = (self.cleaned_data.get("years_text") or "").replace("，", ",")
        try:
            years = sorted({int(part) for part in text.split(",") if part.strip()})
        except ValueError as error:
            raise ValidationError(_("Write year numbers separated by commas.")) from error
        if any(year < 1 or year > self.plan.years for year in years):
            raise ValidationError(_("The plan has years 1 to %(years)s."), params={"years": self.plan.years})
        return years

    def save(self, commit=True):
        self.instance.plan = self.plan
        self.instance.year_indexes = self.cleaned_data["years_text"]
        return super().save(commit)


class TaskAddForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["kind", "title"]


class TaskForm(forms.ModelForm):
    grades_text = forms.CharField(
        label=_("Grades"), required=False, help_text=_("Grade numbers 1–12 separated by commas; empty for all.")
    )
    school_kinds = forms.MultipleChoiceField(
        label=_("School types"),
        required=False,
        choices=SchoolKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every school type."),
    )
    activity_types = forms.MultipleChoiceField(
        label=_("Activity types"), required=False, choices=ActivityType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PlanTask
        fields = [
            "title",
            "description",
            "responsible_kind",
            "responsible",
            "evidence_required",
            "school_kinds",
            "hours",
            "hours_period",
            "activity_types",
            "activity_count",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence_required": forms.Textarea(attrs={"rows": 3}),
        }

    # The requirement rule's names (planning.weaker_requirements) → this form's field for each.
    REQUIREMENT_FIELDS = {
        "hours": "hours",
        "grades": "grades_text",
        "school_kinds": "school_kinds",
        "activity_types": "activity_types",
        "activity_count": "activity_count",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grades_text"].initial = ", ".join(str(g) for g in self.instance.grades)
        self.fields["activity_types"].choices = activity_choices(self.instance.plan)
        if self.instance.kind != "activities":
            del self.fields["activity_types"], self.fields["activity_count"]
        if self.instance.kind != "class_hours":
            del self.fields["hours"], self.fields["hours_period"]
        # What the higher level's template asks of an adopted task, named beside each field it holds.
        self.requirement_floor = (
            requirement_floors(self.instance.plan).get(self.instance.pk) if self.instance.adopted_from_id else None
        )
        for name, hint in requirement_hints(self.requirement_floor).items():
            if name in self.fields:
                field = self.fields[name]
                field.help_text = f"{field.help_text} {hint}" if field.help_text else hint

    def clean(self):
        cleaned = super().clean()
        kind, name = cleaned.get("responsible_kind"), (cleaned.get("responsible") or "").strip()
        if kind and kind != ResponsibleKind.SCHOOLS and not name:
            self.add_error("responsible", _("Name the member unit or social organisation."))
        if self.requirement_floor is not None:
            # The task as this post would leave it (a field that failed keeps its stored value, so it passes),
            # against the task as stored: the instance is not yet touched by the form here.
            edited = copy.copy(self.instance)
            for field in ("school_kinds", "hours", "hours_period", "activity_types", "activity_count"):
                if field in cleaned:
                    setattr(edited, field, cleaned[field])
            if "grades_text" in cleaned:
                edited.grades = cleaned["grades_text"]
            for requirement, message in weaker_requirements(edited, self.requirement_floor, self.instance).items():
                field = self.REQUIREMENT_FIELDS[requirement]
                self.add_error(field if field in self.fields else None, message)
        return cleaned

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


class TargetForm(forms.ModelForm):
    """One yearly target. The floor rule is the model's (TaskTarget.clean, run by the form's validation); the form
    names the floor beside the field, from `floors` ((task id, year) → floor) given by the view."""

    def __init__(self, *args, floors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.task_id and target_counts_teachers(self.instance.task.kind):
            self.fields["target"].label = _("Target (teachers per school)")
        floor = (floors or {}).get((self.instance.task_id, self.instance.year_index))
        if floor is not None:
            self.floor = floor
            self.fields["target"].help_text = _("At least %(floor)s%%, the higher level's target.") % {
                "floor": f"{float(floor):g}"
            }


TargetFormSet = forms.inlineformset_factory(
    PlanTask,
    TaskTarget,
    form=TargetForm,
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
