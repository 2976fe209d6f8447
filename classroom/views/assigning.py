"""Who the work goes to and on what terms: a class's groups, one student's extra time or attempts, and the
lessons published into an assigned module since it was assigned. Every view reads the class through
people.scope: seeing needs `classes_for`, changing needs `can_teach_class`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people import scope

from .. import services
from ..forms import AllowanceForm, GroupForm
from ..history import revisions_of
from ..models import Allowance, Assignment, ClassGroup
from ..progress import class_students, is_given_to, plans_for
from ..quiz_results import assignment_quiz
from .access import get_in, require_teaching_staff, visible_class


def _taught_class(user, pk: int):
    school_class = visible_class(user, pk)
    if not scope.can_teach_class(user, school_class):
        raise PermissionDenied
    return school_class


def _form_errors(form, error: ValidationError) -> None:
    problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages_ in problems.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def class_groups(request, pk: int):
    """The groups of one class, and a new one."""
    require_teaching_staff(request.user)
    school_class = _taught_class(request.user, pk)
    form = GroupForm(request.POST or None, school_class=school_class)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_group(request.user, form.instance, form.cleaned_data["students"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The group was saved."))
            return redirect("classroom:class_groups", pk=school_class.pk)
    groups = ClassGroup.objects.filter(school_class=school_class).prefetch_related("students__user")
    return render(request, "classroom/groups.html", {"school_class": school_class, "groups": groups, "form": form})


@login_required
def group_edit(request, pk: int):
    """Change a group's name and members, or delete it (assignments already given to it keep their students)."""
    require_teaching_staff(request.user)
    group = get_in(
        scope.in_classes_for(request.user, ClassGroup.objects.all()).select_related("school_class__school"), pk
    )
    if not scope.can_teach_class(request.user, group.school_class):
        raise PermissionDenied
    if request.method == "POST" and "delete" in request.POST:
        services.delete_group(request.user, group)
        messages.success(request, _("The group was deleted; work already given to it stays with its students."))
        return redirect("classroom:class_groups", pk=group.school_class_id)
    form = GroupForm(request.POST or None, instance=group, school_class=group.school_class)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_group(request.user, form.instance, form.cleaned_data["students"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The group was saved."))
            return redirect("classroom:class_groups", pk=group.school_class_id)
    return render(
        request,
        "classroom/group_edit.html",
        {"group": group, "school_class": group.school_class, "form": form, "revisions": revisions_of(group)},
    )


def _taught_assignment(user, pk: int) -> Assignment:
    assignment = get_in(
        scope.in_classes_for(user, Assignment.objects.all()).select_related(
            "school_class__school", "lesson__quiz", "module", "quiz"
        ),
        pk,
    )
    if not scope.can_teach_class(user, assignment.school_class):
        raise PermissionDenied
    return assignment


@login_required
def allowances(request, pk: int):
    """Extra time or an extra attempt for one student at the quiz of an assignment, with the reason."""
    require_teaching_staff(request.user)
    assignment = _taught_assignment(request.user, pk)
    quiz = assignment_quiz(assignment)
    if quiz is None or assignment.is_withdrawn:
        raise Http404
    plans_for([assignment])  # reads the assignment's recipients
    students = class_students(assignment.school_class)
    if not assignment.is_for_whole_class:
        students = students.filter(pk__in=assignment.recipient_ids)
    form = AllowanceForm(request.POST or None, students=students, quiz=quiz)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not is_given_to(assignment, data["student"].pk):
            raise PermissionDenied
        try:
            services.grant_allowance(
                request.user,
                assignment,
                data["student"],
                extra_minutes=data["extra_minutes"],
                extra_attempts=data["extra_attempts"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The allowance was saved."))
            return redirect("classroom:allowances", pk=assignment.pk)
    granted = list(Allowance.objects.filter(assignment=assignment).select_related("student__user", "granted_by"))
    history = {allowance.pk: revisions_of(allowance) for allowance in granted}
    return render(
        request,
        "classroom/allowances.html",
        {
            "assignment": assignment,
            "quiz": quiz,
            "form": form,
            "granted": [(allowance, history[allowance.pk]) for allowance in granted],
        },
    )


@login_required
@require_POST
def add_new_lessons(request, pk: int):
    """Give the class the lessons published into the assigned module since it was assigned."""
    require_teaching_staff(request.user)
    assignment = _taught_assignment(request.user, pk)
    if not assignment.module_id or assignment.is_withdrawn:
        raise Http404
    added = services.add_new_lessons(request.user, assignment)
    if added:
        messages.success(
            request,
            _("Added to the assignment: %(titles)s.") % {"titles": "、".join(lesson.title for lesson in added)},
        )
    else:
        messages.info(request, _("The assignment already holds every lesson of the module."))
    return redirect("classroom:assignment_change", pk=assignment.pk)
