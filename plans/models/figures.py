"""The roll-up: figures per class and period, refreshed by a task, read by every screen and export.

Rows hold counts, not rates, so summing rows gives exact school, township and district figures; rates are
worked out from the sums (plans.metrics.Figures).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import District, School, SchoolClass, SchoolYear


class Period(models.TextChoices):
    YEAR = "year", _("Whole school year")
    TERM1 = "t1", _("Term 1")
    TERM2 = "t2", _("Term 2")


COUNT_FIELDS = (
    "on_roll",
    "registered",
    "participants",
    "results",
    "passed",
    "full_marks",
    "excellent",
    "activities_required",
    "activities_done",
    "survey_pre_n",
    "survey_post_n",
    "flagged_attempts",
    "flagged_hour_logs",
    "flagged_activities",
    "families_acknowledged",
    "families_active",
)
SUM_FIELDS = (
    "percent_sum",
    "hours_required",
    "hours_delivered",
    "hours_credited",
    "survey_pre_sum",
    "survey_post_sum",
)
FIGURE_FIELDS = COUNT_FIELDS + SUM_FIELDS
# The figures that records carrying an integrity flag can change. The roll-up keeps each of them twice: as the
# plain field (flagged records left out, the plan's default) and as `<field>_with_flagged` (flagged records
# counted), so a plan's choice takes effect on screen at once and both sides of it stay exact sums of classes.
FLAG_DEPENDENT_FIELDS = (
    "participants",
    "results",
    "passed",
    "full_marks",
    "excellent",
    "percent_sum",
    "hours_delivered",
    "hours_credited",
    "activities_done",
    "survey_pre_n",
    "survey_pre_sum",
    "survey_post_n",
    "survey_post_sum",
)
WITH_FLAGGED_SUFFIX = "_with_flagged"


def with_flagged(name: str) -> str:
    """The roll-up column holding figure `name` with flagged records counted."""
    return name + WITH_FLAGGED_SUFFIX if name in FLAG_DEPENDENT_FIELDS else name


class ClassFigures(models.Model):
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=4, choices=Period.choices)
    # Denormalised so the dashboard filters and groups without joins.
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    school_kind = models.CharField(max_length=20)
    township = models.CharField(max_length=50, blank=True)
    grade = models.PositiveSmallIntegerField()
    grade_band = models.CharField(max_length=20)

    on_roll = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    results = models.PositiveIntegerField(default=0)  # counted (student, quiz) results
    passed = models.PositiveIntegerField(default=0)
    full_marks = models.PositiveIntegerField(default=0)
    excellent = models.PositiveIntegerField(default=0)
    percent_sum = models.FloatField(default=0)
    hours_required = models.FloatField(default=0)
    hours_delivered = models.FloatField(default=0)
    hours_credited = models.FloatField(default=0)  # delivered, capped at what the class owed
    activities_required = models.PositiveIntegerField(default=0)
    activities_done = models.PositiveIntegerField(default=0)  # capped per type at what was required
    survey_pre_n = models.PositiveIntegerField(default=0)
    survey_pre_sum = models.FloatField(default=0)
    survey_post_n = models.PositiveIntegerField(default=0)
    survey_post_sum = models.FloatField(default=0)
    # Students on the roll whose parents acknowledged a 告家长书 sent to the class in the period (签收), and those
    # whose family also did its home activity (classroom.letters). No integrity flag touches them.
    families_acknowledged = models.PositiveIntegerField(default=0)
    families_active = models.PositiveIntegerField(default=0)
    # Records behind this row's figures that carry an open or confirmed integrity flag, whether or not the
    # plan counts them. An activity counting for several classes is counted once, on the first of them.
    flagged_attempts = models.PositiveIntegerField(default=0)
    flagged_hour_logs = models.PositiveIntegerField(default=0)
    flagged_activities = models.PositiveIntegerField(default=0)
    # The same figures with flagged records counted (see FLAG_DEPENDENT_FIELDS).
    participants_with_flagged = models.PositiveIntegerField(default=0)
    results_with_flagged = models.PositiveIntegerField(default=0)
    passed_with_flagged = models.PositiveIntegerField(default=0)
    full_marks_with_flagged = models.PositiveIntegerField(default=0)
    excellent_with_flagged = models.PositiveIntegerField(default=0)
    percent_sum_with_flagged = models.FloatField(default=0)
    hours_delivered_with_flagged = models.FloatField(default=0)
    hours_credited_with_flagged = models.FloatField(default=0)
    activities_done_with_flagged = models.PositiveIntegerField(default=0)
    survey_pre_n_with_flagged = models.PositiveIntegerField(default=0)
    survey_pre_sum_with_flagged = models.FloatField(default=0)
    survey_post_n_with_flagged = models.PositiveIntegerField(default=0)
    survey_post_sum_with_flagged = models.FloatField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("class figures")
        verbose_name_plural = _("class figures")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "period"], name="one_figure_row_per_class_period")
        ]
        indexes = [
            models.Index(fields=["district", "school_year", "period"]),
            models.Index(fields=["school", "school_year", "period"]),
        ]

    def __str__(self):
        return f"{self.school_class_id} {self.period}"


class Refresh(models.Model):
    """One run of the roll-up for a district and school year: when the figures on screen were computed."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("figures refresh")
        verbose_name_plural = _("figures refreshes")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["district", "school_year", "-started_at"])]

    def __str__(self):
        return f"{self.district_id} {self.school_year_id} {self.finished_at}"


class PendingRefresh(models.Model):
    """A class whose records changed since its figures were last computed: its refresh is queued (plans/live.py).

    One row per class, so a burst of events for one class queues one task. Every event after the row exists
    raises `generation`; the task removes the row only if the generation it read before computing is still
    there, and otherwise runs again, so an event that landed while it computed is never lost.
    """

    school_class = models.OneToOneField(SchoolClass, on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveIntegerField(default=0)
    # Set by the event that created the row, so that event (and only it) knows to queue the task.
    token = models.CharField(max_length=32)
    queued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pending figures refresh")
        verbose_name_plural = _("pending figures refreshes")

    def __str__(self):
        return f"{self.school_class_id} #{self.generation}"


class ExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class TableExport(models.Model):
    """An XLSX of the 通报 table written by a task; its owner downloads it once it is ready."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=4, choices=Period.choices, default=Period.YEAR)
    group_by = models.CharField(max_length=10, default="school")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.WAITING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=300, blank=True)
    # What went wrong: WORKER_LOST when every attempt's worker died (plans/leases.py), else the exception's text.
    error = models.CharField(max_length=300, blank=True)
    # Runs started so far: a run whose worker died is retried by the lease sweep, up to TASK_LEASE MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    WORKER_LOST = "worker_lost"

    class Meta:
        verbose_name = _("table export")
        verbose_name_plural = _("table exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pk} {self.status}"

    @property
    def percent_done(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def is_retrying(self) -> bool:
        """A run's worker died and another run is queued or under way (the sweep reset it to waiting)."""
        if self.status == ExportStatus.WAITING:
            return self.attempts >= 1
        return self.status == ExportStatus.RUNNING and self.attempts >= 2

    @property
    def failure_reason(self) -> str:
        """Why it failed, in the reader's language; empty unless it failed."""
        if self.status != ExportStatus.FAILED:
            return ""
        if self.error == self.WORKER_LOST:
            return _(
                "The export was stopped %(attempts)s times before it could finish, because the server running it "
                "stopped. Start it again; if it fails again, tell the platform's administrators."
            ) % {"attempts": self.attempts}
        return _("The export failed. Try again, or tell the platform's administrators.")


class TaskLease(models.Model):
    """A running background task's claim to be alive, renewed by its heartbeat (plans/leases.py).

    django_tasks_db marks a task RUNNING when a worker claims it and never again if that worker dies; a lease
    past `expires_at` is how the sweep tells a dead run from a long one. One row per task (it moves to the
    retry's task row when a run is retried), so `attempts` counts every run of the same job.
    """

    task_id = models.UUIDField(unique=True)  # django_tasks_db's DBTaskResult id of the current run
    task_path = models.CharField(max_length=200)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker_id = models.CharField(max_length=64, blank=True)
    # Null while the job waits for a worker to take its retry.
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("task lease")
        verbose_name_plural = _("task leases")

    def __str__(self):
        return f"{self.task_path} {self.task_id} #{self.attempts}"
