"""Ledger pages: the list (bureau: the district's schools and organisations; a school or an organisation: its
own), one item with its evidence and history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import ratelimit
from people.models import SchoolYear
from people.scope import organisations_for, roles_of, schools_for

from .. import ledger, metrics
from ..access import signed_in
from ..evidence import auto_evidence
from ..forms import AccountabilityForm, CloseForm, CommentForm, EvidenceForm, ReopenForm, ReturnForm
from ..models import LedgerEvidence, LedgerItem, LedgerState


def _may_see_ledger(roles) -> bool:
    return roles.is_bureau or roles.is_school_admin or roles.is_organisation_officer or roles.superuser


def items_for(user):
    """Ledger items the user may see (bureau: its district's schools and organisations; school admin: her
    school's; organisation officer: her organisation's)."""
    roles = roles_of(user)
    if not _may_see_ledger(roles):
        return LedgerItem.objects.none()
    return LedgerItem.objects.filter(Q(school__in=schools_for(user)) | Q(organisation__in=organisations_for(user)))


@signed_in
def ledger_list(request):
    roles = roles_of(request.user)
    if not _may_see_ledger(roles):
        raise PermissionDenied
    items = items_for(request.user).select_related("school", "organisation", "task", "school_year")
    state = request.GET.get("state", "")
    if state in LedgerState.values:
        items = items.filter(state=state)
    try:
        year = int(request.GET.get("year", SchoolYear.current().start_year))
    except ValueError:
        year = SchoolYear.current().start_year
    items = items.filter(school_year__start_year=year).order_by(
        "organisation__name", "school__code", "task__order", "task_id"
    )
    context = {
        "items": items[:1000],
        "state": state,
        "year": year,
        "state_choices": LedgerState.choices,
        "show_school": True,
        "is_bureau": roles.is_bureau or roles.superuser,
        "unit_scores": (
            metrics.organisation_scores(
                organisations_for(request.user).exclude(id__in=roles.organisation_officer), year
            )
            if roles.is_bureau or roles.superuser
            else []
        ),
    }
    return render(request, "plans/ledger_list.html", context)


def _item(request, pk: int) -> LedgerItem:
    return get_object_or_404(
        items_for(request.user).select_related("school", "organisation", "task__plan", "school_year"), pk=pk
    )


@signed_in
def ledger_item(request, pk: int):
    item = _item(request, pk)
    can_submit = ledger.can_submit(request.user, item)
    can_decide = ledger.can_decide(request.user, item)
    roles = roles_of(request.user)
    context = {
        "item": item,
        # The bureau reaches its other audit pages from here as from every audit page (a school does not).
        "is_bureau": roles.is_bureau or roles.superuser,
        "auto": auto_evidence(item),
        "evidence": item.evidence.select_related("added_by"),
        "events": item.events.select_related("actor"),
        "can_submit": can_submit and item.state in (LedgerState.OPEN, LedgerState.RETURNED),
        "can_close": can_decide and item.state == LedgerState.SUBMITTED,
        "can_return": can_decide and item.state in (LedgerState.OPEN, LedgerState.SUBMITTED),
        "can_reopen": can_decide and item.state == LedgerState.CLOSED,
        "below_target": ledger.shortfall(item) if can_decide and item.state == LedgerState.SUBMITTED else None,
        "reopen_form": ReopenForm(prefix="reopen"),
        "evidence_form": EvidenceForm(prefix="evidence"),
        "submit_form": CommentForm(prefix="submit"),
        "close_form": CloseForm(prefix="close"),
        "return_form": ReturnForm(prefix="return"),
        "accountability": item.accountability.all(),
        "can_hold_to_account": can_decide,
        "accountability_form": AccountabilityForm(prefix="account"),
        "last_return": item.events.filter(to_state=LedgerState.RETURNED).order_by("-at", "-id").first(),
    }
    return render(request, "plans/ledger_item.html", context)


@require_POST
@signed_in
@ratelimit("plans-ledger", limit=60)
def ledger_action(request, pk: int, action: str):
    item = _item(request, pk)
    try:
        if action == "evidence":
            form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
            if not form.is_valid():
                for error in form.errors.values():
                    messages.error(request, " ".join(error))
                return redirect("plans:ledger_item", pk=item.pk)
            ledger.add_evidence(item, request.user, note=form.cleaned_data["note"], upload=form.cleaned_data["file"])
            messages.success(request, _("The evidence was added."))
        elif action == "submit":
            form = CommentForm(request.POST, prefix="submit")
            form.is_valid()
            ledger.submit(item, request.user, form.cleaned_data.get("comment", ""), request=request)
            messages.success(request, _("Submitted to the bureau."))
        elif action == "close":
            form = CloseForm(request.POST, prefix="close")
            form.is_valid()
            ledger.close(
                item,
                request.user,
                form.cleaned_data.get("comment", ""),
                request=request,
                confirm_below_target=bool(form.cleaned_data.get("confirm_below_target")),
            )
            messages.success(request, _("The item is closed."))
        elif action == "reopen":
            form = ReopenForm(request.POST, prefix="reopen")
            form.is_valid()
            ledger.reopen(item, request.user, form.cleaned_data.get("reason", ""), request=request)
            messages.success(request, _("The item is open again."))
        elif action == "return":
            form = ReturnForm(request.POST, prefix="return")
            if not form.is_valid():
                for error in form.errors.values():
                    messages.error(request, " ".join(error))
                return redirect("plans:ledger_item", pk=item.pk)
            ledger.return_for_rectification(
                item, request.user, form.cleaned_data["comment"], form.cleaned_data["deadline"], request=request
            )
            messages.success(request, _("The item was returned for rectification."))
        elif action == "accountability":
            form = AccountabilityForm(request.POST, prefix="account")
            if not form.is_valid():
                for error in form.errors.values():
                    messages.error(request, " ".join(error))
                return redirect("plans:ledger_item", pk=item.pk)
            ledger.record_accountability(
                item,
                request.user,
                form.cleaned_data["kind"],
                deadline=form.cleaned_data["deadline"],
                minutes=form.cleaned_data["minutes"],
                request=request,
            )
            messages.success(request, _("The accountability measure was recorded."))
        else:
            raise Http404
    except ledger.LedgerError as error:
        messages.error(request, str(error))
    return redirect("plans:ledger_item", pk=item.pk)


@signed_in
def evidence_file(request, pk: int):
    piece = get_object_or_404(LedgerEvidence.objects.filter(~Q(file=""), item__in=items_for(request.user)), pk=pk)
    response = FileResponse(piece.file.open("rb"), as_attachment=True, filename=piece.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
