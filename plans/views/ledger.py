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


# The forms of an item page, by the action each posts to.
FORMS = {
    "evidence": (EvidenceForm, "evidence"),
    "submit": (CommentForm, "submit"),
    "close": (CloseForm, "close"),
    "reopen": (ReopenForm, "reopen"),
    "return": (ReturnForm, "return"),
    "accountability": (AccountabilityForm, "account"),
}


def _render_item(request, item: LedgerItem, action: str | None = None, bound=None, status: int = 200):
    """The item page; after a refused action, with that action's form as posted and its errors, so nothing
    typed (a reason, a comment) is lost and the error summary names what to fix."""
    can_submit = ledger.can_submit(request.user, item)
    can_decide = ledger.can_decide(request.user, item)
    roles = roles_of(request.user)
    forms = {name: form_class(prefix=prefix) for name, (form_class, prefix) in FORMS.items()}
    if action is not None:
        forms[action] = bound
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
        "reopen_form": forms["reopen"],
        "evidence_form": forms["evidence"],
        "submit_form": forms["submit"],
        "close_form": forms["close"],
        "return_form": forms["return"],
        "accountability": item.accountability.all(),
        "can_hold_to_account": can_decide,
        "accountability_form": forms["accountability"],
        "refused_form": bound,
        "last_return": item.events.filter(to_state=LedgerState.RETURNED).order_by("-at", "-id").first(),
    }
    return render(request, "plans/ledger_item.html", context, status=status)


@signed_in
def ledger_item(request, pk: int):
    return _render_item(request, _item(request, pk))


@require_POST
@signed_in
@ratelimit("plans-ledger", limit=60)
def ledger_action(request, pk: int, action: str):
    item = _item(request, pk)
    if action not in FORMS:
        raise Http404
    form_class, prefix = FORMS[action]
    form = (
        form_class(request.POST, request.FILES, prefix=prefix)
        if action == "evidence"
        else form_class(request.POST, prefix=prefix)
    )
    if not form.is_valid():
        return _render_item(request, item, action, form, status=400)
    data = form.cleaned_data
    try:
        if action == "evidence":
            ledger.add_evidence(item, request.user, note=data["note"], upload=data["file"])
            done = _("The evidence was added.")
        elif action == "submit":
            ledger.submit(item, request.user, data.get("comment", ""), request=request)
            done = _("Submitted to the bureau.")
        elif action == "close":
            ledger.close(
                item,
                request.user,
                data.get("comment", ""),
                request=request,
                confirm_below_target=bool(data.get("confirm_below_target")),
            )
            done = _("The item is closed.")
        elif action == "reopen":
            ledger.reopen(item, request.user, data.get("reason", ""), request=request)
            done = _("The item is open again.")
        elif action == "return":
            ledger.return_for_rectification(item, request.user, data["comment"], data["deadline"], request=request)
            done = _("The item was returned for rectification.")
        else:
            ledger.record_accountability(
                item,
                request.user,
                data["kind"],
                deadline=data["deadline"],
                minutes=data["minutes"],
                request=request,
            )
            done = _("The accountability measure was recorded.")
    except ledger.LedgerError as error:
        # A rule of the ledger (a reason missing, a confirmation below target, a state that moved on): shown on
        # the form as posted, the item as it now is.
        form.add_error(None, str(error))
        item = _item(request, pk)
        return _render_item(request, item, action, form, status=400)
    messages.success(request, done)
    return redirect("plans:ledger_item", pk=item.pk)


@signed_in
def evidence_file(request, pk: int):
    piece = get_object_or_404(LedgerEvidence.objects.filter(~Q(file=""), item__in=items_for(request.user)), pk=pk)
    response = FileResponse(piece.file.open("rb"), as_attachment=True, filename=piece.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
