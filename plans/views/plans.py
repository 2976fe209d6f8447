"""Plans: the district's plans and the national template; copy, edit tasks and targets (bureau admins)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from people.models import SchoolYear
from people.scope import roles_of

from .. import ledger
from ..access import bureau_only
from ..forms import CopyPlanForm, PlanSettingsForm, TargetFormSet, TaskForm
from ..metrics import plan_formula
from ..models import Plan, PlanTask
from ..planning import copy_plan, national_template
from ..tasks import refresh_figures


def _is_admin(request) -> bool:
    roles = roles_of(request.user)
    return roles.superuser or request.district.id in roles.bureau_admin_districts


def _require_admin(request):
    if not _is_admin(request):
        raise PermissionDenied


@bureau_only
def plans_view(request):
    district = request.district
    template = national_template()
    form = CopyPlanForm(
        request.POST or None,
        initial={
            "first_year": SchoolYear.current().start_year,
            "name": _("Three-year plan %(first)s–%(last)s")
            % {"first": SchoolYear.current().start_year, "last": SchoolYear.current().start_year + 2},
        },
    )
    if request.method == "POST":
        _require_admin(request)
        if form.is_valid():
            plan = copy_plan(
                template, district, form.cleaned_data["first_year"], form.cleaned_data["name"], request.user
            )
            audit.record("plans.plan_created", request=request, target=plan.name, district_id=district.id, plan=plan.pk)
            messages.success(request, _("The plan was created from the national template. Edit its tasks below."))
            return redirect("plans:plan", pk=plan.pk)
    context = {
        "district": district,
        "plans": Plan.objects.filter(district=district),
        "template": template,
        "form": form,
        "is_admin": _is_admin(request),
    }
    return render(request, "plans/plans.html", context)


def _plan(request, pk: int) -> Plan:
    tasks = Prefetch("tasks", queryset=PlanTask.objects.prefetch_related("targets"))
    plan = get_object_or_404(Plan.objects.prefetch_related(tasks), pk=pk)
    if plan.district_id not in (None, request.district.id):
        raise PermissionDenied
    return plan


@bureau_only
def plan_view(request, pk: int):
    plan = _plan(request, pk)
    form = PlanSettingsForm(request.POST or None, instance=plan)
    if request.method == "POST":
        _require_admin(request)
        if plan.is_template:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            audit.record(
                "plans.plan_changed",
                request=request,
                target=plan.name,
                district_id=request.district.id,
                plan=plan.pk,
                changed=form.changed_data,
                count_flagged_records=plan.count_flagged_records,
            )
            messages.success(request, _("The plan was saved."))
            return redirect("plans:plan", pk=plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "formula": plan_formula(plan),
        "is_admin": _is_admin(request) and not plan.is_template,
        "current_year": SchoolYear.current().start_year,
    }
    return render(request, "plans/plan.html", context)


@bureau_only
def task_edit(request, pk: int):
    _require_admin(request)
    task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=pk, plan__district=request.district)
    form = TaskForm(request.POST or None, instance=task)
    targets = TargetFormSet(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        with transaction.atomic():
            form.save()
            targets.save()
        audit.record(
            "plans.task_changed", request=request, target=task.title, district_id=request.district.id, task=task.pk
        )
        messages.success(request, _("The task was saved."))
        return redirect("plans:plan", pk=task.plan_id)
    return render(request, "plans/task_edit.html", {"task": task, "form": form, "targets": targets})


@require_POST
@bureau_only
def plan_action(request, pk: int, action: str):
    _require_admin(request)
    plan = get_object_or_404(Plan, pk=pk, district=request.district)
    start_year = SchoolYear.current().start_year
    if action == "refresh":
        refresh_figures.enqueue(request.district.id, start_year)
        messages.success(request, _("The figures are being recomputed."))
    elif action == "open":
        count = ledger.open_items(plan, start_year)
        messages.success(request, _("%(count)s ledger items opened.") % {"count": count})
    elif action == "carry":
        count = ledger.carry_over(plan, start_year - 1, request.user)
        messages.success(request, _("%(count)s unfinished items carried into this year.") % {"count": count})
    else:
        raise PermissionDenied
    audit.record(f"plans.{action}", request=request, target=plan.name, district_id=request.district.id, plan=plan.pk)
    return redirect("plans:plan", pk=plan.pk)
