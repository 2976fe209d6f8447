"""Class-hour logs (授课记录), 五个一 activities with their evidence, and student works."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import ratelimit
from people import membership, scope
from people.models import Enrollment, SchoolYear

from .. import activity_types, exports, hour_files, hours, permissions, services
from ..forms import ActivityForm, ClassHourFilterForm, ClassHourForm, EvidenceForm, StudentWorkForm
from ..history import revisions_of
from ..models import Activity, ActivityEvidence, ClassHourFile, ClassHourLog, StudentWork
from .access import get_in, require_teaching_staff

# --- class hours ----------------------------------------------------------------------------------------


def _visible_logs(request):
    """The class-hour logs of this school year the user sees, filtered by the list's form, and that form."""
    require_teaching_staff(request.user)
    year = SchoolYear.current()
    classes = (
        scope.classes_for(request.user)
        .filter(school_year=year)
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )
    filters = ClassHourFilterForm(request.GET or None, classes=classes)
    logs = scope.in_classes_for(request.user, ClassHourLog.objects.all()).filter(school_class__school_year=year)
    if request.GET:
        logs = filters.apply(logs)
    return logs, filters


def _listed(logs):
    # The file count is for display only: sums of hours are taken on `logs` itself, never on this join.
    return logs.select_related("school_class__school", "lesson", "teacher", "term").annotate(file_count=Count("files"))


@login_required
def class_hours(request):
    logs, filters = _visible_logs(request)
    changeable = set(scope.in_taught_classes_for(request.user, ClassHourLog.objects.all()).values_list("pk", flat=True))
    # The sum plans.metrics uses for hours delivered (classroom.hours): every log, and those no flag holds back.
    total = hours.delivered(logs, count_flagged=True)
    query = request.GET.urlencode()
    return render(
        request,
        "classroom/class_hours.html",
        {
            "logs": _listed(logs)[:200],
            "filters": filters,
            "filtered": bool(request.GET),
            "query": f"?{query}" if query else "",
            "changeable": changeable,
            "total": total,
            "flagged_hours": total - hours.delivered(logs, count_flagged=False),
        },
    )


@login_required
def class_hours_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise PermissionDenied
    logs, filters = _visible_logs(request)
    return exports.class_hours_response(request, _listed(logs), fmt, filters=filters)


@login_required
@ratelimit("classroom.evidence", limit=30, window=300)
def class_hour_edit(request, pk: int | None = None):
    require_teaching_staff(request.user)
    log = get_in(scope.in_taught_classes_for(request.user, ClassHourLog.objects.all()), pk) if pk else None
    initial = {}
    if log is None:
        if request.GET.get("class", "").isdigit():
            initial["school_class"] = int(request.GET["class"])
        if request.GET.get("lesson", "").isdigit():
            initial["lesson"] = int(request.GET["lesson"])
    form = ClassHourForm(request.POST or None, request.FILES or None, instance=log, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        stage = "log"
        try:
            # The log and its files are saved together or not at all, as an activity and its evidence are.
            with transaction.atomic():
                saved = services.save_class_hour(request.user, form.save(commit=False))
                stage = "files"
                hour_files.add_files(request.user, saved, form.cleaned_data["files"])
        except ValidationError as error:
            if log is None:
                form.instance.pk = None
            # Else another log for the same class and day was saved between the form's check and this save.
            form.add_error("files" if stage == "files" else None, error.messages)
        else:
            messages.success(request, _("The class hour was recorded."))
            return redirect("classroom:class_progress", pk=saved.school_class_id)
    return render(
        request,
        "classroom/class_hour_form.html",
        {
            "form": form,
            "log": log,
            "files": log.files.select_related("uploaded_by") if log else [],
            "revisions": revisions_of(log) if log else [],
        },
    )


@login_required
@require_POST
def class_hour_file_delete(request, pk: int):
    record = get_in(
        ClassHourFile.objects.filter(
            log__in=scope.in_taught_classes_for(request.user, ClassHourLog.objects.all())
        ).select_related("log"),
        pk,
    )
    hour_files.remove_file(request.user, record)
    messages.success(request, _("The file was removed."))
    return redirect("classroom:class_hour_edit", pk=record.log_id)


@login_required
@require_POST
def class_hour_delete(request, pk: int):
    log = get_in(scope.in_taught_classes_for(request.user, ClassHourLog.objects.all()), pk)
    services.delete_class_hour(request.user, log)
    messages.success(request, _("The class-hour log was deleted; its history is kept."))
    return redirect("classroom:class_hours")


# --- activities -----------------------------------------------------------------------------------------


@login_required
def activities(request):
    roles = scope.roles_of(request.user)
    if not (permissions.is_teaching_staff(request.user) or roles.is_bureau):
        raise PermissionDenied
    rows = (
        scope.in_schools_for(request.user, Activity.objects.all())
        .filter(term__school_year=SchoolYear.current())
        .select_related("school")
        .annotate(files=Count("evidence"))
    )
    items = [{"activity": a, "type_label": activity_types.label_of(a.type, a.school, a.held_on)} for a in rows[:200]]
    return render(
        request,
        "classroom/activities.html",
        {"items": items, "can_record": permissions.may_record_activities(request.user)},
    )


@login_required
@ratelimit("classroom.evidence", limit=30, window=300)
def activity_edit(request, pk: int | None = None):
    schools = scope.recording_schools_for(request.user)
    if not schools.exists():
        raise PermissionDenied
    activity = get_in(scope.changeable_in_schools_for(request.user, Activity.objects.all()), pk) if pk else None
    form = ActivityForm(
        request.POST or None, request.FILES or None, instance=activity, user=request.user, schools=schools
    )
    if request.method == "POST" and form.is_valid():
        stage = "activity"
        try:
            # The activity and its evidence are saved together or not at all: a refused file leaves no
            # activity behind that the teacher would then record a second time.
            with transaction.atomic():
                saved = services.save_activity(request.user, form.save(commit=False), form.class_counts())
                stage = "files"
                added = services.add_evidence(request.user, saved, form.cleaned_data["files"])
        except ValidationError as error:
            if activity is None:
                form.instance.pk = None
            form.add_error("files" if stage == "files" else None, error.messages)
        else:
            if added:
                messages.success(request, _("The activity was recorded with %(count)s files.") % {"count": len(added)})
            else:
                messages.success(request, _("The activity was recorded. Add its evidence below."))
            return redirect("classroom:activity", pk=saved.pk)
    return render(request, "classroom/activity_form.html", {"form": form, "activity": activity})


@login_required
@ratelimit("classroom.evidence", limit=30, window=300)
def activity(request, pk: int):
    activity = get_in(
        scope.in_schools_for(request.user, Activity.objects.all()).select_related("school", "quiz", "recorded_by"), pk
    )
    can_change = scope.changeable_in_schools_for(request.user, Activity.objects.all()).filter(pk=pk).exists()
    form = EvidenceForm(request.POST or None, request.FILES or None) if can_change else None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                saved = services.add_evidence(request.user, activity, form.cleaned_data["files"])
            except ValidationError as error:
                form.add_error("files", error)
            else:
                messages.success(request, _("%(count)s files added.") % {"count": len(saved)})
                return redirect("classroom:activity", pk=pk)
    if activity.quiz_id:
        services.refresh_participation(activity)
    return render(
        request,
        "classroom/activity.html",
        {
            "activity": activity,
            "type_label": activity_types.label_of(activity.type, activity.school, activity.held_on),
            "class_links": activity.class_links.select_related("school_class__school"),
            "evidence": activity.evidence.select_related("uploaded_by"),
            "works": scope.inside_school_for(request.user, StudentWork.objects.all())
            .filter(activity=activity)
            .select_related("student__user"),
            "form": form,
            "can_change": can_change,
            "revisions": revisions_of(activity) if can_change else [],
        },
    )


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = get_in(
        ActivityEvidence.objects.filter(
            activity__in=scope.changeable_in_schools_for(request.user, Activity.objects.all())
        ).select_related("activity"),
        pk,
    )
    services.remove_evidence(request.user, evidence)
    messages.success(request, _("The file was removed."))
    return redirect("classroom:activity", pk=evidence.activity_id)


# --- student works --------------------------------------------------------------------------------------


def _works_activities(user, school_ids):
    return Activity.objects.filter(school_id__in=school_ids, type="works").order_by("-held_on")


@login_required
@ratelimit("classroom.works", limit=20, window=300)
def works(request):
    roles = scope.roles_of(request.user)
    if roles.is_student:
        student = request.user.student
        school_ids, students = [student.school_id], None
    elif permissions.is_teaching_staff(request.user):
        school_ids = list(scope.staff_school_ids(request.user))
        # The students on the roll now of the classes she teaches this year (people.membership).
        roll = membership.on_roll(
            Enrollment.objects.filter(
                school_class__in=scope.taught_classes_for(request.user).filter(school_year=SchoolYear.current())
            ),
            timezone.localdate(),
        )
        students = (
            scope.students_for(request.user)
            .filter(pk__in=roll.values("student_id"))
            .select_related("user")
            .order_by("student_number")
        )
    else:
        raise PermissionDenied
    form = StudentWorkForm(
        request.POST or None,
        request.FILES or None,
        activities=_works_activities(request.user, school_ids),
        students=students,
    )
    if request.method == "POST" and form.is_valid():
        owner = request.user.student if roles.is_student else form.cleaned_data["student"]
        activity = form.cleaned_data.get("activity")
        if activity is not None and activity.school_id != owner.school_id:
            form.add_error("activity", _("Choose a works collection of the student's school."))
        else:
            try:
                services.add_student_work(
                    request.user,
                    student=owner,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    activity=activity,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("The work was uploaded."))
                return redirect("classroom:works")
    items = scope.inside_school_for(request.user, StudentWork.objects.all()).select_related(
        "student__user", "activity"
    )[:200]
    return render(request, "classroom/works.html", {"form": form, "works": items, "is_student": roles.is_student})


@login_required
@require_POST
def work_delete(request, pk: int):
    work = get_in(scope.inside_school_for(request.user, StudentWork.objects.all()), pk)
    if not permissions.can_delete_work(request.user, work):
        raise PermissionDenied
    services.delete_student_work(request.user, work)
    messages.success(request, _("The work was deleted."))
    return redirect("classroom:works")
