from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import School, SchoolClass, Student, Term

from .files import StoredFile
from .storage import private_storage


def _evidence_path(instance, filename: str) -> str:
    # The stored name is ours (a random suffix is added on clashes); the original name is kept as data only.
    return f"evidence/{instance.activity.school_id}/{instance.activity_id}/{filename}"


def _work_path(instance, filename: str) -> str:
    return f"works/{instance.school_id}/{filename}"


class Activity(models.Model):
    """A 五个一 activity a school held, optionally for one grade or some classes.

    `type` is a code from the plan's configured list (classroom.activity_types); the 2021 national five are the
    default. `participants` always holds the number of students who took part: typed by the teacher, or, when
    `quiz` links a knowledge contest, counted from submitted attempts by classroom.activities.refresh_participation.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="activities", verbose_name=_("school"))
    type = models.CharField(_("activity type"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="activities", verbose_name=_("term"), editable=False
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    classes = models.ManyToManyField(
        SchoolClass, through="ActivityClass", related_name="activities", blank=True, verbose_name=_("classes")
    )
    participants = models.PositiveIntegerField(_("participants"), default=0)
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("contest quiz"),
    )
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["school", "term", "type"])]

    def __str__(self):
        return self.title

    @property
    def participation_is_computed(self) -> bool:
        return self.quiz_id is not None

    def save(self, *args, **kwargs):
        if self.held_on and (self.term_id is None or not self.term.starts_on <= self.held_on <= self.term.ends_on):
            self.term = Term.for_date(self.held_on)
        super().save(*args, **kwargs)


class ActivityClass(models.Model):
    """A class that took part in an activity, with how many of its students did."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="class_links", verbose_name=_("activity")
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="activity_links", verbose_name=_("class")
    )
    participants = models.PositiveSmallIntegerField(_("participants"), default=0)

    class Meta:
        verbose_name = _("participating class")
        verbose_name_plural = _("participating classes")
        constraints = [models.UniqueConstraint(fields=["activity", "school_class"], name="unique_activity_class")]

    def __str__(self):
        return f"{self.activity_id} · {self.school_class_id}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class ActivityEvidence(StoredFile):
    """A file proving an activity took place (台账): a photo without its EXIF, or a PDF/DOCX/PPTX/XLSX."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=_evidence_path, max_length=300)

    class Meta(StoredFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    @property
    def kind(self) -> str:
        return EvidenceKind.PHOTO if self.is_image else EvidenceKind.DOCUMENT


class StudentWork(StoredFile):
    """A work for a 作品征集 (essay, drawing, 手抄报…), uploaded by its student or a teacher.

    Seen only inside its school: its staff and the student who made it.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="student_works", verbose_name=_("school"))
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="works",
        verbose_name=_("activity"),
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="works", verbose_name=_("student"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_work_path, max_length=300)

    class Meta(StoredFile.Meta):
        verbose_name = _("student work")
        verbose_name_plural = _("student works")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title
