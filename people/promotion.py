"""Year-end promotion (升级): every class of a school moves up a grade into the next school year.

Promotion makes new SchoolClass rows (linked by `promoted_from`) and new Enrollment rows; last year's classes
and enrollments are never touched, so every figure about last year stays what it was. Students of the top grade
are marked graduated on the year's last day.

The rules that make it hard to get wrong:
- It runs only after the last term of the year promoted from has ended (`opens_on`), so no term's roll is emptied
  by graduating its students while it still runs.
- Each promotion is a Promotion row; the database allows one live row per school and year promoted from, and the
  school's row is locked while it runs, so a repeated or concurrent request changes nothing the second time.
- It can be undone, restoring the classes and enrollments exactly, until the school's first activity after it
  (an attempt, a lesson opened, an assignment, a class hour, an activity: `register_new_year_activity`, which
  the higher apps call from their AppConfig.ready, as people must not import them), or while anything else
  has been attached to the classes it made.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import audit

from . import membership
from .models import Enrollment, Promotion, School, SchoolClass, SchoolYear, Student
from .signals import roster_changed


class PromotionRefused(Exception):
    """Promotion or its undoing is not allowed now; the message says why, for the administrator."""


@dataclass
class PromotionResult:
    from_year: SchoolYear
    to_year: SchoolYear
    promotion: Promotion | None = None
    already_done: bool = False
    classes_created: int = 0
    students_promoted: int = 0
    students_graduated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.classes_created or self.students_promoted or self.students_graduated)


@dataclass
class PromotionState:
    """What the promotion page offers: promote `from_year` → `to_year` from `opens_on`, or the live `done` one."""

    from_year: SchoolYear
    to_year: SchoolYear
    opens_on: datetime.date
    done: Promotion | None = None
    undo_blockers: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.done is None and timezone.localdate() >= self.opens_on


_activity_sources: list[tuple[object, Callable]] = []


def register_new_year_activity(label, exists: Callable) -> None:
    """`exists(school, year, since)` answers whether the school has this kind of record for the school year
    `year` made at or after `since` (the moment of the promotion into `year`)."""
    _activity_sources.append((label, exists))


def last_term_end(year: SchoolYear) -> datetime.date:
    return year.terms.order_by("-ends_on").values_list("ends_on", flat=True).first() or year.ends_on


def opens_on(year: SchoolYear) -> datetime.date:
    """The first day a school may be promoted out of `year`: the day after its last term ends."""
    return last_term_end(year) + datetime.timedelta(days=1)


def live_promotion(school: School, from_year: SchoolYear) -> Promotion | None:
    return (
        Promotion.objects.filter(school=school, from_year=from_year, undone_at__isnull=True)
        .select_related("from_year", "to_year", "performed_by")
        .first()
    )


def promotion_state(school: School, today: datetime.date | None = None) -> PromotionState | None:
    """The year to promote from is the latest one with classes whose last term has ended (so a new intake
    imported into the coming year does not make the coming year look like the one to promote); before any has
    ended, the latest year with classes, which opens later."""
    today = today or timezone.localdate()
    years = list(SchoolYear.objects.filter(classes__school=school).distinct().order_by("-start_year"))
    if not years:
        return None
    ended = [year for year in years if opens_on(year) <= today]
    from_year = ended[0] if ended else years[0]
    done = live_promotion(school, from_year)
    to_year = done.to_year if done else SchoolYear.get_or_create_for(from_year.start_year + 1)
    state = PromotionState(from_year, to_year, opens_on(from_year), done)
    if done:
        state.undo_blockers = undo_blockers(done)
    return state


def _refuse_date(from_year: SchoolYear, today: datetime.date) -> None:
    first_day = opens_on(from_year)
    if today < first_day:
        raise PromotionRefused(
            _(
                "%(year)s cannot be promoted yet: its last term ends on %(end)s. Promotion opens on %(open)s, "
                "so that no student leaves a class while its term still runs."
            )
            % {
                "year": from_year,
                "end": date_format(last_term_end(from_year)),
                "open": date_format(first_day),
            }
        )


def promote_school(
    school: School, from_year: SchoolYear, to_year: SchoolYear, actor=None, request=None, today=None
) -> PromotionResult:
    """Promote `school` from `from_year` into `to_year`; a second call for the same year changes nothing and
    answers `already_done`. Raises PromotionRefused before the year's last term has ended."""
    if to_year.start_year != from_year.start_year + 1:
        raise PromotionRefused(_("A school is promoted into the school year right after the one it leaves."))
    today = today or timezone.localdate()
    _refuse_date(from_year, today)
    result = PromotionResult(from_year, to_year)
    with transaction.atomic():
        # Promotions of one school queue here; the unique constraint stops the second where no row lock exists.
        School.objects.select_for_update().filter(pk=school.pk).values_list("pk").first()
        existing = live_promotion(school, from_year)
        if existing is not None:
            result.promotion, result.already_done, result.to_year = existing, True, existing.to_year
            return result
        try:
            with transaction.atomic():
                promotion = Promotion.objects.create(
                    school=school,
                    from_year=from_year,
                    to_year=to_year,
                    performed_at=timezone.now(),
                    performed_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            result.promotion, result.already_done = live_promotion(school, from_year), True
            return result
        _promote(school, promotion, result)
    if result.changed:
        audit.record(
            "people.promotion",
            request=request,
            actor=actor,
            target=f"{school.code} {school.name}",
            district_id=school.district_id,
            from_year=str(from_year),
            to_year=str(to_year),
            classes_created=result.classes_created,
            students_promoted=result.students_promoted,
            students_graduated=result.students_graduated,
        )
    return result


def _promote(school: School, promotion: Promotion, result: PromotionResult) -> None:
    from_year, to_year = promotion.from_year, promotion.to_year
    top_grade = max(school.grades)
    old_classes = list(SchoolClass.objects.filter(school=school, school_year=from_year).order_by("grade", "number"))
    new_classes = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school, school_year=to_year)}
    already_enrolled = set(
        Enrollment.objects.filter(school_year=to_year, student__school=school).values_list("student_id", flat=True)
    )
    created_classes, enrollments, graduates = [], [], []
    # Who goes on: the students still on the roll (people.membership) the day after the year ends, or after
    # today when promotion runs later, so nobody who left, graduated or was anonymised is carried on.
    staying_on = max(timezone.localdate(), from_year.ends_on) + datetime.timedelta(days=1)
    for old in old_classes:
        students = list(membership.class_roll(old, staying_on).values_list("student_id", flat=True))
        if old.grade >= top_grade:
            graduates += [pk for pk in students if pk not in already_enrolled]
            continue
        target = new_classes.get((old.grade + 1, old.number))
        if target is None:
            target = SchoolClass.objects.create(
                school=school, school_year=to_year, grade=old.grade + 1, number=old.number, promoted_from=old
            )
            new_classes[(target.grade, target.number)] = target
            created_classes.append(target.pk)
        for pk in students:
            if pk not in already_enrolled:
                # No join date: a promoted student is on the new class's roll from the year's first day, even when
                # promotion runs after that day (people.membership reads an empty `joined_on` so).
                enrollments.append(Enrollment(student_id=pk, school_class=target, school_year=to_year))
    Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    # The year's last day, not the day promotion ran: they were on the roll to the end of the year they finished.
    Student.objects.filter(pk__in=graduates).update(graduated_on=from_year.ends_on)
    roster_changed.send(sender=School, school_id=school.pk, school_year_id=to_year.pk, student_ids=graduates)
    promotion.created_classes = created_classes
    promotion.created_enrollments = sorted(
        Enrollment.objects.filter(school_year=to_year, student_id__in=[e.student_id for e in enrollments]).values_list(
            "pk", flat=True
        )
    )
    promotion.graduated_students = sorted(graduates)
    promotion.save(update_fields=["created_classes", "created_enrollments", "graduated_students"])
    result.promotion = promotion
    result.classes_created = len(created_classes)
    result.students_promoted = len(enrollments)
    result.students_graduated = len(graduates)


def undo_blockers(promotion: Promotion) -> list[str]:
    """Why `promotion` can no longer be undone, one phrase per reason; empty when it can."""
    if promotion.undone_at is not None:
        return [_("it was already undone")]
    school = promotion.school
    reasons = [
        str(label) for label, exists in _activity_sources if exists(school, promotion.to_year, promotion.performed_at)
    ]
    if reasons:
        return reasons
    class_ids = promotion.created_classes
    if Enrollment.objects.filter(school_class_id__in=class_ids).exclude(pk__in=promotion.created_enrollments).exists():
        reasons.append(_("students were added to the new classes"))
    # Anything else that now points at a class promotion made (its teachers, work set for it) would be lost.
    # Hidden relations too: a quiz attempt keeps its class under related_name="+".
    relations = [f for f in SchoolClass._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for rel in relations:
        if rel.related_model in (Enrollment, SchoolClass) or rel.related_model._meta.auto_created:
            continue
        if rel.related_model._default_manager.filter(**{f"{rel.field.name}__in": class_ids}).exists():
            reasons.append(
                _("%(things)s were added to the new classes") % {"things": rel.related_model._meta.verbose_name_plural}
            )
    return reasons


def undo_promotion(promotion: Promotion, actor=None, request=None) -> None:
    """Remove what `promotion` made and give its graduates back their place; refused with the reasons once the
    new year has begun (`undo_blockers`)."""
    school = promotion.school
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).values_list("pk").first()
        promotion = Promotion.objects.select_for_update().select_related("from_year", "to_year").get(pk=promotion.pk)
        reasons = undo_blockers(promotion)
        if reasons:
            raise PromotionRefused(
                _("This promotion can no longer be undone: %(reasons)s.") % {"reasons": _("; ").join(reasons)}
            )
        Enrollment.objects.filter(pk__in=promotion.created_enrollments).delete()
        restored = Student.objects.filter(
            pk__in=promotion.graduated_students, graduated_on=promotion.from_year.ends_on
        ).update(graduated_on=None)
        SchoolClass.objects.filter(pk__in=promotion.created_classes).delete()
        # The graduates' last year counts them again: its figures must hear it (bulk update, no model signal).
        roster_changed.send(
            sender=School,
            school_id=school.pk,
            school_year_id=promotion.from_year_id,
            student_ids=list(promotion.graduated_students),
        )
        promotion.undone_at = timezone.now()
        promotion.undone_by = actor if getattr(actor, "pk", None) else None
        promotion.save(update_fields=["undone_at", "undone_by"])
    audit.record(
        "people.promotion_undone",
        request=request,
        actor=actor,
        target=f"{school.code} {school.name}",
        district_id=school.district_id,
        from_year=str(promotion.from_year),
        to_year=str(promotion.to_year),
        classes_removed=len(promotion.created_classes),
        enrollments_removed=len(promotion.created_enrollments),
        graduations_undone=restored,
    )
