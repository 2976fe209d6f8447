"""Forms of the teacher workspace. Choices are always limited to what the user may touch (classroom.permissions
and people.scope); the views pass the user in."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import LessonPage, ModulePage
from people.models import Instructor, SchoolYear
from people.scope import taught_classes_for
from quizzes.models import Quiz

from . import activity_types
from .integrity import records as plausibility
from .models import Activity, Assignment, ClassHourLog, InstructorKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _current_classes(user):
    return (
        taught_classes_for(user)
        .filter(school_year=SchoolYear.current())
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )


def _add_errors(form, check) -> None:
    """Put the plausibility checks' messages on the fields they name."""
    for name, errors in check.errors.items():
        form.add_error(name if name in form.fields else None, errors)


class ClassChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.school.name} · {obj.name}"


class AssignmentForm(forms.Form):
    """Assign one lesson, module or quiz to one or more classes the teacher teaches (or her grade's)."""

    KIND_CHOICES = [("lesson", _("A lesson")), ("module", _("A whole module")), ("quiz", _("A quiz"))]

    kind = forms.ChoiceField(label=_("What to assign"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    lesson = forms.ModelChoiceField(label=_("Lesson"), queryset=LessonPage.objects.none(), required=False)
    module = forms.ModelChoiceField(label=_("Module"), queryset=ModulePage.objects.none(), required=False)
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=Quiz.objects.none(), required=False)
    classes = ClassChoiceField(label=_("Classes"), queryset=None, widget=forms.CheckboxSelectMultiple)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    note = forms.CharField(
        label=_("Note to students"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Simple formatting only; links and scripts are cleaned."),
    )

    def __init__(self, *args, user, **kwargs):
        initial = kwargs.setdefault("initial", {})
        today = timezone.localdate()
        initial.setdefault("starts_on", today)
        initial.setdefault("due_on", today + datetime.timedelta(days=7))
        initial.setdefault("kind", "lesson")
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = _current_classes(user)
        self.fields["lesson"].queryset = LessonPage.objects.live().order_by("path")
        self.fields["module"].queryset = ModulePage.objects.live().order_by("order", "path")
        self.fields["quiz"].queryset = Quiz.objects.filter(live=True).order_by("title")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Choose what to assign."))
        for other in {"lesson", "module", "quiz"} - {kind}:
            data[other] = None
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date is before the start date."))
        return data


class AssignmentChangeForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["starts_on", "due_on", "note"]
        widgets = {"starts_on": DATE, "due_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date is before the start date."))
        return data


class ClassHourForm(forms.ModelForm):
    """A class hour taught to one class, with its fidelity record."""

    class Meta:
        model = ClassHourLog
        fields = [
            "school_class",
            "lesson",
            "topic",
            "taught_on",
            "class_hours",
            "instructor_kind",
            "instructor",
            "method",
            "students_present",
            "parts_covered",
            "minutes",
            "engagement",
            "note",
        ]
        widgets = {
            "taught_on": DATE,
            "parts_covered": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "engagement": forms.Select(choices=[(n, str(n)) for n in range(1, 6)]),
        }
        help_texts = {
            "instructor": _("For a legal vice-principal or an outside instructor: the school admin keeps the list."),
            "engagement": _("1 = few students took part, 5 = nearly all took part actively."),
            "parts_covered": _("Which parts of the lesson were taught, e.g. 1, 2 and the role play."),
        }

    def __init__(self, *args, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        self.fields["school_class"].queryset = _current_classes(user)
        self.fields["school_class"].label_from_instance = lambda obj: f"{obj.school.name} · {obj.name}"
        self.fields["lesson"].queryset = LessonPage.objects.live().order_by("path")
        self.fields["lesson"].required = False
        # Active people of the roster of the schools she teaches in, and the one already on this record.
        schools = self.fields["school_class"].queryset.values("school")
        roster = Instructor.objects.filter(school__in=schools, active=True)
        if self.instance.instructor_id:
            roster = roster | Instructor.objects.filter(pk=self.instance.instructor_id)
        self.fields["instructor"].queryset = roster.select_related("school").order_by("school__code", "kind", "name")
        self.fields["instructor"].label_from_instance = lambda obj: f"{obj.name}（{obj.get_kind_display()}）"
        if not self.instance.pk:
            self.initial.setdefault("taught_on", self.today)

    @property
    def legacy_name(self) -> str:
        """A name typed before the roster existed: such a record keeps it until someone is chosen."""
        return "" if self.instance.instructor_id else self.instance.instructor_name

    def clean(self):
        data = super().clean()
        if not data.get("lesson") and not (data.get("topic") or "").strip():
            self.add_error("topic", _("Choose a lesson or write the topic taught."))
        kind, instructor, school_class = data.get("instructor_kind"), data.get("instructor"), data.get("school_class")
        if kind and kind != InstructorKind.TEACHER:
            if instructor is None and not self.legacy_name:
                self.add_error("instructor", _("Choose the instructor from the school's list."))
            elif instructor is not None and instructor.kind != kind:
                self.add_error("instructor", _("This person is listed as another kind of instructor."))
            elif instructor is not None and school_class is not None and instructor.school_id != school_class.school_id:
                self.add_error("instructor", _("This person is on another school's list."))
        check = plausibility.check_class_hour_values(
            school_class=data.get("school_class"),
            taught_on=data.get("taught_on"),
            class_hours=data.get("class_hours"),
            students_present=data.get("students_present"),
            exclude_pk=self.instance.pk,
            today=self.today,
        )
        _add_errors(self, check)
        return data

    def save(self, commit=True):
        log = super().save(commit=False)
        if log.instructor_kind == InstructorKind.TEACHER:
            log.teacher = log.teacher or self.user
            log.instructor = None
            log.instructor_name = ""
        else:
            log.teacher = None
            if log.instructor is not None:
                # Kept with the record, so it still reads right if the roster entry is later deleted.
                log.instructor_name = log.instructor.name
        return log


class ActivityForm(forms.ModelForm):
    """A 五个一 activity for one school; classes are optional and limited to the user's own classes."""

    classes = ClassChoiceField(
        label=_("Classes that took part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a school-wide activity."),
    )

    class Meta:
        model = Activity
        fields = ["school", "type", "title", "held_on", "grade", "participants", "quiz", "description"]
        widgets = {"held_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "participants": _(
                "Number of students who took part. Counted by the platform when a contest quiz is linked."
            ),
            "quiz": _("For a knowledge quiz held on the platform: participation is then counted, not typed."),
            "grade": _("Optional: the grade the activity was for."),
        }

    def __init__(self, *args, user, schools, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["school"].queryset = schools
        if schools.count() == 1 and not self.instance.pk:
            self.initial.setdefault("school", schools.first())
        day = self.instance.held_on or self.today
        school = self.instance.school if self.instance.school_id else schools.first()
        self.fields["type"] = forms.ChoiceField(
            label=_("Activity type"), choices=activity_types.choices_for(school, day)
        )
        self.fields["quiz"].queryset = Quiz.objects.filter(live=True, kind="contest").order_by("title")
        self.fields["quiz"].required = False
        self.fields["participants"].required = False
        self.fields["classes"].queryset = _current_classes(user)
        if self.instance.pk:
            self.initial.setdefault("classes", list(self.instance.classes.all()))
        if not self.instance.pk:
            self.initial.setdefault("held_on", self.today)

    def clean(self):
        data = super().clean()
        school = data.get("school")
        classes = data.get("classes") or []
        if school and any(c.school_id != school.pk for c in classes):
            self.add_error("classes", _("Choose classes of the activity's school."))
        if data.get("type") == "quiz" and data.get("quiz") is None and not data.get("participants"):
            self.add_error("participants", _("Link the contest quiz or give the number of participants."))
        if data.get("participants") is None:
            data["participants"] = 0
        if school and "classes" not in self.errors:
            check = plausibility.check_activity_values(
                school=school,
                held_on=data.get("held_on"),
                grade=data.get("grade"),
                class_counts=self.class_counts(),
                participants=data["participants"],
                counted=data.get("quiz") is not None,
                today=self.today,
            )
            _add_errors(self, check)
        return data

    def class_counts(self) -> dict:
        """Each chosen class with its number of students on the roll the day it was held (the class's
        participants default to its size)."""
        classes = list(self.cleaned_data.get("classes") or [])
        day = self.cleaned_data.get("held_on") or self.today
        sizes = plausibility.enrolled(classes, day) if classes else {}
        return {c: sizes[c.pk] for c in classes}


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label=_("Evidence files"),
        help_text=_(
            "Photos (JPEG, PNG, WebP) and PDF, Word, PowerPoint or Excel files. Location data is removed from photos."
        ),
    )


class StudentWorkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("File"), help_text=_("A photo of the work, or a PDF, Word or PowerPoint file."))
    activity = forms.ModelChoiceField(label=_("Works collection"), queryset=Activity.objects.none(), required=False)
    student = forms.ModelChoiceField(label=_("Student"), queryset=None, required=False)

    def __init__(self, *args, activities, students=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        if students is None:
            del self.fields["student"]
        else:
            self.fields["student"].queryset = students
            self.fields["student"].required = True
            self.fields["student"].label_from_instance = lambda s: f"{s.user.full_name} ({s.student_number})"
