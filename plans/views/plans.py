"""Plans: a county's plans, a city's or province's template, and the national template; adopt the nearest
published template above, edit tasks and targets (bureau admins of the plan's district or region), publish a
region's template, and see how the level below adopted it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from lessons.activities import ActivityType
from people.models import Region, RegionLevel, SchoolYear
from people.scope import districts_below, districts_of_region, regions_for, roles_of

from .. import ledger, versioning
from ..access import plan_staff, signed_in
from ..forms import ActivityTypeForm, CopyPlanForm, PlanSettingsForm, TargetFormSet, TaskAddForm, TaskForm
from ..metrics import counts_flagged, flagged_rule_text, formula_text, plan_formula
from ..models import COMPOSITE_FIGURES, Plan, PlanActivityType, PlanTask, TaskTarget, default_deadline
from ..models.plan import starting_target, target_floors
from ..planning import activity_labels, adoption, copy_plan, plans_for, template_above
from ..tasks import refresh_figures


def _adopt(request, form, owner, done: str):
    """Copy the nearest published plan above `owner` (a district or a region) into its own plan, record it, and
    open the new plan."""
    source = template_above(owner, form.cleaned_data["first_year"])
    plan = copy_plan(source, owner, form.cleaned_data["first_year"], form.cleaned_data["name"], request.user)
    where = {"region_id": owner.pk} if isinstance(owner, Region) else {"district_id": owner.pk}
    audit.record("plans.plan_created", request=request, target=plan.name, plan=plan.pk, copied_from=source.pk, **where)
    messages.success(request, done % {"source": source.name})
    return redirect("plans:plan", pk=plan.pk)


def _is_admin(request) -> bool:
    roles = roles_of(request.user)
    return roles.superuser or (request.district is not None and request.district.id in roles.bureau_admin_districts)


def _is_region_admin(request, region_id: int) -> bool:
    """Only the region's own admins edit its template (a province's officers read a city's, as auditors)."""
    roles = roles_of(request.user)
    return roles.superuser or region_id in roles.bureau_admin_regions


def _may_edit(request, plan: Plan) -> bool:
    if plan.district_id is not None:
        return request.district is not None and plan.district_id == request.district.id and _is_admin(request)
    if plan.region_id is not None:
        return _is_region_admin(request, plan.region_id)
    return False  # the national template


def _may_view(request, plan: Plan) -> bool:
    if plan.district_id is not None:
        return request.district is not None and plan.district_id == request.district.id
    if plan.region_id is not None:
        # Its own and higher officers, and the bureaus below, which adopt it.
        if regions_for(request.user).filter(pk=plan.region_id).exists():
            return True
        return districts_below(request.user, plan.region_id).exists()
    return True


def _require_admin(request):
    if not _is_admin(request):
        raise PermissionDenied


def _scope_of(plan: Plan) -> dict:
    """What an audit record names: the plan's district or region."""
    return {"district_id": plan.district_id} if plan.district_id else {"region_id": plan.region_id}


def _default_name(start_year: int) -> str:
    return _("Three-year plan %(first)s–%(last)s") % {"first": start_year, "last": start_year + 2}


@plan_staff
def plans_view(request):
    district = request.district
    if district is None:
        return redirect("plans:regions")
    current = SchoolYear.current().start_year
    form = CopyPlanForm(request.POST or None, initial={"first_year": current, "name": _default_name(current)})
    if request.method == "POST":
        _require_admin(request)
        if form.is_valid():
            return _adopt(request, form, district, _("The plan was adopted from “%(source)s”. Edit its tasks below."))
    context = {
        "district": district,
        "plans": Plan.objects.filter(district=district).select_related("copied_from"),
        "template": template_above(district, current),
        "form": form,
        "is_admin": _is_admin(request),
    }
    return render(request, "plans/plans.html", context)


def _editable_plan(request, pk: int) -> Plan:
    plan = get_object_or_404(Plan, pk=pk)
    if not _may_edit(request, plan):
        raise PermissionDenied
    return plan


def _own_task(request, pk: int) -> PlanTask:
    task = get_object_or_404(PlanTask.all_objects.select_related("plan", "adopted_from"), pk=pk)
    if not _may_edit(request, task.plan):
        raise PermissionDenied
    return task


def _plan(request, pk: int) -> Plan:
    tasks = Prefetch("tasks", queryset=PlanTask.objects.prefetch_related("targets").select_related("adopted_from"))
    plan = get_object_or_404(Plan.objects.prefetch_related(tasks).select_related("copied_from", "region"), pk=pk)
    if not _may_view(request, plan):
        raise PermissionDenied
    return plan


@plan_staff
def plan_view(request, pk: int):
    plan = _plan(request, pk)
    before = versioning.plan_snapshot(plan)
    form = PlanSettingsForm(request.POST or None, instance=plan)
    if request.method == "POST":
        if not _may_edit(request, plan):
            raise PermissionDenied
        if form.is_valid():
            versioning.change(plan, request.user, "settings", form.save, versioning.plan_snapshot, before)
            audit.record(
                "plans.plan_changed",
                request=request,
                target=plan.name,
                plan=plan.pk,
                changed=form.changed_data,
                count_flagged_records=plan.count_flagged_records,
                **_scope_of(plan),
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
    floors = target_floors(plan)
    below = 0
    for task in tasks:
        task.activity_labels = activity_labels(plan, task.activity_types)
        for target in task.targets.all():
            target.floor = floors.get((task.pk, target.year_index))
            target.below_floor = target.floor is not None and target.target < target.floor
            below += target.below_floor
    weights = _preview_weights(form, plan)
    rule = flagged_rule_text(counts_flagged(plan))
    editable = _may_edit(request, plan)
    source = plan.copied_from
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
        "is_admin": editable,
        "source": source,
        "source_visible": source is not None and _may_view(request, source),
        "below_floor": below,
        "current_year": SchoolYear.current().start_year,
        "add_form": TaskAddForm(),
        "retired": PlanTask.all_objects.filter(plan=plan, retired_at__isnull=False),
        "changes": [(change, versioning.diff_rows(change)) for change in plan.changes.select_related("by")[:50]],
    }
    return render(request, "plans/plan.html", context)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@plan_staff
def task_edit(request, pk: int):
    task = _own_task(request, pk)
    before = versioning.task_snapshot(task)
    form = TaskForm(request.POST or None, instance=task)
    targets = TargetFormSet(request.POST or None, instance=task, form_kwargs={"floors": target_floors(task.plan)})
    if request.method == "POST" and form.is_valid() and targets.is_valid():

        def apply():
            form.save()
            targets.save()
            return task

        try:
            versioning.change(task.plan, request.user, "task_changed", apply, versioning.task_snapshot, before)
        except ValidationError as error:  # a floor raised between the form's check and the save
            _refused(request, error)
            return redirect("plans:task_edit", pk=task.pk)
        audit.record("plans.task_changed", request=request, target=task.title, task=task.pk, **_scope_of(task.plan))
        messages.success(request, _("The task was saved."))
        return redirect("plans:plan", pk=task.plan_id)
    return render(request, "plans/task_edit.html", {"task": task, "form": form, "targets": targets})


@plan_staff
def task_add(request, pk: int):
    plan = _editable_plan(request, pk)
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
                TaskTarget(
                    task=task, year_index=index, target=starting_target(task.kind), deadline=default_deadline(year)
                )
                for index, year in enumerate(plan.start_years, start=1)
            )
            added.append(task)
            return task

        versioning.change(plan, request.user, "task_added", apply, versioning.task_snapshot)
        task = added[0]
        audit.record("plans.task_added", request=request, target=task.title, task=task.pk, **_scope_of(plan))
        messages.success(request, _("The task was added. Set what it asks below."))
        return redirect("plans:task_edit", pk=task.pk)
    return render(request, "plans/task_add.html", {"plan": plan, "form": form})


@require_POST
@plan_staff
def task_action(request, pk: int, action: str):
    task = _own_task(request, pk)
    plan = task.plan
    before = versioning.task_snapshot(task)
    back = redirect(f"{reverse('plans:plan', args=[plan.pk])}#task-{task.pk}")
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

        try:
            versioning.change(plan, request.user, f"task_{action}d", apply, versioning.task_snapshot, before)
        except ValidationError as error:
            _refused(request, error)
            return back
        audit.record(f"plans.task_{action}d", request=request, target=task.title, task=task.pk, **_scope_of(plan))
        messages.success(
            request, _("The task was retired.") if action == "retire" else _("The task is back in the plan.")
        )
    else:
        raise PermissionDenied
    return back


@require_POST
@plan_staff
def activity_type_add(request, pk: int):
    plan = _editable_plan(request, pk)
    before = versioning.plan_snapshot(plan)
    form = ActivityTypeForm(request.POST, plan=plan)
    if not form.is_valid():
        return _plan_page(request, _plan(request, pk), PlanSettingsForm(instance=plan), form)

    def apply():
        form.save()
        return plan

    versioning.change(plan, request.user, "activity_type_added", apply, versioning.plan_snapshot, before)
    messages.success(request, _("The activity type was added; tick it in a task to ask for it."))
    return redirect(f"{reverse('plans:plan', args=[plan.pk])}#activity-types")


@require_POST
@plan_staff
def activity_type_remove(request, pk: int):
    kind = get_object_or_404(PlanActivityType.objects.select_related("plan"), pk=pk)
    plan = kind.plan
    if not _may_edit(request, plan):
        raise PermissionDenied
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
@plan_staff
def plan_action(request, pk: int, action: str):
    plan = _editable_plan(request, pk)
    start_year = SchoolYear.current().start_year
    if action == "publish":
        if plan.region_id is None:
            raise PermissionDenied
        versioning.publish(plan, request.user)
        messages.success(request, _("The template was published: the level below adopts it from now on."))
    elif action == "raise":
        count = versioning.raise_to_floors(plan, request.user)
        messages.success(request, _("%(count)s targets raised to the higher level's.") % {"count": count})
    elif plan.district_id is None:
        raise PermissionDenied  # the figures and the ledger are a county's
    elif action == "refresh":
        refresh_figures.enqueue(plan.district_id, start_year)
        messages.success(request, _("The figures are being recomputed."))
    elif action == "open":
        count = ledger.open_items(plan, start_year)
        messages.success(request, _("%(count)s ledger items opened.") % {"count": count})
    elif action == "carry":
        count = ledger.carry_over(plan, start_year - 1, request.user)
        messages.success(request, _("%(count)s unfinished items carried into this year.") % {"count": count})
    else:
        raise PermissionDenied
    audit.record(f"plans.{action}", request=request, target=plan.name, plan=plan.pk, **_scope_of(plan))
    return redirect("plans:plan", pk=plan.pk)


def _region_plan_for(region: Region, start_year: int) -> Plan | None:
    for plan in Plan.objects.filter(region=region, first_year__lte=start_year).order_by("-first_year", "-id"):
        if plan.year_index(start_year) is not None:
            return plan
    return None


@signed_in
def region_plans(request, pk: int):
    """A city's or province's templates, a form to adopt the one above, and how each unit below adopted."""
    # Outside what she may see is "not found", as on the region's figures page.
    region = get_object_or_404(regions_for(request.user).select_related("parent"), pk=pk)
    is_admin = _is_region_admin(request, region.pk)
    current = SchoolYear.current().start_year
    form = CopyPlanForm(request.POST or None, initial={"first_year": current, "name": _default_name(current)})
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            return _adopt(
                request, form, region, _("The template was adopted from “%(source)s”. Edit it, then publish it.")
            )
    below = []
    districts = districts_of_region(request.user, region).filter(region=region).order_by("code")
    if region.level == RegionLevel.PROVINCE:
        for city in regions_for(request.user).filter(parent=region).order_by("code"):
            plan = _region_plan_for(city, current)
            below.append({"name": city.name, "plan": plan, "link": reverse("plans:region_plans", args=[city.pk])})
    county_plans = plans_for([district.id for district in districts], current)
    for district in districts:
        plan = county_plans.get(district.id)
        below.append({"name": district.name, "plan": plan, "district": district})
    for line in below:
        line["adoption"] = adoption(line["plan"]) if line["plan"] is not None else None
        line["of_this_region"] = bool(line["adoption"]) and line["plan"].copied_from.region_id == region.pk
    context = {
        "region": region,
        "plans": Plan.objects.filter(region=region).select_related("copied_from"),
        "template": template_above(region, current),
        "form": form,
        "is_admin": is_admin,
        "below": below,
        "current_year": current,
    }
    return render(request, "plans/region_plans.html", context)
