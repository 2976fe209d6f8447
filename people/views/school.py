"""The school administrator's pages: her school, roster import (upload → preview → commit), promotion."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.ratelimit import ratelimit

from .. import membership, scope
from ..forms import RosterUploadForm
from ..models import Promotion, RosterUpload, SchoolYear
from ..promotion import PromotionRefused, live_promotion, promote_school, promotion_state, undo_promotion
from ..roster import COLUMN_LABELS, import_roster
from ..uploads import is_expired, purge_expired
from .access import managed_school


@login_required
def school_list(request):
    schools = list(scope.managed_schools_for(request.user))
    if len(schools) == 1:
        return redirect("people:school_home", code=schools[0].code)
    if not schools:
        raise PermissionDenied
    return render(request, "people/school_list.html", {"schools": schools})


@login_required
def school_home(request, code):
    school = managed_school(request.user, code)
    year = SchoolYear.current()
    classes = list(
        scope.classes_for(request.user)
        .filter(school=school, school_year=year)
        .select_related("school", "school_year")
        .order_by("grade", "number")
    )
    counts = membership.roll_counts(classes)
    for school_class in classes:
        school_class.students = counts[school_class.pk]
    return render(
        request,
        "people/school_home.html",
        {
            "school": school,
            "year": year,
            "classes": classes,
            "years": SchoolYear.objects.filter(classes__school=school).exists(),
        },
    )


def handle_upload(request, school, form, kind: str, preview_url: str):
    """Keep a checked upload between its preview and its commit; answer the redirect to the preview."""
    purge_expired()
    data = form.cleaned_data["data"]
    upload = RosterUpload.objects.create(
        school=school,
        uploaded_by=request.user,
        kind=kind,
        filename=form.cleaned_data["file"].name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    return redirect(preview_url, code=school.code, pk=upload.pk)


def stored_upload(request, school, kind: str, pk: int, upload_url: str):
    """The user's own pending upload and its bytes, or (upload, None, redirect) when it expired or was damaged."""
    upload = get_object_or_404(RosterUpload, pk=pk, school=school, uploaded_by=request.user, kind=kind)
    if is_expired(upload):
        upload.delete()
        messages.error(request, _("This upload has expired: uploads are kept for two hours. Upload the file again."))
        return upload, None, redirect(upload_url, code=school.code)
    data = bytes(upload.data)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        upload.delete()
        messages.error(request, _("The stored file was damaged. Upload it again."))
        return upload, None, redirect(upload_url, code=school.code)
    return upload, data, None


@login_required
@never_cache
@ratelimit("roster_import", limit=30, window=3600)
@require_http_methods(["GET", "POST"])
def roster_upload(request, code):
    school = managed_school(request.user, code)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return handle_upload(request, school, form, "students", "people:roster_preview")
    return render(request, "people/roster_upload.html", {"school": school, "form": form})


@login_required
@never_cache
@ratelimit("roster_import", limit=30, window=3600)
@require_http_methods(["GET", "POST"])
def roster_preview(request, code, pk):
    """GET shows every problem or what would change; POST re-checks the stored file and commits it."""
    school = managed_school(request.user, code)
    upload, data, damaged = stored_upload(request, school, "students", pk, "people:roster_upload")
    if damaged:
        return damaged
    commit = request.method == "POST"
    result = import_roster(
        school, data, actor=request.user, dry_run=not commit, request=request, filename=upload.filename
    )
    if result.committed:
        upload.delete()
        messages.success(
            request,
            _("Roster imported: %(created)s new students, %(updated)s updated, %(moved)s moved.")
            % {"created": result.created, "updated": result.updated, "moved": result.moved},
        )
        return redirect("people:school_home", code=school.code)
    return render(
        request,
        "people/roster_preview.html",
        {"school": school, "upload": upload, "result": result, "columns": COLUMN_LABELS},
        status=400 if commit else 200,
    )


def _promotion_done_message(promotion) -> str:
    return _("%(school)s was already promoted from %(from)s to %(to)s on %(date)s. Nothing was changed.") % {
        "school": promotion.school.name,
        "from": promotion.from_year,
        "to": promotion.to_year,
        "date": date_format(timezone.localtime(promotion.performed_at), "DATETIME_FORMAT"),
    }


def _posted_year(request, name):
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def promote(request, code):
    """GET shows what promotion would do, or the promotion already done and whether it can be undone. The form
    carries the two years it showed: a repeated POST finds them promoted and changes nothing."""
    school = managed_school(request.user, code)
    state = promotion_state(school)
    if state is None:
        messages.warning(request, _("This school has no classes to promote."))
        return redirect("people:school_home", code=school.code)
    if request.method == "POST":
        posted = _posted_year(request, "from_year"), _posted_year(request, "to_year")
        done = live_promotion(school, SchoolYear.objects.filter(start_year=posted[0]).first()) if posted[0] else None
        if done is not None:
            messages.info(request, _promotion_done_message(done))
            return redirect("people:promote", code=school.code)
        if posted != (state.from_year.start_year, state.to_year.start_year):
            messages.error(
                request,
                _("This form was for other school years than the ones to promote now. Check the page and try again."),
            )
            return redirect("people:promote", code=school.code)
        try:
            result = promote_school(school, state.from_year, state.to_year, actor=request.user, request=request)
        except PromotionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("people:promote", code=school.code)
        if result.already_done:
            messages.info(request, _promotion_done_message(result.promotion))
            return redirect("people:promote", code=school.code)
        messages.success(
            request,
            _(
                "Promotion done: %(classes)s classes created in %(year)s, %(promoted)s students moved up, "
                "%(graduated)s graduated."
            )
            % {
                "classes": result.classes_created,
                "year": state.to_year,
                "promoted": result.students_promoted,
                "graduated": result.students_graduated,
            },
        )
        return redirect("people:school_home", code=school.code)
    classes = school.classes.filter(school_year=state.from_year).select_related("school").order_by("grade", "number")
    return render(
        request,
        "people/promote.html",
        {
            "school": school,
            "state": state,
            "from_year": state.from_year,
            "to_year": state.to_year,
            "classes": classes,
            "top_grade": max(school.grades),
        },
    )


@login_required
@require_POST
def promote_undo(request, code):
    school = managed_school(request.user, code)
    promotion = get_object_or_404(Promotion, pk=_posted_year(request, "promotion") or 0, school=school)
    try:
        undo_promotion(promotion, actor=request.user, request=request)
    except PromotionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("people:promote", code=school.code)
    messages.success(
        request,
        _("The promotion from %(from)s to %(to)s was undone: its classes and enrollments were removed.")
        % {"from": promotion.from_year, "to": promotion.to_year},
    )
    return redirect("people:promote", code=school.code)
