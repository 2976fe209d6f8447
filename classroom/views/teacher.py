"""The teacher workspace: my classes, assigning work, the class progress page, quiz results and exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people import scope
from people.models import SchoolYear

from .. import completion, exports, progress, services
from ..forms import AssignmentChangeForm, AssignmentForm
from ..history import revisions_of
from ..models import Assignment, ClassHourLog
from ..quiz_results import class_quiz_results
from .access import get_in, require_teaching_staff, visible_class


@login_required
def my_classes(request):
    require_teaching_staff(request.user)
    year = SchoolYear.current()
    classes = list(
        scope.classes_for(request.user)
        .filter(school_year=year)
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )
    taught = set(scope.taught_classes_for(request.user).filter(school_year=year).values_list("pk", flat=True))
    counts = {}
    for class_id in (
        Assignment.objects.active()
        .filter(school_class__in=[c.pk for c in classes])
        .values_list("school_class_id", flat=True)
    ):
        counts[class_id] = counts.get(class_id, 0) + 1
    hours = ClassHourLog.objects.filter(school_class__in=[c.pk for c in classes])
    hour_sums = {}
    for class_id, value in hours.values_list("school_class_id", "class_hours"):
        hour_sums[class_id] = hour_sums.get(class_id, 0) + value
    today = timezone.localdate()
    rows = [
        {
            "school_class": c,
            "can_teach": c.pk in taught,
            "assignments": counts.get(c.pk, 0),
            "hours": hour_sums.get(c.pk, 0),
            "summary": summary,
        }
        for c, summary in zip(classes, progress.classes_summary(classes, today), strict=True)
    ]
    return render(request, "classroom/my_classes.html", {"rows": rows, "can_assign": bool(taught), "today": today})


@login_required
def assign(request):
    require_teaching_staff(request.user)
    initial = {}
    if request.GET.get("class", "").isdigit():
        initial["classes"] = [int(request.GET["class"])]
    if request.GET.get("lesson", "").isdigit():
        initial.update(kind="lesson", lesson=int(request.GET["lesson"]))
    if request.GET.get("group", "").isdigit():
        initial.update(audience="group", group=int(request.GET["group"]))
    form = AssignmentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.assign(
                request.user,
                data["classes"],
                lesson=data["lesson"],
                module=data["module"],
                quiz=data["quiz"],
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                note=data["note"],
                audience=data["audience"],
                group=data["group"],
                students=data["students"],
            )
        except ValidationError as error:  # another teacher assigned the same work a moment ago
            for field, problems in (
                error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            ).items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                _("Assigned to %(count)s classes.") % {"count": len(created)} if len(created) != 1 else _("Assigned."),
            )
            first = created[0].school_class_id
            return redirect("classroom:class_progress", pk=first)
    return render(request, "classroom/assign.html", {"form": form})


@login_required
def assignment_change(request, pk: int):
    assignment = get_in(
        scope.in_classes_for(request.user, Assignment.objects.all()).select_related(
            "school_class__school", "lesson", "module", "quiz"
        ),
        pk,
    )
    if not scope.can_teach_class(request.user, assignment.school_class):
        raise PermissionDenied
    form = AssignmentChangeForm(request.POST or None, instance=assignment)
    if request.method == "POST" and not assignment.is_withdrawn and form.is_valid():
        services.change_assignment(
            request.user,
            assignment,
            starts_on=form.cleaned_data["starts_on"],
            due_on=form.cleaned_data["due_on"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The assignment was changed."))
        return redirect("classroom:class_progress", pk=assignment.school_class_id)
    return render(
        request,
        "classroom/assignment_change.html",
        {
            "assignment": assignment,
            "form": form,
            "revisions": revisions_of(assignment),
            "new_lessons": completion.new_module_lessons(assignment),
            "recipients": list(assignment.recipients.select_related("user").order_by("student_number")),
        },
    )


@login_required
@require_POST
def assignment_withdraw(request, pk: int):
    assignment = get_in(scope.in_classes_for(request.user, Assignment.objects.all()).select_related("school_class"), pk)
    if not scope.can_teach_class(request.user, assignment.school_class):
        raise PermissionDenied
    services.withdraw_assignment(request.user, assignment)
    messages.success(request, _("The assignment was withdrawn; students no longer see it."))
    return redirect("classroom:class_progress", pk=assignment.school_class_id)


@login_required
def class_progress(request, pk: int):
    school_class = visible_class(request.user, pk)
    data = progress.class_progress(school_class)
    assigned = data.assigned_counts()
    grown = completion.new_lessons_of([plan.assignment for plan in data.plans])
    for plan, count in zip(data.plans, data.finished_counts().values(), strict=True):
        plan.finished_count = count
        plan.short_title = progress.short_title(plan.assignment.target)
        plan.assigned_count = assigned[plan.assignment.pk]
        plan.new_lessons = grown.get(plan.assignment.pk, [])
    for student in data.students:
        student.assigned_total = data.assigned_total(student)
    return render(
        request,
        "classroom/class_progress.html",
        {
            "school_class": school_class,
            "progress": data,
            "rows": list(data.rows()),
            "can_teach": scope.can_teach_class(request.user, school_class),
            "rule": completion.rule_in_plain_words(),
            "today": timezone.localdate(),
        },
    )


@login_required
def quiz_results(request, pk: int):
    assignment = get_in(
        scope.in_classes_for(request.user, Assignment.objects.all()).select_related(
            "school_class__school", "lesson", "quiz"
        ),
        pk,
    )
    results = class_quiz_results(assignment, request.user)
    if results is None:
        return redirect("classroom:class_progress", pk=assignment.school_class_id)
    return render(request, "classroom/quiz_results.html", {"assignment": assignment, "results": results})


@login_required
def export(request, pk: int, fmt: str):
    school_class = visible_class(request.user, pk)
    if fmt not in ("csv", "xlsx"):
        raise PermissionDenied
    return exports.class_results_response(request, school_class, fmt)
