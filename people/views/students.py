"""One student's page, the export of everything held about her, and anonymisation after she left."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from .. import privacy, scope
from .access import managed_student, visible_student
from .slips import may_issue_codes


@login_required
def student_detail(request, pk):
    student = visible_student(request.user, pk)
    enrollments = student.enrollments.select_related("school_year", "school_class__school").order_by(
        "-school_year__start_year"
    )
    return render(
        request,
        "people/student_detail.html",
        {
            "student": student,
            "enrollments": enrollments,
            "can_manage": scope.can_manage_school(request.user, student.school),
            "can_reset": scope.can_reset_password(request.user, student.user),
            "can_slip": student.is_active and may_issue_codes(request.user, student),
        },
    )


@login_required
@never_cache
@require_safe
def student_export(request, pk):
    student = managed_student(request.user, pk)
    privacy.record_export(student, request.user, request)
    body = json.dumps(privacy.student_data(student), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="student-{student.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def student_anonymise(request, pk):
    student = managed_student(request.user, pk)
    if request.method == "POST":
        school_code = student.school.code
        privacy.anonymise_student(student, request.user, request)
        messages.success(
            request, _("The student's name and number were removed. Class and school figures are unchanged.")
        )
        return redirect("people:school_home", code=school_code)
    return render(request, "people/student_anonymise.html", {"student": student})
