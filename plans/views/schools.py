"""Drill-down: school → class → student, and the records behind each figure. Scoped by people.scope."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classroom.activity_types import label_of
from classroom.models import Activity, ClassHourLog
from people.models import School, SchoolClass
from people.scope import classes_for, schools_for
from quizzes.models import Attempt

from .. import dashboard, metrics
from ..access import own_school_redirect, signed_in
from ..dashboard import Column
from ..models import ClassFigures, LedgerItem, Period
from ..planning import plan_for
from .common import filter_context, filters_for
from .dashboard import _plan_with_tasks
from .tables import cells, sort_headers

# The dashboard's columns (the 通报's) and the parents' acknowledgement rate (告家长书), which the bureau reads
# class by class here and which the 通报 table does not carry.
CLASS_COLUMNS = (
    [Column("name", gettext_lazy("Class"), percent=False, numeric=False)]
    + [c for c in dashboard.SCHOOL_COLUMNS if c.key not in ("name", "township", "composite", "flagged")]
    + [Column("family", gettext_lazy("Parents' acknowledgement rate"))]
    + [c for c in dashboard.SCHOOL_COLUMNS if c.key in ("composite", "flagged")]
)
RECORD_KINDS = ("roll", "attempts", "hours", "activities")


def _can_see_figures(user) -> bool:
    from ..access import is_bureau, is_school_admin

    return is_bureau(user) or is_school_admin(user)


@signed_in
def my_school(request):
    return own_school_redirect(request)


@signed_in
def school_view(request, pk: int):
    if not _can_see_figures(request.user):
        raise PermissionDenied
    school = get_object_or_404(schools_for(request.user), pk=pk)
    filters, plan, years = filters_for(request, school.district_id)
    plan = _plan_with_tasks(plan)
    rows = ClassFigures.objects.filter(school=school, school_year__start_year=filters.start_year, period=filters.period)
    class_rows = dashboard.class_rows(rows, plan)
    names = {
        c.id: c
        for c in SchoolClass.objects.filter(id__in=[r.key["school_class_id"] for r in class_rows]).select_related(
            "school"
        )
    }
    suffix = "?" + urlencode({"period": filters.period})
    for row in class_rows:
        school_class = names[row.key["school_class_id"]]
        row.name = school_class.name
        row.link = reverse("plans:class", args=[school_class.pk]) + suffix
    total = dashboard.total_row(class_rows, plan, _("School"))
    if metrics.plan_reads_staff(plan):
        staff = metrics.staff_for(School.objects.filter(pk=school.pk), filters.start_year, filters.period)
        total.figures.staff = tuple(staff.values())
    items = (
        LedgerItem.objects.filter(school=school, school_year__start_year=filters.start_year)
        .select_related("task", "school_year")
        .order_by("task__order", "task_id")
    )
    context = {
        "school": school,
        "plan": plan,
        "formula": metrics.plan_formula(plan),
        "targets": dashboard.target_lines(plan, filters.start_year, total.figures),
        "headers": [dict(h, href="") for h in sort_headers({}, "", False, CLASS_COLUMNS)],
        "table": [(row, cells(row, CLASS_COLUMNS)) for row in class_rows],
        "total_cells": cells(total, CLASS_COLUMNS),
        "total": total,
        "items": items,
        "hide_band": True,
        **filter_context(filters, years),
    }
    return render(request, "plans/school.html", context)


def _class_in_scope(request, pk: int) -> SchoolClass:
    if not _can_see_figures(request.user):
        raise PermissionDenied
    return get_object_or_404(classes_for(request.user).select_related("school", "school_year"), pk=pk)


def _period(request) -> str:
    period = request.GET.get("period", Period.YEAR)
    return period if period in Period.values else Period.YEAR.value


def _counts_flagged(school_class: SchoolClass) -> bool:
    return metrics.counts_flagged(plan_for(school_class.school.district_id, school_class.school_year.start_year))


@signed_in
def class_view(request, pk: int):
    school_class = _class_in_scope(request, pk)
    period = _period(request)
    count_flagged = _counts_flagged(school_class)
    figures_rows = {row.period: row for row in ClassFigures.objects.filter(school_class=school_class)}
    row = figures_rows.get(period)
    figures = metrics.Figures.from_mapping(row.__dict__, count_flagged) if row else metrics.Figures()
    context = {
        "school_class": school_class,
        "period": period,
        "period_choices": Period.choices,
        "figures": figures,
        "students": metrics.student_lines(school_class, period, count_flagged),
        "flagged_rule": metrics.flagged_rule_text(count_flagged),
        "refreshed": row.refreshed_at if row else None,
    }
    return render(request, "plans/class.html", context)


@signed_in
def records_view(request, pk: int, what: str):
    if what not in RECORD_KINDS:
        raise Http404
    school_class = _class_in_scope(request, pk)
    period = _period(request)
    context = {
        "school_class": school_class,
        "period": period,
        "what": what,
        "period_label": Period(period).label,
        "flagged_rule": metrics.flagged_rule_text(_counts_flagged(school_class)),
    }
    if what == "roll":
        start, end = metrics.period_dates(school_class.school_year)[period]
        context["enrollments"] = (
            metrics.roll_queryset(SchoolClass.objects.filter(pk=school_class.pk), school_class.school_year, start, end)
            .select_related("student__user")
            .order_by("student__student_number")
        )
    elif what == "hours":
        context["logs"] = (
            metrics.class_hour_logs(school_class, period)
            .annotate(flagged=metrics.is_flagged(ClassHourLog))
            .select_related("lesson")
            .order_by("taught_on")
        )
    elif what == "activities":
        activities = list(
            metrics.class_activities(school_class, period)
            .annotate(flagged=metrics.is_flagged(Activity))
            .prefetch_related("evidence")
            .order_by("held_on")
        )
        for activity in activities:
            activity.type_label = label_of(activity.type)
        context["activities"] = activities
    else:
        attempts = metrics.counted_attempts(school_class, period).annotate(flagged=metrics.is_flagged(Attempt))
        student = request.GET.get("student", "")
        if student.isdigit():
            attempts = attempts.filter(student_id=int(student))
        context["attempts"] = attempts.select_related("student__user", "quiz").order_by(
            "student__student_number", "quiz_id", "number"
        )[:2000]
    return render(request, "plans/records.html", context)
