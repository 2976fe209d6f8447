"""Three-year plans: a task list (任务分配表) with a target and a deadline for each year of the plan."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from people.models import District, Organisation, Region, SchoolKind

# The figures a composite 总分 may weigh, in the order the formula is written out.
COMPOSITE_FIGURES = {
    "registration": _("registration rate"),
    "participation": _("student participation rate"),
    "pass": _("pass rate"),
    "full": _("full-score rate"),
    "excellent": _("excellent rate"),
    "average": _("average score"),
    "hours": _("class hours delivered"),
    "activities": _("activities done"),
}


def default_composite_weights() -> dict:
    return {"participation": 40, "pass": 30, "full": 10, "average": 20}


class Plan(models.Model):
    """A county bureau's three-year plan (district), a city's or province's template (region), or, with
    neither, the national template.

    A region's plan is published for the level below to adopt (copy): the adopted tasks keep a link to the
    template's (`PlanTask.adopted_from`), and their yearly targets and requirements may be raised but never set
    below the template's (`target_floors`, `planning.requirement_floors`).
    """

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("district"),
        help_text=_("Empty for the national template."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("region"),
        help_text=_("A city's or province's template for the level below; empty for a county's plan."),
    )
    name = models.CharField(_("name"), max_length=200)
    first_year = models.PositiveSmallIntegerField(
        _("first school year"), null=True, blank=True, help_text=_("2026 for a plan starting in 2026–2027.")
    )
    years = models.PositiveSmallIntegerField(
        _("number of school years"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("copied from")
    )
    # The source's version when this plan was copied from it, so a page can say which version was adopted.
    copied_version = models.PositiveIntegerField(_("adopted version"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("plan", "published"), null=True, blank=True, editable=False)
    excellent_percent = models.PositiveSmallIntegerField(
        _("excellent from (%)"), default=85, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    composite_weights = models.JSONField(
        _("weights of the composite score"),
        default=default_composite_weights,
        help_text=_("Percentage weight of each figure in the composite score; they should add up to 100."),
    )
    count_flagged_records = models.BooleanField(
        _("count flagged records"),
        default=False,
        help_text=_(
            "Off: quiz attempts, class-hour logs and activities with an open or confirmed integrity flag are left "
            "out of every figure until a reviewer clears the flag. On: they count; the figures still show how "
            "many there are."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by plans.versioning.change() with each recorded edit, so a figure can name the plan it was set against.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        verbose_name = _("three-year plan")
        verbose_name_plural = _("three-year plans")
        ordering = ["district", "-first_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(district__isnull=True) | Q(region__isnull=True), name="plan_of_district_or_region"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_template(self) -> bool:
        """The national template, which no one edits (a region's template is edited by its officers)."""
        return self.district_id is None and self.region_id is None

    @property
    def is_region_plan(self) -> bool:
        return self.region_id is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def start_years(self) -> list[int]:
        if self.first_year is None:
            return []
        return [self.first_year + index for index in range(self.years)]

    def year_index(self, start_year: int) -> int | None:
        """1 for the plan's first school year, None for a year outside the plan."""
        if self.first_year is None or not 0 <= start_year - self.first_year < self.years:
            return None
        return start_year - self.first_year + 1

    def weights(self) -> dict[str, float]:
        """The composite weights, keeping only known figures with a positive weight."""
        weights = {}
        for key, value in (self.composite_weights or {}).items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            if key in COMPOSITE_FIGURES and number > 0:
                weights[key] = number
        return weights


class TaskKind(models.TextChoices):
    CLASS_HOURS = "class_hours", _("Class hours")
    ACTIVITIES = "activities", _("Five-ones activities")
    PARTICIPATION = "participation", _("Quiz participation rate")
    PASS_RATE = "pass_rate", _("Pass rate")
    REGISTRATION = "registration", _("Registration rate")
    SURVEY_GAIN = "survey_gain", _("Pre/post survey gain")
    FAMILY = "family", _("Parents' acknowledgement rate (告家长书)")
    # The yearly target of this kind is a number of teachers (每校至少 N 名教师完成培训), not a percentage.
    TRAINED_TEACHERS = "trained_teachers", _("Trained teachers in every school (target: teachers per school)")
    LEGAL_VICE_PRINCIPAL = "legal_vice_principal", _("Schools with a legal vice-principal (法治副校长配备率)")
    CUSTOM = "custom", _("Evidence task")


# What a newly added task asks before the bureau sets it: all of what a percentage counts, or, where the target is
# a number of teachers per school, a number a school can meet.
STARTING_TARGETS = {TaskKind.TRAINED_TEACHERS: 2}


def starting_target(kind: str) -> int:
    return STARTING_TARGETS.get(kind, 100)


def target_counts_teachers(kind: str) -> bool:
    return kind == TaskKind.TRAINED_TEACHERS


class HoursPeriod(models.TextChoices):
    YEAR = "year", _("per school year")
    TERM = "term", _("per term")


class ResponsibleKind(models.TextChoices):
    SCHOOLS = "schools", _("Schools")
    MEMBER_UNIT = "member_unit", _("Member unit")
    SOCIAL_ORG = "social_org", _("Social organisation")


class CurrentTaskManager(models.Manager):
    """Tasks still in the plan: the default (and so `plan.tasks`), so a retired task drops out of every figure."""

    def get_queryset(self):
        return super().get_queryset().filter(retired_at__isnull=True)


# The task kinds whose yearly target is a percentage of students or of what is required.
RATE_KINDS = {TaskKind.PARTICIPATION, TaskKind.PASS_RATE, TaskKind.REGISTRATION, TaskKind.FAMILY}


class PlanTask(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("content"), blank=True)
    responsible_kind = models.CharField(
        _("responsible"), max_length=20, choices=ResponsibleKind.choices, default=ResponsibleKind.SCHOOLS
    )
    # The unit's name as text until member units and social organisations are records of their own.
    responsible = models.CharField(
        _("responsible unit"),
        max_length=100,
        blank=True,
        help_text=_("The member unit's or social organisation's name; for schools, optional."),
    )
    evidence_required = models.TextField(
        _("evidence required"), blank=True, help_text=_("What a school files in the ledger to show the task done.")
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)
    # The higher level's task this one was adopted from: its targets and requirements are this task's floors, and
    # while it is in the template this task cannot be retired (see held_by_template, target_floors,
    # planning.requirement_floors).
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    # A task given to member units or social organisations: each named one gets a ledger item for it, and the
    # schools do not (see plans.ledger.open_items).
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="plan_tasks", verbose_name=_("responsible organisations")
    )
    grades = models.JSONField(
        _("grades"), default=list, blank=True, help_text=_("Grades 1–12 the task applies to; empty for all.")
    )
    school_kinds = models.JSONField(
        _("school types"), default=list, blank=True, help_text=_("School types the task applies to; empty for all.")
    )
    hours = models.DecimalField(_("class hours"), max_digits=4, decimal_places=1, default=0)
    hours_period = models.CharField(
        _("hours are due"), max_length=4, choices=HoursPeriod.choices, default=HoursPeriod.YEAR
    )
    activity_types = models.JSONField(_("activity types"), default=list, blank=True)
    activity_count = models.PositiveSmallIntegerField(_("times each activity per year"), default=1)

    objects = CurrentTaskManager()
    all_objects = models.Manager()

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "order", "id"]
        base_manager_name = "all_objects"

    def __str__(self):
        return self.title

    @property
    def held_by_template(self) -> bool:
        """Adopted from a template task still in the template: the lower level may not retire it."""
        return self.adopted_from_id is not None and self.adopted_from.retired_at is None

    def clean(self):
        super().clean()
        if self.retired_at is not None and self.held_by_template:
            raise ValidationError(RETIRE_HELD_MESSAGE)

    def applies_to_school(self, school) -> bool:
        if self.school_kinds and school.kind not in self.school_kinds:
            return False
        return not self.grades or any(grade in self.grades for grade in school.grades)

    def applies_to_class(self, school_class, school_kind: str) -> bool:
        if self.school_kinds and school_kind not in self.school_kinds:
            return False
        return not self.grades or school_class.grade in self.grades

    def hours_for(self, period: str) -> float:
        """Hours one class owes in a period ("year", "t1" or "t2")."""
        hours = float(self.hours)
        if self.hours_period == HoursPeriod.TERM:
            return hours * 2 if period == "year" else hours
        return hours if period == "year" else 0.0

    def school_kind_labels(self) -> list[str]:
        return [str(SchoolKind(kind).label) for kind in self.school_kinds if kind in SchoolKind.values]

    def target_for(self, start_year: int):
        index = self.plan.year_index(start_year)
        if index is None:
            return None
        for target in self.targets.all():
            if target.year_index == index:
                return target
        return None


class TaskTarget(models.Model):
    """What a task asks for in one year of the plan, e.g. participation 90% by 30 June of year 2."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="targets", verbose_name=_("task"))
    year_index = models.PositiveSmallIntegerField(_("year of the plan"), validators=[MinValueValidator(1)])
    target = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=1,
        default=100,
        help_text=_("Share of students, of required hours or activities, or of schools; points for a survey gain."),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["task", "year_index"]
        constraints = [models.UniqueConstraint(fields=["task", "year_index"], name="one_target_per_task_year")]

    def __str__(self):
        return f"{self.task} · {self.year_index}: {self.target}"

    def clean(self):
        super().clean()
        if self.target is None or self.task_id is None or self.year_index is None:
            return
        floor = target_floors(self.task.plan).get((self.task_id, self.year_index))
        if floor is None or self.target >= floor:
            return
        stored = TaskTarget.objects.filter(pk=self.pk).values_list("target", "year_index").first()
        # A target left below a floor the template raised later stays until someone raises it; setting one
        # below (or moving one under a floor) is refused.
        if stored != (self.target, self.year_index):
            raise ValidationError({"target": floor_message(floor)})

    @property
    def start_year(self) -> int | None:
        first = self.task.plan.first_year
        return None if first is None else first + self.year_index - 1


RETIRE_HELD_MESSAGE = _(
    "This task comes from the higher level's template and cannot be retired; only tasks the plan added itself can."
)


def floor_message(floor) -> str:
    return _("Must not be lower than the higher level's target of %(floor)s%%.") % {"floor": f"{float(floor):g}"}


def same_school_year(plan: Plan, template: Plan, year_index: int) -> int:
    """The template's year of the plan that is the same school year as the plan's `year_index` (the national
    template has no first year: its years count from the plan's own first year)."""
    if plan.first_year is None or template.first_year is None:
        return year_index
    return plan.first_year + year_index - 1 - template.first_year + 1


def target_floors(plan: Plan) -> dict:
    """(task id, year of the plan) → the lowest target the plan may set: the highest of the targets up its chain
    of templates for that task and school year (a county's floor is its city's target, never below the
    province's). Only tasks adopted from a template task still in the template have floors."""
    tasks = list(
        PlanTask.all_objects.filter(
            plan=plan, adopted_from__isnull=False, adopted_from__retired_at__isnull=True
        ).select_related("adopted_from__plan")
    )
    if not tasks:
        return {}
    template_targets = {
        (target.task_id, target.year_index): target.target
        for target in TaskTarget.objects.filter(task_id__in=[task.adopted_from_id for task in tasks])
    }
    above: dict[int, dict] = {}
    floors = {}
    for task in tasks:
        template = task.adopted_from.plan
        if template.pk not in above:
            above[template.pk] = target_floors(template)
        for index in range(1, plan.years + 1):
            key = (task.adopted_from_id, same_school_year(plan, template, index))
            found = [value for value in (template_targets.get(key), above[template.pk].get(key)) if value is not None]
            if found:
                floors[(task.pk, index)] = max(found)
    return floors


def default_deadline(start_year: int) -> datetime.date:
    """The end of the second term: where most bureaus set a task's yearly deadline."""
    return datetime.date(start_year + 1, 6, 30)


class PlanChange(models.Model):
    """One recorded edit of a plan: who, when, and the edited thing before and after (JSON snapshots)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("change"), max_length=40)
    subject = models.CharField(_("what"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_change_per_plan_version")]

    def __str__(self):
        return f"{self.plan} v{self.number}: {self.action}"


class PlanActivityType(models.Model):
    """A local activity type a plan adds to the national five (告家长书, 演讲比赛, 八个一 …), for some of its years."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activity_types", verbose_name=_("plan"))
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. speech-contest; never shown.")
    )
    label_zh = models.CharField(_("name in Chinese"), max_length=100)
    label_en = models.CharField(_("name in English"), max_length=100)
    year_indexes = models.JSONField(
        _("years of the plan"), default=list, blank=True, help_text=_("Empty: every year of the plan.")
    )

    class Meta:
        verbose_name = _("local activity type")
        verbose_name_plural = _("local activity types")
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="one_activity_code_per_plan")]

    def __str__(self):
        return self.label_zh

    @property
    def label(self) -> str:
        return self.label_zh if (get_language() or "zh-hans").lower().startswith("zh") else self.label_en

    def in_year(self, year_index: int | None) -> bool:
        return not self.year_indexes or year_index in self.year_indexes
