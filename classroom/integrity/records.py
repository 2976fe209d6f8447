"""Plausibility of what teachers record by hand: class-hour logs and 五个一 activities.

Nothing measures these records for us, so they are checked against what the platform does know: the school
calendar (terms and school years), the roll, and the other logs of the same class. A record past a hard limit is
refused with a message on the field that is wrong, and nothing is saved; a record that is possible but unusual is
saved and flagged for review, with the numbers compared as evidence.

- Class hours of one class on one day, this log included: flagged above RECORD_DAY_FLAG_HOURS (4), refused above
  RECORD_DAY_MAX_HOURS (8).
- Students present: refused above the class's students on the roll that day (no flagged band).
- Participants of an activity: typed beyond the roll (of the chosen classes, the grade or the school) refused;
  counted from a contest quiz beyond the roll flagged.
- Date: refused in the future, when no term holds it, outside the class's school year, or in a school year that
  ended more than RECORD_LATE_DAYS (30) days ago; flagged in a school year that ended less long ago.

The limits are settings (`QINGDUN["RECORD_DAY_MAX_HOURS"]` and the others named above). A roll cannot be beaten by
an honest count of children in a room, so present and typed participants have no soft band. A quiz-counted
number comes from real attempts (students who have since left may be among them), so it is only flagged.

`check_*_values` take plain values so a form can show the messages on its fields before anything is built; the
services call `check_class_hour`/`check_activity` on every save, so every path (forms, seeds, the API) meets the
same limits, and then `settle_flags` on the saved record.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from people import membership
from people.models import Enrollment, School, SchoolClass, SchoolYear, Term

from ..models import ClassHourLog, FlagRule, FlagStatus, IntegrityFlag
from .flags import flags_of, raise_flag

# The rules this module raises; a record's open flag of one of them goes when a correction makes it plausible.
RECORD_RULES = (
    FlagRule.HOURS_BEYOND_DAY,
    FlagRule.PRESENT_OVER_ENROLLED,
    FlagRule.PARTICIPANTS_OVER_ROLL,
    FlagRule.DATE_OUTSIDE_YEAR,
)
# Where a reopened flag keeps the decision it had, so the reviewer sees what was decided about the record before.
EARLIER_REVIEW = "earlier_review"


def _setting(name: str, default):
    return settings.QINGDUN.get(name, default)


def day_max_hours() -> Decimal:
    return Decimal(str(_setting("RECORD_DAY_MAX_HOURS", 8)))


def day_flag_hours() -> Decimal:
    return Decimal(str(_setting("RECORD_DAY_FLAG_HOURS", 4)))


def late_days() -> int:
    return int(_setting("RECORD_LATE_DAYS", 30))


@dataclass(frozen=True)
class Finding:
    rule: FlagRule
    evidence: dict


@dataclass
class Check:
    """What the checks found: errors by field (the record is refused) and findings (it is saved and flagged)."""

    errors: dict[str, list[ValidationError]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # The most participants the roll allows, kept for the check of a quiz-counted number after saving.
    roll_limit: int | None = None

    def refuse(self, name: str, message, code: str, **params) -> None:
        self.errors.setdefault(name, []).append(ValidationError(message, code=code, params=params))

    def flag(self, rule: FlagRule, **evidence) -> None:
        self.findings.append(Finding(rule, evidence))

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _day(day: datetime.date) -> str:
    return formats.date_format(day)


# --- the roll ---------------------------------------------------------------------------------------------


def on_roll(enrollments: QuerySet, day: datetime.date) -> QuerySet:
    """Enrollments on the roll on `day`: people.membership's rule, read on the day taught or held, so an old
    record stays checkable after students leave."""
    return membership.on_roll(enrollments, day)


def enrolled(classes, day: datetime.date) -> dict[int, int]:
    """How many students each class had on the roll on `day`, by class id (0 for a class with none)."""
    return membership.roll_counts(classes, day)


def school_roll(school: School, school_year: SchoolYear, day: datetime.date, grade: int | None = None) -> int:
    rows = Enrollment.objects.filter(school_class__school=school, school_class__school_year=school_year)
    if grade:
        rows = rows.filter(school_class__grade=grade)
    return on_roll(rows, day).count()


# --- dates ------------------------------------------------------------------------------------------------


def _term_of(day: datetime.date) -> Term | None:
    # A lookup, not Term.for_date: that one creates a school year for any date (2019 included) and falls back to
    # the year's first term when none holds the day.
    return Term.objects.filter(starts_on__lte=day, ends_on__gte=day).select_related("school_year").first()


def _check_date(check: Check, name: str, day, *, today, classes=(), future_message) -> Term | None:
    if day is None:
        return None
    if day > today:
        check.refuse(name, future_message, "future", date=_day(day))
        return None
    SchoolYear.for_date(today)  # the current year exists, as every screen of the platform assumes
    term = _term_of(day)
    if term is None:
        check.refuse(name, _("No term of the school calendar holds %(date)s."), "no_term", date=_day(day))
        return None
    year = term.school_year
    for school_class in classes:
        if school_class.school_year_id != year.pk:
            own = school_class.school_year
            check.refuse(
                name,
                _("%(date)s is outside the school year of %(class_name)s (%(year)s, %(start)s to %(end)s)."),
                "outside_class_year",
                date=_day(day),
                class_name=school_class.name,
                year=str(own),
                start=_day(own.starts_on),
                end=_day(own.ends_on),
            )
            return None
    if year.ends_on < today:
        closes_on = year.ends_on + datetime.timedelta(days=late_days())
        if today > closes_on:
            check.refuse(
                name,
                _("The %(year)s school year closed for records on %(closed)s; %(date)s can no longer be recorded."),
                "year_closed",
                year=str(year),
                closed=_day(closes_on),
                date=_day(day),
            )
            return None
        check.flag(
            FlagRule.DATE_OUTSIDE_YEAR,
            date=day.isoformat(),
            school_year=str(year),
            year_ended_on=year.ends_on.isoformat(),
            accepted_until=closes_on.isoformat(),
        )
    return term


# --- class-hour logs --------------------------------------------------------------------------------------


def check_class_hour_values(
    *,
    school_class: SchoolClass | None,
    taught_on: datetime.date | None,
    class_hours: Decimal | None,
    students_present: int | None,
    exclude_pk: int | None = None,
    today: datetime.date | None = None,
) -> Check:
    """Check one log's numbers against its class's day and roll. `exclude_pk` is the log being changed, so its
    old version does not count with the new one."""
    today = today or timezone.localdate()
    check = Check()
    _check_date(
        check,
        "taught_on",
        taught_on,
        today=today,
        classes=[school_class] if school_class else [],
        future_message=_("%(date)s is in the future: a class hour is logged after it was taught."),
    )
    if school_class is None or taught_on is None:
        return check
    if class_hours is not None:
        others = ClassHourLog.objects.filter(school_class=school_class, taught_on=taught_on)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        before = others.aggregate(total=Sum("class_hours"))["total"] or Decimal("0")
        total = before + Decimal(class_hours)
        if total > day_max_hours():
            check.refuse(
                "class_hours",
                _(
                    "With this log %(class_name)s would have %(total)s class hours on %(date)s "
                    "(%(before)s already logged); one school day holds at most %(limit)s."
                ),
                "hours_beyond_day",
                class_name=school_class.name,
                total=total,
                date=_day(taught_on),
                before=before,
                limit=day_max_hours(),
            )
        elif total > day_flag_hours():
            check.flag(
                FlagRule.HOURS_BEYOND_DAY,
                date=taught_on.isoformat(),
                class_hours=float(class_hours),
                hours_that_day=float(total),
                flagged_above=float(day_flag_hours()),
                refused_above=float(day_max_hours()),
                other_logs=sorted(others.values_list("pk", flat=True)),
            )
    if students_present is not None:
        roll = enrolled([school_class], taught_on)[school_class.pk]
        if students_present > roll:
            check.refuse(
                "students_present",
                _("%(present)s students present is more than the %(roll)s students of %(class_name)s on %(date)s."),
                "present_over_enrolled",
                present=students_present,
                roll=roll,
                class_name=school_class.name,
                date=_day(taught_on),
            )
    return check


# The fields a service checks with the model's own validators; a form has already run them.
_LOG_FIELDS = ("school_class", "taught_on", "class_hours", "students_present", "minutes", "engagement")


def check_class_hour(log: ClassHourLog, *, today: datetime.date | None = None) -> Check:
    """Every check of a log about to be saved, including the model's field limits (a service may be called
    without a form)."""
    check = Check()
    try:
        log.clean_fields(exclude=[f.name for f in log._meta.fields if f.name not in _LOG_FIELDS])
    except ValidationError as error:
        for name, errors in error.error_dict.items():
            check.errors.setdefault(name, []).extend(errors)
    if "school_class" in check.errors or "taught_on" in check.errors:
        return check
    school_class = SchoolClass.objects.select_related("school", "school_year").get(pk=log.school_class_id)
    found = check_class_hour_values(
        school_class=school_class,
        taught_on=log.taught_on,
        class_hours=None if "class_hours" in check.errors else log.class_hours,
        students_present=None if "students_present" in check.errors else log.students_present,
        exclude_pk=log.pk,
        today=today,
    )
    for name, errors in found.errors.items():
        check.errors.setdefault(name, []).extend(errors)
    check.findings = found.findings
    return check


# --- activities -------------------------------------------------------------------------------------------


def typed_participants(class_counts: Iterable[int], participants: int | None) -> int:
    """The number an activity holds when no contest quiz counts it: the classes' counts when some were given,
    else the number typed."""
    return sum(n or 0 for n in class_counts) or participants or 0


def check_activity_values(
    *,
    school: School | None,
    held_on: datetime.date | None,
    grade: int | None,
    class_counts: dict,
    participants: int | None,
    counted: bool,
    today: datetime.date | None = None,
) -> Check:
    """Check an activity's date and participants. `class_counts` maps each participating class to its number of
    students; `counted` says a contest quiz counts the participants (the typed number is then ignored)."""
    today = today or timezone.localdate()
    check = Check()
    classes = list(class_counts)
    if school is not None and any(c.school_id != school.pk for c in classes):
        check.refuse("classes", _("Choose classes of the activity's school."), "other_school")
        return check
    term = _check_date(
        check,
        "held_on",
        held_on,
        today=today,
        classes=classes,
        future_message=_("%(date)s is in the future: an activity is recorded after it was held."),
    )
    if school is None or term is None:
        return check
    if classes:
        sizes = enrolled(classes, held_on)
        for school_class, count in class_counts.items():
            if (count or 0) > sizes[school_class.pk]:
                check.refuse(
                    "classes",
                    _("%(count)s participants from %(class_name)s is more than its %(roll)s students on %(date)s."),
                    "class_over_roll",
                    count=count,
                    class_name=school_class.name,
                    roll=sizes[school_class.pk],
                    date=_day(held_on),
                )
        check.roll_limit = sum(sizes.values())
        over = _("%(participants)s participants is more than the %(roll)s students of the chosen classes on %(date)s.")
    elif grade:
        check.roll_limit = school_roll(school, term.school_year, held_on, grade)
        over = _("%(participants)s participants is more than the %(roll)s students of that grade on %(date)s.")
    else:
        check.roll_limit = school_roll(school, term.school_year, held_on)
        over = _("%(participants)s participants is more than the %(roll)s students on the school's roll on %(date)s.")
    total = typed_participants(class_counts.values(), participants)
    if not counted and "classes" not in check.errors and total > check.roll_limit:
        check.refuse(
            "participants",
            over,
            "participants_over_roll",
            participants=total,
            roll=check.roll_limit,
            date=_day(held_on),
        )
    return check


def check_activity(activity, class_counts: dict | None, *, today: datetime.date | None = None) -> Check:
    """Every check of an activity about to be saved; `class_counts` None keeps the classes it already has."""
    if class_counts is None:
        class_counts = (
            {link.school_class: link.participants for link in activity.class_links.select_related("school_class")}
            if activity.pk
            else {}
        )
    classes = SchoolClass.objects.select_related("school", "school_year").in_bulk([c.pk for c in class_counts])
    return check_activity_values(
        school=activity.school,
        held_on=activity.held_on,
        grade=activity.grade,
        class_counts={classes[c.pk]: n for c, n in class_counts.items()},
        participants=activity.participants,
        counted=activity.quiz_id is not None,
        today=today,
    )


def check_counted_participation(activity, check: Check) -> None:
    """After a contest quiz counted the participants: beyond the roll is flagged, not refused (the attempts are
    real; students who left since may be among them)."""
    if activity.quiz_id and check.roll_limit is not None and activity.participants > check.roll_limit:
        check.flag(
            FlagRule.PARTICIPANTS_OVER_ROLL,
            date=activity.held_on.isoformat(),
            participants=activity.participants,
            roll=check.roll_limit,
            counted_from_quiz=activity.quiz_id,
        )


# --- flags ------------------------------------------------------------------------------------------------


def settle_flags(subject, check: Check, *, school, school_class=None, now=None) -> None:
    """Raise the flags the checks found on a saved record, and withdraw this module's open flags that no longer
    hold (a corrected record is not left out of the figures for what it no longer says).

    A flag a reviewer decided is reopened when the record now shows different numbers: the decision was about
    the record as it was, and an edit after a clearance must not ride on it. The earlier decision is kept in the
    evidence.
    """
    now = now or timezone.now()
    found = {finding.rule: finding for finding in check.findings}
    for rule in RECORD_RULES:
        finding = found.get(rule)
        if finding is None:
            flags_of(subject).filter(rule=rule, status=FlagStatus.OPEN).delete()
            continue
        existing = flags_of(subject).filter(rule=rule).first()
        evidence = finding.evidence
        if existing is not None:
            earlier = existing.evidence.get(EARLIER_REVIEW)
            shown = {k: v for k, v in existing.evidence.items() if k != EARLIER_REVIEW}
            if existing.status != FlagStatus.OPEN and shown != evidence:
                earlier = {
                    "status": existing.status,
                    "reviewed_at": existing.reviewed_at.isoformat() if existing.reviewed_at else None,
                    "reason": existing.review_reason,
                    "evidence": shown,
                }
                IntegrityFlag.objects.filter(pk=existing.pk).update(
                    status=FlagStatus.OPEN,
                    evidence={**evidence, EARLIER_REVIEW: earlier},
                    raised_at=now,
                    reviewed_by=None,
                    reviewed_at=None,
                    review_reason="",
                )
                continue
            if earlier is not None:
                evidence = {**evidence, EARLIER_REVIEW: earlier}
        raise_flag(subject, rule, school=school, school_class=school_class, evidence=evidence, now=now)
