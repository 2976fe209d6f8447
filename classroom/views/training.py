"""Teacher training (师资培训): a teacher's courses and hours, her test, and a school admin's hours per teacher."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from lessons.models import TrainingCoursePage
from people import scope
from people.models import School

from .. import training
from ..models import TrainingCompletion
from ..training_forms import TrainingTestForm


def _teaching_school_id(user) -> int | None:
    """The school a teacher earns her hours at: the first she teaches in (teachers rarely work in two)."""
    roles = scope.roles_of(user)
    schools = sorted(set(roles.teacher_schools) | {school for school, _ in roles.grade_leader})
    return schools[0] if schools else None


@login_required
def training_list(request):
    roles = scope.roles_of(request.user)
    admin_schools = list(scope.managed_schools_for(request.user)) if roles.is_school_admin else []
    if not (roles.is_teacher or admin_schools):
        raise PermissionDenied
    context = {"per_school": [(school, training.hours_per_teacher(school)) for school in admin_schools]}
    if roles.is_teacher:
        passed = set(
            TrainingCompletion.objects.filter(teacher=request.user, passed=True).values_list("course_id", flat=True)
        )
        context |= {
            "courses": TrainingCoursePage.objects.live().order_by("path"),
            "passed": passed,
            "hours": training.teacher_hours(request.user),
        }
    return render(request, "classroom/training.html", context)


@login_required
def training_take(request, pk):
    school_id = _teaching_school_id(request.user)
    if school_id is None:
        raise PermissionDenied
    course = get_object_or_404(TrainingCoursePage.objects.live(), pk=pk)
    questions = course.questions()
    done = TrainingCompletion.objects.filter(teacher=request.user, course=course, passed=True).first()
    form = TrainingTestForm(request.POST if request.method == "POST" and not done else None, questions=questions)
    result = None
    if not done and form.is_bound and form.is_valid():
        try:
            result = training.take_test(request.user, School.objects.get(pk=school_id), course, form.answers())
        except training.AlreadyPassed:
            result = None
        done = result if result and result.passed else None
    return render(
        request, "classroom/training_take.html", {"course": course, "form": form, "result": result, "done": done}
    )
