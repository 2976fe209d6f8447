"""Attempts and answers: the facts the classroom and the bureau's figures are built on."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.models import School, SchoolClass, Student

from .bank import Question
from .quiz import Quiz


class Flag(models.TextChoices):
    """Codes in `Attempt.flags`: what the attempt itself shows (quizzes.integrity), written at submission."""

    TOO_FAST = "too_fast", _("Implausibly fast")
    EMPTY_ANSWERS = "empty_answers", _("No or almost no answers")
    SAME_POSITION = "same_position", _("Every answer at the same position or in a repeating pattern")
    AUTO_SUBMITTED = "auto_submitted", _("Submitted by the server at the deadline")
    # Answers that arrived after the deadline and counted on the page's own time stamps (docs/quizzes.md,
    # "Deadlines"): honest when an outage delayed them, and the one window a tampered page could use.
    LATE_ANSWERS = "late_answers", _("Answers that arrived after the deadline counted on the page's time stamps")
    # Written at the start by earlier versions; devices and networks are now classroom's integrity rules.
    SHARED_DEVICE = "shared_device", _("Device used by several students")


class Attempt(models.Model):
    """One student's sitting of one quiz.

    `paper` is what the student sees (question ids, option order, points, characters to read); `answer_key` holds
    the option weights as they were when the paper was drawn and the paper's option tokens (quizzes.paper); it is
    never sent to the browser. At most one attempt per student and quiz is open (not submitted), and attempt
    numbers are unique, so concurrent starts cannot duplicate.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    # Where the student was when the attempt started, so results stay with last year's class after promotion.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("class")
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    seed = models.BigIntegerField(_("shuffle seed"))
    paper = models.JSONField(_("paper"), default=list)
    answer_key = models.JSONField(_("answer key"), default=dict)
    started_at = models.DateTimeField(pgettext_lazy("quiz attempt", "started at"))
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("maximum score"), null=True, blank=True)
    percent = models.FloatField(_("percent"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True, db_index=True)
    # A keyed hash of the network the attempt was started from (core.clientid), never the address (PIPL).
    network = models.CharField(_("network"), max_length=32, blank=True, db_index=True)
    user_agent_hash = models.CharField(_("browser fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["student", "quiz", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(
                fields=["student", "quiz"], condition=Q(submitted_at__isnull=True), name="one_open_attempt"
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "submitted_at"]),
            models.Index(fields=["deadline_at"], condition=Q(submitted_at__isnull=True), name="open_deadlines"),
        ]

    def __str__(self):
        return f"{self.quiz} · {self.student_id} · #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def question_ids(self) -> list[int]:
        return [item["q"] for item in self.paper]


class Answer(models.Model):
    """A student's choice for one question of an attempt; saved (upserted) each time the choice changes."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    chosen = models.JSONField(_("chosen options"), default=list)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    # Filled in when the attempt is graded: credit in [0, 1] and the points it earned.
    credit = models.FloatField(_("credit"), null=True, blank=True)
    points = models.FloatField(_("points"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.attempt_id}:{self.question_id}={self.chosen}"
