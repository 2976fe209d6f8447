from urllib.parse import urlencode

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.paging import paginate

from .. import dashboard
from ..access import bureau_only
from ..charts import trend_chart
from ..metrics import plan_formula
from ..models import PlanTask
from ..rollup import freshness
from .common import filter_context, filters_for
from .tables import cells, sort_headers

# Rows of the school table on one screen: a district of 1,000 schools would be megabytes of HTML on a phone.
SCHOOLS_PER_PAGE = 50

TREND_SERIES = [
    ("participation", gettext_lazy("Student participation rate"), "line-participation"),
    ("pass", gettext_lazy("Pass rate"), "line-pass"),
    ("target", gettext_lazy("Participation target"), "line-target"),
]


def _plan_with_tasks(plan):
    if plan is None:
        return None
    from ..models import Plan

    return (
        Plan.objects.prefetch_related(Prefetch("tasks", queryset=PlanTask.objects.prefetch_related("targets")))
        .filter(pk=plan.pk)
        .first()
    )


@bureau_only
def dashboard_view(request):
    district = request.district
    filters, plan, years = filters_for(request, district.id)
    plan = _plan_with_tasks(plan)
    rows = dashboard.school_rows(filters.rows(district.id), plan)
    dashboard.add_staff(rows, plan, filters.start_year, filters.period)
    total = dashboard.total_row(rows, plan, _("District"))
    chosen = {"district": district.id} if request.GET.get("district") else {}
    sort = request.GET.get("sort", "composite")
    sort = sort if sort in dashboard.SORT_KEYS else "composite"
    descending = request.GET.get("dir", "desc") != "asc"
    page, page_query = paginate(request, dashboard.sort_rows(rows, sort, descending), SCHOOLS_PER_PAGE)
    suffix = "?" + urlencode({"year": filters.start_year, "period": filters.period})
    for row in page:
        row.link = reverse("plans:school", args=[row.key["school_id"]]) + suffix
    points = dashboard.trend(district.id, plan, filters.band, filters.kind)
    context = {
        "district": district,
        "plan": plan,
        "formula": plan_formula(plan),
        "total": total,
        "total_cells": cells(total),
        "targets": dashboard.target_lines(plan, filters.start_year, total.figures),
        # A reader of several districts (a city or province officer) keeps the one she chose while sorting.
        "headers": sort_headers({**filters.as_query(), **chosen}, sort, descending),
        "district_choice": chosen.get("district"),
        "table": [(row, cells(row)) for row in page],
        "page": page,
        "page_query": page_query,
        "behind": dashboard.most_behind(rows, plan, filters.start_year),
        "trend": points,
        "chart": trend_chart(points, TREND_SERIES) if points else None,
        "freshness": freshness(filters.rows(district.id), district.id, filters.start_year),
        **filter_context(filters, years),
    }
    return render(request, "plans/dashboard.html", context)
