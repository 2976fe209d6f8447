"""The 通报 table on screen, as CSV (streamed) and as XLSX (written by a task, then downloaded)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import audit
from core.paging import paginate
from core.ratelimit import ratelimit
from people.models import SchoolYear

from ..access import bureau_only, signed_in
from ..exports import csv_stream, export_path
from ..metrics import plan_formula
from ..models import ExportStatus, TableExport
from ..report import (
    COLUMN_CHOICES,
    GROUPINGS,
    RANK_RULE,
    REPORT_COLUMNS,
    REPORT_SORT_KEYS,
    cells,
    ranked_cells,
    report_lines,
    shown_columns,
    sort_report,
)
from ..rollup import freshness
from ..tasks import write_table_export
from .common import filter_context, filters_for
from .tables import ranking_headers

# Lines of the table on one screen; the CSV and XLSX carry every line.
LINES_PER_PAGE = 100


def _group_by(request) -> str:
    value = request.GET.get("by") or request.POST.get("by") or "school"
    return value if value in GROUPINGS else "school"


@bureau_only
def report_view(request):
    district = request.district
    filters, plan, years = filters_for(request, district.id)
    filters.band = filters.kind = ""
    group_by = _group_by(request)
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in REPORT_SORT_KEYS else "rank"
    descending = request.GET.get("dir", "asc" if sort == "rank" else "desc") == "desc"
    choice = request.GET.get("cols", "compact")
    choice = choice if choice in COLUMN_CHOICES else "compact"
    shown = shown_columns(choice)
    lines, total = report_lines(district.id, filters, plan, group_by)
    page, page_query = paginate(request, sort_report(lines, sort, descending), LINES_PER_PAGE)
    query = {"year": filters.start_year, "period": filters.period, "by": group_by, "cols": choice}
    total_cells = [None, *cells(total)]
    context = {
        "district": district,
        "plan": plan,
        "formula": plan_formula(plan),
        "rank_rule": RANK_RULE,
        "headers": ranking_headers(query, sort, descending, [REPORT_COLUMNS[i] for i in shown]),
        "lines": [[ranked_cells(line)[i] for i in shown] for line in page],
        "page": page,
        "page_query": page_query,
        "total": [total_cells[i] for i in shown],
        "group_by": group_by,
        "columns": choice,
        "freshness": freshness(filters.rows(district.id), district.id, filters.start_year),
        "exports": TableExport.objects.filter(requested_by=request.user, district=district)[:5],
        "hide_band": True,
        **filter_context(filters, years),
    }
    return render(request, "plans/report.html", context)


@bureau_only
def report_csv(request):
    district = request.district
    filters, _plan, _years = filters_for(request, district.id)
    filters.band = filters.kind = ""
    group_by = _group_by(request)
    audit.record("plans.export_csv", request=request, target=district.name, district_id=district.id, by=group_by)
    response = StreamingHttpResponse(csv_stream(district.id, filters, group_by), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tongbao-{filters.start_year}-{filters.period}.csv"'
    return response


@require_POST
@bureau_only
@ratelimit("plans-export", limit=10)
def export_create(request):
    district = request.district
    filters, _plan, _years = filters_for(request, district.id)
    try:
        start_year = int(request.POST.get("year", filters.start_year))
    except ValueError:
        start_year = filters.start_year
    period = request.POST.get("period", filters.period)
    export = TableExport.objects.create(
        requested_by=request.user,
        district=district,
        school_year=SchoolYear.get_or_create_for(start_year),
        period=period if period in ("year", "t1", "t2") else "year",
        group_by=_group_by(request),
    )
    audit.record("plans.export_xlsx", request=request, target=district.name, district_id=district.id, export=export.pk)
    write_table_export.enqueue(export.pk)
    return redirect("plans:export", pk=export.pk)


def _export(request, pk: int) -> TableExport:
    export = get_object_or_404(TableExport, pk=pk, requested_by=request.user)
    from people.scope import districts_for

    if not districts_for(request.user).filter(pk=export.district_id).exists():
        raise PermissionDenied
    return export


@signed_in
def export_detail(request, pk: int):
    export = _export(request, pk)
    return render(
        request, "plans/export.html", {"export": export, "status_url": reverse("plans:export_status", args=[pk])}
    )


@signed_in
def export_status(request, pk: int):
    export = _export(request, pk)
    return JsonResponse(
        {
            "status": export.status,
            "label": str(export.get_status_display()),
            "percent": export.percent_done,
            "attempts": export.attempts,
            "retrying": export.is_retrying,
            "reason": str(export.failure_reason),
            "download": reverse("plans:export_download", args=[pk]) if export.status == ExportStatus.DONE else "",
        }
    )


@signed_in
def export_download(request, pk: int):
    export = _export(request, pk)
    if export.status != ExportStatus.DONE:
        raise Http404
    path = export_path(export)
    if not path.exists():
        raise Http404
    name = f"tongbao-{export.school_year.start_year}-{export.period}-{export.group_by}.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
