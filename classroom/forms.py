"""Forms of the teacher workspace. Choices are always limited to what the user may touch (classroom.permissions
and people.scope); the views pass the user in."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lessons.models import LessonPage, ModulePage
from people import membership
from people.models import Instructor, SchoolClass, SchoolYear, Student
from people.scope import taught_classes_for
from quizzes.models import Quiz

from . import activity_types, services
from .integrity import records as plausibility
from .models import Activity, Assignment, Audience, ClassGroup, ClassHourLog, InstructorKind, TeachingMethod

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


class StudentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.full_name} ({obj.student_number})"


class OneStudentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.full_name} ({obj.student_number})"


class AssignmentForm(forms.Form):
    """Assign one lesson, module or quiz to one or more classes the teacher teaches (or her grade's), or to a
    group or chosen students of one class. A lesson brings its quiz: one task."""

    KIND_CHOICES = [("lesson", _("A lesson")), ("module", _("A whole module")), ("quiz", _("A quiz"))]

    kind = forms.ChoiceField(label=_("What to assign"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    lesson = forms.ModelChoiceField(
        label=_("Lesson"),
        queryset=LessonPage.objects.none(),
        required=False,
        help_text=_("A lesson with a quiz is one task: students read it, then take its quiz."),
    )
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=ModulePage.objects.none(),
        required=False,
        help_text=_("The assignment keeps the module's lessons of today; lessons added later are offered to you."),
    )
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=Quiz.objects.none(), required=False)
    classes = ClassChoiceField(label=_("Classes"), queryset=None, widget=forms.CheckboxSelectMultiple)
    audience = forms.ChoiceField(
        label=_("Given to"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.CLASS,
        required=False,  # a post without it (an older page) gives the work to the whole class
    )
    group = forms.ModelChoiceField(
        label=pgettext_lazy("class group", "Group"), queryset=ClassGroup.objects.none(), required=False
    )
    students = StudentChoiceField(
        label=_("Students"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The students of the class chosen above."),
    )
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
        initial.setdefault("audience", Audience.CLASS)
        super().__init__(*args, **kwargs)
        classes = _current_classes(user)
        self.fields["classes"].queryset = classes
        self.fields["lesson"].queryset = LessonPage.objects.live().order_by("path")
        self.fields["module"].queryset = ModulePage.objects.live().order_by("order", "path")
        self.fields["quiz"].queryset = Quiz.objects.filter(live=True).order_by("title")
        self.fields["group"].queryset = ClassGroup.objects.filter(school_class__in=classes).select_related(
            "school_class"
        )
        self.fields["group"].label_from_instance = lambda g: f"{g.school_class.name} · {g.name}"
        # The chosen students come from one class: the one the page was opened for, or the one posted.
        chosen = self.data.getlist("classes") if self.is_bound else initial.get("classes", [])
        chosen = [int(pk) for pk in chosen if str(pk).isdigit()]
        self.roster_class = classes.filter(pk=chosen[0]).first() if len(chosen) == 1 else None
        students = Student.objects.none()
        if self.roster_class is not None:
            students = membership.students_on_roll(self.roster_class).select_related("user")
        self.fields["students"].queryset = students

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Choose what to assign."))
        for other in {"lesson", "module", "quiz"} - {kind}:
            data[other] = None
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date is before the start date."))
        audience = data["audience"] = data.get("audience") or Audience.CLASS
        classes = list(data.get("classes") or [])
        if audience and audience != Audience.CLASS and len(classes) > 1:
            self.add_error("classes", _("Choose one class to give work to a group or to chosen students."))
        if audience == Audience.GROUP:
            group = data.get("group")
            if group is None:
                self.add_error("group", _("Choose the group."))
            elif classes and group.school_class_id != classes[0].pk:
                self.add_error("group", _("Choose a group of the class."))
        elif audience == Audience.STUDENTS and not data.get("students") and "classes" not in self.errors:
            self.add_error("students", _("Choose at least one student."))
        if not self.errors and classes and data.get(kind):
            group = data.get("group") if audience == Audience.GROUP else None
            student_ids = None
            if audience == Audience.GROUP and group is not None:
                student_ids = list(group.students.values_list("pk", flat=True))
            elif audience == Audience.STUDENTS:
                student_ids = [s.pk for s in data["students"]]
            for school_class in classes:
                for problem in services.duplicates(
                    school_class,
                    lesson=data.get("lesson"),
                    module=data.get("module"),
                    quiz=data.get("quiz"),
                    student_ids=student_ids,
                ):
                    self.add_error(kind, problem)
        return data


class GroupForm(forms.ModelForm):
    """A group of one class: a name and students on its roll."""

    students = StudentChoiceField(label=_("Students"), queryset=None, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ClassGroup
        fields = ["name", "students"]

    def __init__(self, *args, school_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school_class = school_class
        self.fields["students"].queryset = membership.students_on_roll(school_class).select_related("user")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = ClassGroup.objects.filter(school_class=self.instance.school_class, name=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("The class already has a group of this name."))
        return name


class AllowanceForm(forms.Form):
    """Extra time or an extra attempt for one student at an assignment's quiz, with the reason."""

    student = OneStudentField(label=_("Student"), queryset=None)
    extra_minutes = forms.IntegerField(
        label=_("Extra minutes"),
        min_value=0,
        max_value=240,
        initial=0,
        help_text=_("Added to the quiz's time limit for each attempt this student starts from now on."),
    )
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), min_value=0, max_value=5, initial=0)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Kept in the assignment's history, e.g. “was ill on the day”. Zero and zero take it back."),
    )

    def __init__(self, *args, students, quiz, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        self.fields["student"].queryset = students
        if not quiz.time_limit_minutes:
            self.fields["extra_minutes"].help_text = _("This quiz has no time limit: extra minutes change nothing.")
        if not quiz.attempts_allowed:
            self.fields["extra_attempts"].help_text = _("This quiz allows any number of attempts.")

    def clean(self):
        data = super().clean()
        if data.get("extra_minutes") and not self.quiz.time_limit_minutes:
            self.add_error("extra_minutes", _("This quiz has no time limit: there is no time to add."))
        if data.get("extra_attempts") and not self.quiz.attempts_allowed:
            self.add_error("extra_attempts", _("This quiz allows any number of attempts already."))
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
    """A class hour taught to one class, with its fidelity record and the files the bureau inspects with it."""

    files = MultipleFileField(
        label=_("Lesson plan, sign-in sheet and other files"),
        required=False,
        help_text=_(
            "For example the lesson plan (教案) and a photo of the sign-in sheet (签到表). Photos (JPEG, PNG, WebP) "
            "and PDF, Word, PowerPoint or Excel files. Location data is removed from photos."
        ),
    )

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

    def __init__(self, *args, user, today=None, classes=None, **kwargs):
        """`classes`: the classes a log may be for, when the caller is not `user` alone (an API key: people.scope's
        api_writable_classes); by default those `user` teaches this year."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        self.fields["school_class"].queryset = _current_classes(user) if classes is None else classes
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


EVIDENCE_HELP = _(
    "Photos (JPEG, PNG, WebP) and PDF, Word, PowerPoint or Excel files. Location data is removed from photos."
)


class ActivityForm(forms.ModelForm):
    """A 五个一 activity for one school; classes are optional and limited to the user's own classes. Its evidence
    can come with it (`files`), so the teacher records the activity and its 台账 on one screen."""

    classes = ClassChoiceField(
        label=_("Classes that took part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a school-wide activity."),
    )
    files = MultipleFileField(label=_("Evidence files"), required=False, help_text=EVIDENCE_HELP)

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

    def __init__(self, *args, user, schools, today=None, classes=None, **kwargs):
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
        self.fields["classes"].queryset = _current_classes(user) if classes is None else classes
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
    files = MultipleFileField(label=_("Evidence files"), help_text=EVIDENCE_HELP)


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


class ClassHourFilterForm(forms.Form):
    """The class-hour list's filter (GET): a class, a date range, a method. Classes are those the user sees."""

    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none(), required=False)
    taught_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=DATE)
    taught_until = forms.DateField(label=_("Until"), required=False, widget=DATE)
    method = forms.ChoiceField(
        label=pgettext_lazy("class hour", "Method"),
        required=False,
        choices=[("", _("Any method"))] + list(TeachingMethod.choices),
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].empty_label = _("All classes")
        self.fields["school_class"].label_from_instance = lambda obj: f"{obj.school.name} · {obj.name}"

    def clean(self):
        data = super().clean()
        if data.get("taught_from") and data.get("taught_until") and data["taught_until"] < data["taught_from"]:
            self.add_error("taught_until", _("The end of the range is before its start."))
        return data

    def apply(self, logs):
        """The logs that match; an invalid filter matches what its valid fields say."""
        data = self.cleaned_data if self.is_valid() else {k: v for k, v in self.cleaned_data.items() if v}
        if data.get("school_class"):
            logs = logs.filter(school_class=data["school_class"])
        if data.get("taught_from"):
            logs = logs.filter(taught_on__gte=data["taught_from"])
        if data.get("taught_until"):
            logs = logs.filter(taught_on__lte=data["taught_until"])
        if data.get("method"):
            logs = logs.filter(method=data["method"])
        return logs
