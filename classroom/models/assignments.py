from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.models import SchoolClass, Student, Term


class Audience(models.TextChoices):
    CLASS = "class", _("The whole class")
    GROUP = "group", _("A group of the class")
    STUDENTS = "students", _("Chosen students")


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def for_student(self, student_id: int):
        """The assignments among these that are given to the student (who is on his class's roll: the caller
        limits to his classes): the whole class's, and those naming him among their recipients. The one rule of
        "who is assigned" (docs/classroom.md, "Who is assigned")."""
        return self.filter(Q(audience=Audience.CLASS) | Q(recipients=student_id)).distinct()


class ClassGroup(models.Model):
    """Students of one class the teacher groups to give them work together (a reading group, a make-up group)."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="groups", verbose_name=_("class")
    )
    name = models.CharField(_("name"), max_length=100)
    students = models.ManyToManyField(Student, related_name="class_groups", verbose_name=_("students"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("class group", "group")
        verbose_name_plural = pgettext_lazy("class group", "groups")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["school_class", "name"], name="one_group_name_per_class")]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """Work a teacher gives one class: a lesson, a whole module, or a quiz, between two dates.

    Assigning to several classes makes one row per class, so each class's assignment can be changed or
    withdrawn on its own. A withdrawn assignment stays (with its history) but no longer counts anywhere.
    """

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("class")
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("lesson"),
    )
    module = models.ForeignKey(
        "lessons.ModulePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("module"),
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("quiz"),
    )
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("term"), editable=False
    )
    note = models.TextField(_("note to students"), blank=True)
    # Who is given the work. A group's members are copied into `recipients` when it is assigned, so changing the
    # group later does not change who was given work already; the group is kept to name it.
    # db_default too: rows written without the column (the benchmark's COPY) go to the whole class.
    audience = models.CharField(
        _("given to"), max_length=10, choices=Audience.choices, default=Audience.CLASS, db_default=Audience.CLASS
    )
    group = models.ForeignKey(
        ClassGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("class group", "group"),
    )
    recipients = models.ManyToManyField(
        Student, blank=True, related_name="targeted_assignments", verbose_name=_("students given the work")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(lesson__isnull=False, module__isnull=True, quiz__isnull=True)
                    | Q(lesson__isnull=True, module__isnull=False, quiz__isnull=True)
                    | Q(lesson__isnull=True, module__isnull=True, quiz__isnull=False)
                ),
                name="assignment_one_target",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")), name="assignment_due_after_start"),
        ]
        indexes = [models.Index(fields=["school_class", "withdrawn_at"])]

    def __str__(self):
        return f"{self.target} → {self.school_class_id}"

    @property
    def target(self):
        return self.lesson or self.module or self.quiz

    @property
    def kind(self) -> str:
        if self.lesson_id:
            return "lesson"
        if self.module_id:
            return "module"
        return "quiz"

    @property
    def is_for_whole_class(self) -> bool:
        return self.audience == Audience.CLASS

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def clean(self):
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            raise ValidationError({"due_on": _("The due date is before the start date.")})

    def save(self, *args, **kwargs):
        if self.starts_on and (self.term_id is None or not self.term.starts_on <= self.starts_on <= self.term.ends_on):
            self.term = Term.for_date(self.starts_on)
        super().save(*args, **kwargs)


class LessonProgress(models.Model):
    """What the server saw of one student reading one lesson. `completed_at` is set only by classroom.completion."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("student")
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage", on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson")
    )
    first_opened_at = models.DateTimeField(_("first opened at"))
    last_seen_at = models.DateTimeField(_("last heartbeat at"))
    active_seconds = models.PositiveIntegerField(_("reading time (seconds)"), default=0)
    reached_end_at = models.DateTimeField(_("reached the end at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Who earned the reading time, as far as the server can tell (core.clientid): the device id and the network
    # hash of the latest heartbeat that earned time. Never the address itself.
    device_id = models.CharField(_("device"), max_length=64, blank=True, db_index=True)
    network = models.CharField(_("network"), max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["student", "lesson"], name="one_progress_per_lesson")]

    def __str__(self):
        return f"{self.student_id} · {self.lesson_id}"


class AssignmentLesson(models.Model):
    """A lesson a module assignment holds: the module's lessons when it was assigned, and those the teacher added
    since. A lesson published into the module later is not given to the class until the teacher adds it."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="lesson_links", verbose_name=_("assignment")
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage", on_delete=models.PROTECT, related_name="+", verbose_name=_("lesson")
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson of a module assignment")
        verbose_name_plural = _("lessons of module assignments")
        constraints = [models.UniqueConstraint(fields=["assignment", "lesson"], name="one_link_per_assigned_lesson")]

    def __str__(self):
        return f"{self.assignment_id} · {self.lesson_id}"


class Allowance(models.Model):
    """Extra time or extra attempts one student gets at the quiz of one assignment, with the teacher's reason.

    quizzes reads it through its allowance registry when the student starts an attempt: the extra minutes go
    into that attempt's deadline (stored on the attempt, kept by the server), the extra attempts into the
    attempt limit. Every grant and change is kept in the record history.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="allowances", verbose_name=_("assignment")
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="allowances", verbose_name=_("student"))
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ["assignment", "student"]
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="one_allowance_per_student")]

    def __str__(self):
        return f"{self.assignment_id} · {self.student_id}: +{self.extra_minutes} min, +{self.extra_attempts}"
