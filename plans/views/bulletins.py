"""通报 documents: the district's list and a new draft (bureau), one document (the bureau, and the schools a
published one names), its DOCX and PDF, and publishing it. Who may see what is plans.bulletin's, on people.scope."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import audit
from core.ratelimit import ratelimit
from core.sanitize import safe_html

from .. import bulletin as documents
from ..access import bureau_only, signed_in
from ..forms import BulletinForm
from ..models import Bulletin
from .common import filters_for

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@bureau_only
def bulletin_list(request):
    district = request.district
    filters, _plan, _years = filters_for(request, district.id)
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from people.models import SchoolYear

        created = Bulletin.objects.create(
            district=district,
            school_year=SchoolYear.get_or_create_for(filters.start_year),
            period=filters.period,
            created_by=request.user,
            **form.cleaned_data,
        )
        audit.record("plans.bulletin_create", request=request, target=created.title, district_id=district.id)
        return redirect("plans:bulletin", pk=created.pk)
    context = {
        "district": district,
        "form": form,
        "bulletins": Bulletin.objects.filter(district=district).select_related("school_year")[:50],
        "filters": filters,
    }
    return render(request, "plans/bulletins.html", context, status=400 if form.errors else 200)


def _bulletin(request, pk: int) -> Bulletin:
    return get_object_or_404(documents.visible_bulletins(request.user).select_related("school_year", "district"), pk=pk)


@signed_in
def bulletin_detail(request, pk: int):
    bulletin = _bulletin(request, pk)
    context = {
        "bulletin": bulletin,
        "body": safe_html(bulletin.body),
        "content": documents.content_of(bulletin),
        "may_edit": documents.may_edit(request.user, bulletin),
    }
    return render(request, "plans/bulletin.html", context)


@signed_in
def bulletin_file(request, pk: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    bulletin = _bulletin(request, pk)
    data = documents.write_docx(bulletin) if fmt == "docx" else documents.write_pdf(bulletin)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="tongbao-{bulletin.pk}.{fmt}"'
    return response


@require_POST
@signed_in
@ratelimit("plans-bulletin", limit=30)
def bulletin_publish(request, pk: int):
    bulletin = _bulletin(request, pk)
    if not documents.may_edit(request.user, bulletin):
        raise PermissionDenied
    documents.publish(bulletin, request.user, request=request)
    return redirect("plans:bulletin", pk=bulletin.pk)
