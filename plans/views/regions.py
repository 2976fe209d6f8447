"""The region pages of city and province officers: the region's figures and the ranking of the units below it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from people.models import RegionLevel, SchoolYear
from people.scope import regions_for

from ..access import signed_in
from ..dashboard import Filters
from ..regions import region_table
from ..report import (
    COLUMN_CHOICES,
    RANK_RULE,
    REPORT_COLUMNS,
    REPORT_SORT_KEYS,
    cells,
    ranked_cells,
    shown_columns,
    sort_report,
)
from .common import filter_context
from .tables import ranking_headers


def _filters(request) -> tuple[Filters, list[int]]:
    current = SchoolYear.current().start_year
    years = sorted(
        set(SchoolYear.objects.filter(start_year__lte=current).values_list("start_year", flat=True)) | {current}
    )
    return Filters.from_query(request.GET, current, years), years


@signed_in
def region_list(request):
    regions = list(regions_for(request.user).select_related("parent").order_by("level", "code"))
    if not regions:
        raise PermissionDenied
    return render(request, "plans/regions.html", {"regions": regions})


@signed_in
def region_view(request, pk: int):
    # Outside what she may see is "not found", as for every object of another unit (people/views/access.py).
    region = get_object_or_404(regions_for(request.user).select_related("parent"), pk=pk)
    filters, years = _filters(request)
    table = region_table(request.user, region, filters)
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in REPORT_SORT_KEYS else "rank"
    descending = request.GET.get("dir", "asc" if sort == "rank" else "desc") == "desc"
    choice = request.GET.get("cols", "compact")
    choice = choice if choice in COLUMN_CHOICES else "compact"
    shown = shown_columns(choice)
    query = {"year": filters.start_year, "period": filters.period, "cols": choice}
    total_cells = [None, *cells(table.total)]
    lines = sort_report(table.lines, sort, descending)
    context = {
        "region": region,
        "table": table,
        "formula": table.formula,
        "rank_rule": RANK_RULE,
        "headers": ranking_headers(query, sort, descending, [REPORT_COLUMNS[i] for i in shown]),
        "lines": [(line, [ranked_cells(line)[i] for i in shown]) for line in lines],
        "total": [total_cells[i] for i in shown],
        "columns": choice,
        "below": _("Cities and counties") if region.level == RegionLevel.PROVINCE else _("Counties"),
        **filter_context(filters, years),
    }
    return render(request, "plans/region.html", context)
