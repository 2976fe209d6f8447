from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import SchoolClass, Term

from .files import StoredFile
from .storage import private_storage


class InstructorKind(models.TextChoices):
    TEACHER = "teacher", _("A teacher of the school")
    LEGAL_VICE_PRINCIPAL = "legal_vice_principal", _("Legal vice-principal (法治副校长)")
    OUTSIDE = "outside", _("Outside instructor")


class TeachingMethod(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom lesson")
    CLASS_MEETING = "class_meeting", _("Class meeting (班会)")
    ONLINE = "online", _("Online")


class ClassHourLog(models.Model):
    """A class hour (课时) taught to one class, with a short fidelity record; it counts toward the term's hours.

    `term` is derived from `taught_on`, so figures can group by term without date arithmetic.
    """

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="class_hour_logs", verbose_name=_("class")
    )
    lesson = models.ForeignKey(
        "lessons.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="class_hour_logs",
        verbose_name=_("lesson"),
    )
    topic = models.CharField(
        _("topic"), max_length=200, blank=True, help_text=_("What was taught, when it is not a lesson of ours.")
    )
    taught_on = models.DateField(_("taught on"))
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="class_hour_logs", verbose_name=_("term"), editable=False
    )
    class_hours = models.DecimalField(
        _("class hours"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("4.0"))],
    )
    instructor_kind = models.CharField(
        _("who taught"), max_length=30, choices=InstructorKind.choices, default=InstructorKind.TEACHER
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teacher"),
    )
    instructor = models.ForeignKey(
        "people.Instructor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="class_hour_logs",
        verbose_name=_("instructor"),
        help_text=_("A legal vice-principal or outside instructor from the school's roster."),
    )
    # Typed by hand before the roster existed; kept on those rows, and filled with the roster name on new ones so
    # the record still reads right if the roster entry is later removed.
    instructor_name = models.CharField(_("instructor's name"), max_length=100, blank=True)
    method = models.CharField(
        _("method"), max_length=20, choices=TeachingMethod.choices, default=TeachingMethod.CLASSROOM
    )
    students_present = models.PositiveSmallIntegerField(_("students present"))
    parts_covered = models.TextField(_("parts covered"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), validators=[MinValueValidator(5), MaxValueValidator(240)])
    engagement = models.PositiveSmallIntegerField(
        _("engagement (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("class-hour log")
        verbose_name_plural = _("class-hour logs")
        ordering = ["-taught_on", "-id"]
        indexes = [models.Index(fields=["term", "school_class"])]

    def __str__(self):
        return f"{self.school_class_id} {self.taught_on} {self.class_hours}"

    @property
    def instructor_label(self) -> str:
        if self.instructor_kind == InstructorKind.TEACHER and self.teacher_id:
            return str(self.teacher)
        if self.instructor_id:
            return self.instructor.name
        return self.instructor_name or self.get_instructor_kind_display()

    def save(self, *args, **kwargs):
        if self.taught_on and (self.term_id is None or not self.term.starts_on <= self.taught_on <= self.term.ends_on):
            self.term = Term.for_date(self.taught_on)
        super().save(*args, **kwargs)


def _hour_file_path(instance, filename: str) -> str:
    # The stored name is ours (a random suffix is added on clashes); the original name is kept as data only.
    return f"class-hours/{instance.log.school_class.school_id}/{instance.log_id}/{filename}"


class ClassHourFile(StoredFile):
    """A file the bureau inspects with a class-hour log (台账): the 教案, a photo of the 签到表, slides.

    Checked by core.uploads like all evidence (classroom.hour_files), photos without their EXIF."""

    log = models.ForeignKey(
        ClassHourLog, on_delete=models.CASCADE, related_name="files", verbose_name=_("class-hour log")
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=_hour_file_path, max_length=300)

    class Meta(StoredFile.Meta):
        verbose_name = _("class-hour file")
        verbose_name_plural = _("class-hour files")
