"""Plans: the district's plans and the national template; copy, edit tasks and targets (bureau admins)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from lessons.activities import ActivityType
from people.models import SchoolYear
from people.scope import roles_of

from .. import ledger, versioning
from ..access import bureau_only
from ..forms import ActivityTypeForm, CopyPlanForm, PlanSettingsForm, TargetFormSet, TaskAddForm, TaskForm
from ..metrics import counts_flagged, flagged_rule_text, formula_text, plan_formula
from ..models import COMPOSITE_FIGURES, Plan, PlanActivityType, PlanTask, TaskTarget, default_deadline
from ..planning import activity_labels, copy_plan, national_template
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


def _own_plan(request, pk: int) -> Plan:
    """A plan of the request's district that its bureau admin edits (never the national template)."""
    _require_admin(request)
    return get_object_or_404(Plan, pk=pk, district=request.district)


def _own_task(request, pk: int) -> PlanTask:
    _require_admin(request)
    return get_object_or_404(PlanTask.all_objects.select_related("plan"), pk=pk, plan__district=request.district)


def _plan(request, pk: int) -> Plan:
    tasks = Prefetch("tasks", queryset=PlanTask.objects.prefetch_related("targets"))
    plan = get_object_or_404(Plan.objects.prefetch_related(tasks), pk=pk)
    if plan.district_id not in (None, request.district.id):
        raise PermissionDenied
    return plan


@bureau_only
def plan_view(request, pk: int):
    plan = _plan(request, pk)
    before = versioning.plan_snapshot(plan)
    form = PlanSettingsForm(request.POST or None, instance=plan)
    if request.method == "POST":
        _require_admin(request)
        if plan.is_template:
            raise PermissionDenied
        if form.is_valid():
            versioning.change(plan, request.user, "settings", form.save, versioning.plan_snapshot, before)
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
    return _plan_page(request, plan, form, ActivityTypeForm(plan=plan))


def _preview_weights(form, plan: Plan) -> dict[str, float]:
    """The weights the preview shows: as typed when the form came back with errors, else the plan's."""
    if not form.is_bound:
        return plan.weights()
    weights = {}
    for key in COMPOSITE_FIGURES:
        try:
            value = float(form.data.get(f"weight_{key}") or 0)
        except ValueError:
            continue
        if value > 0:
            weights[key] = value
    return weights


def _plan_page(request, plan: Plan, form, activity_form):
    tasks = list(plan.tasks.all())
    for task in tasks:
        task.activity_labels = activity_labels(plan, task.activity_types)
    weights = _preview_weights(form, plan)
    rule = flagged_rule_text(counts_flagged(plan))
    context = {
        "plan": plan,
        "tasks": tasks,
        "national_types": ActivityType.choices,
        "preview": formula_text(weights, counts_flagged(plan)),
        "total_text": _("The weights add up to %(total)s.") % {"total": f"{sum(weights.values()):g}"},
        # The same sentences formula_text writes, for the script that redraws the preview as weights are typed.
        "formula_template": _("Composite = (%(terms)s) ÷ %(total)s; figures that do not apply are left out.")
        + " "
        + rule,
        "formula_empty": _("No composite score: the plan weighs no figure.") + " " + rule,
        "total_template": _("The weights add up to %(total)s."),
        "form": form,
        "activity_form": activity_form,
        "local_types": plan.activity_types.all(),
        "formula": plan_formula(plan),
        "is_admin": _is_admin(request) and not plan.is_template,
        "current_year": SchoolYear.current().start_year,
        "add_form": TaskAddForm(),
        "retired": PlanTask.all_objects.filter(plan=plan, retired_at__isnull=False),
        "changes": [(change, versioning.diff_rows(change)) for change in plan.changes.select_related("by")[:50]],
    }
    return render(request, "plans/plan.html", context)


@bureau_only
def task_edit(request, pk: int):
    task = _own_task(request, pk)
    before = versioning.task_snapshot(task)
    form = TaskForm(request.POST or None, instance=task)
    targets = TargetFormSet(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid() and targets.is_valid():

        def apply():
            form.save()
            targets.save()
            return task

        versioning.change(task.plan, request.user, "task_changed", apply, versioning.task_snapshot, before)
        audit.record(
            "plans.task_changed", request=request, target=task.title, district_id=request.district.id, task=task.pk
        )
        messages.success(request, _("The task was saved."))
        return redirect("plans:plan", pk=task.plan_id)
    return render(request, "plans/task_edit.html", {"task": task, "form": form, "targets": targets})


@bureau_only
def task_add(request, pk: int):
    plan = _own_plan(request, pk)
    form = TaskAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = []

        def apply():
            last = PlanTask.all_objects.filter(plan=plan).order_by("-order").first()
            task = form.save(commit=False)
            task.plan = plan
            task.order = (last.order + 1) if last else 1
            task.save()
            TaskTarget.objects.bulk_create(
                TaskTarget(task=task, year_index=index, target=100, deadline=default_deadline(year))
                for index, year in enumerate(plan.start_years, start=1)
            )
            added.append(task)
            return task

        versioning.change(plan, request.user, "task_added", apply, versioning.task_snapshot)
        task = added[0]
        audit.record(
            "plans.task_added", request=request, target=task.title, district_id=request.district.id, task=task.pk
        )
        messages.success(request, _("The task was added. Set what it asks below."))
        return redirect("plans:task_edit", pk=task.pk)
    return render(request, "plans/task_add.html", {"plan": plan, "form": form})


@require_POST
@bureau_only
def task_action(request, pk: int, action: str):
    task = _own_task(request, pk)
    plan = task.plan
    before = versioning.task_snapshot(task)
    if action in ("up", "down"):
        if task.retired_at is not None:
            raise PermissionDenied
        # Renumber the current tasks 1..n, then swap with the neighbour, so equal or gapped orders still move.
        tasks = list(plan.tasks.order_by("order", "id"))
        index = next(i for i, t in enumerate(tasks) if t.pk == task.pk)
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(tasks):
            tasks[index], tasks[other] = tasks[other], tasks[index]

        def apply():
            for number, each in enumerate(tasks, start=1):
                if each.order != number:
                    each.order = number
                    each.save(update_fields=["order"])
            return next(t for t in tasks if t.pk == task.pk)

        versioning.change(plan, request.user, f"task_moved_{action}", apply, versioning.task_snapshot, before)
    elif action in ("retire", "restore"):

        def apply():
            task.retired_at = versioning.clock() if action == "retire" else None
            task.save(update_fields=["retired_at"])
            return task

        versioning.change(plan, request.user, f"task_{action}d", apply, versioning.task_snapshot, before)
        audit.record(
            f"plans.task_{action}d", request=request, target=task.title, district_id=request.district.id, task=task.pk
        )
        messages.success(
            request, _("The task was retired.") if action == "retire" else _("The task is back in the plan.")
        )
    else:
        raise PermissionDenied
    return redirect(f"{reverse('plans:plan', args=[plan.pk])}#task-{task.pk}")


@require_POST
@bureau_only
def activity_type_add(request, pk: int):
    plan = _own_plan(request, pk)
    before = versioning.plan_snapshot(plan)
    form = ActivityTypeForm(request.POST, plan=plan)
    if not form.is_valid():
        return _plan_page(request, plan, PlanSettingsForm(instance=plan), form)

    def apply():
        form.save()
        return plan

    versioning.change(plan, request.user, "activity_type_added", apply, versioning.plan_snapshot, before)
    messages.success(request, _("The activity type was added; tick it in a task to ask for it."))
    return redirect(f"{reverse('plans:plan', args=[plan.pk])}#activity-types")


@require_POST
@bureau_only
def activity_type_remove(request, pk: int):
    _require_admin(request)
    kind = get_object_or_404(PlanActivityType.objects.select_related("plan"), pk=pk, plan__district=request.district)
    plan = kind.plan
    if any(kind.code in task.activity_types for task in PlanTask.all_objects.filter(plan=plan)):
        messages.error(request, _("A task still asks for this activity type; untick it there first."))
        return redirect(f"{reverse('plans:plan', args=[plan.pk])}#activity-types")
    before = versioning.plan_snapshot(plan)

    def apply():
        kind.delete()
        return plan

    versioning.change(plan, request.user, "activity_type_removed", apply, versioning.plan_snapshot, before)
    messages.success(request, _("The activity type was removed."))
    return redirect(f"{reverse('plans:plan', args=[plan.pk])}#activity-types")


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
