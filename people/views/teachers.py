"""A school administrator's teachers: import from a spreadsheet, staff sign-in slips, and which classes each
teacher teaches (with the head teacher marked)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import audit
from core.addresses import site_url
from core.ratelimit import ratelimit

from .. import scope
from ..forms import TeacherClassesForm, TeacherUploadForm
from ..models import ClassTeacher, RoleKind, SchoolYear
from ..teachers import COLUMN_LABELS, import_teachers
from .access import managed_school
from .school import handle_upload, stored_upload


def _teachers(school):
    return (
        get_user_model()
        .objects.filter(roles__school=school, roles__kind=RoleKind.TEACHER)
        .select_related("initial_password")
        .order_by("username")
        .distinct()
    )


@login_required
@never_cache
@ratelimit("roster_import", limit=30, window=3600)
@require_http_methods(["GET", "POST"])
def teacher_upload(request, code):
    school = managed_school(request.user, code)
    form = TeacherUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return handle_upload(request, school, form, "teachers", "people:teacher_preview")
    return render(request, "people/teacher_upload.html", {"school": school, "form": form})


@login_required
@never_cache
@ratelimit("roster_import", limit=30, window=3600)
@require_http_methods(["GET", "POST"])
def teacher_preview(request, code, pk):
    """GET shows every problem or what would change; POST re-checks the stored file and commits it."""
    school = managed_school(request.user, code)
    upload, data, damaged = stored_upload(request, school, "teachers", pk, "people:teacher_upload")
    if damaged:
        return damaged
    commit = request.method == "POST"
    result = import_teachers(
        school, data, actor=request.user, dry_run=not commit, request=request, filename=upload.filename
    )
    if result.committed:
        upload.delete()
        messages.success(
            request,
            _("Teachers imported: %(created)s new accounts, %(links)s class links added.")
            % {"created": result.created, "links": result.links_added},
        )
        return redirect("people:teacher_slips", code=school.code)
    return render(
        request,
        "people/teacher_preview.html",
        {"school": school, "upload": upload, "result": result, "columns": COLUMN_LABELS},
        status=400 if commit else 200,
    )


@login_required
def teacher_list(request, code):
    school = managed_school(request.user, code)
    year = SchoolYear.current()
    teachers = list(_teachers(school))
    links = (
        ClassTeacher.objects.filter(teacher__in=teachers, school_class__school=school, school_class__school_year=year)
        .select_related("school_class__school")
        .order_by("school_class__grade", "school_class__number")
    )
    by_teacher: dict[int, list] = {}
    for link in links:
        by_teacher.setdefault(link.teacher_id, []).append(link)
    for teacher in teachers:
        teacher.links = by_teacher.get(teacher.pk, [])
    return render(request, "people/teacher_list.html", {"school": school, "year": year, "teachers": teachers})


@login_required
@never_cache
def teacher_slips(request, code):
    """One slip per teacher with the sign-in name and, until the teacher changes it, the initial password."""
    school = managed_school(request.user, code)
    teachers = [t for t in _teachers(school) if t.is_active]
    audit.record(
        "people.slips_printed", request=request, target=f"{school.code} teachers", district_id=school.district_id
    )
    context = {"school": school, "teachers": teachers, "sign_in_url": site_url(reverse("people:login"))}
    return render(request, "people/teacher_slips.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def teacher_classes(request, code, user_id):
    school = managed_school(request.user, code)
    teacher = _teachers(school).filter(pk=user_id).first()
    if teacher is None:
        raise Http404
    year = SchoolYear.current()
    classes = (
        scope.classes_for(request.user)
        .filter(school=school, school_year=year)
        .select_related("school")
        .order_by("grade", "number")
    )
    current = ClassTeacher.objects.filter(teacher=teacher, school_class__in=classes)
    initial = {
        "classes": [link.school_class_id for link in current],
        "head_of": next((link.school_class_id for link in current if link.is_head_teacher), None),
    }
    form = TeacherClassesForm(request.POST or None, initial=initial, classes=classes)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["classes"])
        head = form.cleaned_data["head_of"]
        if head is not None:
            chosen.add(head)
        set_teacher_classes(teacher, classes, chosen, head)
        audit.record(
            "people.teacher_classes_changed",
            request=request,
            target=teacher.get_username(),
            district_id=school.district_id,
            classes=sorted(c.pk for c in chosen),
            head_of=head.pk if head else None,
        )
        messages.success(request, _("The classes of %(name)s were saved.") % {"name": teacher.get_full_name()})
        return redirect("people:teacher_list", code=school.code)
    return render(request, "people/teacher_classes.html", {"school": school, "teacher": teacher, "form": form})


@transaction.atomic
def set_teacher_classes(teacher, classes, chosen: set, head) -> None:
    """Make `chosen` the teacher's classes among `classes`; a head teacher displaces the class's previous one."""
    ClassTeacher.objects.filter(teacher=teacher, school_class__in=classes).exclude(school_class__in=chosen).delete()
    have = set(
        ClassTeacher.objects.filter(teacher=teacher, school_class__in=chosen).values_list("school_class_id", flat=True)
    )
    ClassTeacher.objects.bulk_create(
        [ClassTeacher(teacher=teacher, school_class=c) for c in chosen if c.pk not in have]
    )
    ClassTeacher.objects.filter(teacher=teacher, school_class__in=classes).exclude(school_class=head).update(
        is_head_teacher=False
    )
    if head is not None:
        ClassTeacher.objects.filter(school_class=head, is_head_teacher=True).exclude(teacher=teacher).update(
            is_head_teacher=False
        )
        ClassTeacher.objects.filter(teacher=teacher, school_class=head).update(is_head_teacher=True)
