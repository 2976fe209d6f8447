"""The review queue of integrity flags: the list, one flag, and one device or network group with a decide-all form.

Who sees and decides what is classroom.integrity.review (built on people.scope): a flag outside the user's
scope is a 404; a flag she may read but not decide (a teacher's) refuses a decision with 403.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from core.paging import paginate
from core.ratelimit import ratelimit
from people import scope
from people.models import School, SchoolClass, SchoolYear

from ..integrity import review
from ..integrity.describe import describe, group_label
from ..models.integrity import FlagRule, FlagStatus, IntegrityFlag
from .access import get_in

PER_PAGE = 25
CONFIRM, CLEAR = "confirm", "clear"


def state_token(flag: IntegrityFlag) -> str:
    """The flag's decision as the reviewer saw it, so a decision taken meanwhile by someone else is not overwritten
    unseen."""
    stamp = flag.reviewed_at.isoformat() if flag.reviewed_at else ""
    return f"{flag.status}|{stamp}"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(CONFIRM, gettext_lazy("Confirm")), (CLEAR, pgettext_lazy("integrity decision", "Clear"))],
        error_messages={
            "required": gettext_lazy("Choose whether to confirm or to clear."),
            "invalid_choice": gettext_lazy("Choose whether to confirm or to clear."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=review.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Say what you checked. The reason is kept in the audit log."),
        error_messages={
            "required": gettext_lazy("Give the reason for your decision."),
            "max_length": gettext_lazy("Keep the reason under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class GroupDecisionForm(DecisionForm):
    up_to = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *FlagStatus.choices],
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Rule"), required=False, choices=[("", gettext_lazy("Any rule")), *FlagRule.choices]
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"),
        required=False,
        queryset=School.objects.none(),
        empty_label=gettext_lazy("Any school"),
    )
    school_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"),
        required=False,
        queryset=SchoolClass.objects.none(),
        empty_label=gettext_lazy("Any class"),
    )

    def __init__(self, data, *, user):
        data = data.copy()
        if "status" not in data:  # the queue opens on what waits for a decision
            data["status"] = FlagStatus.OPEN
        super().__init__(data)
        schools = scope.review_schools_for(user).order_by("code")
        self.fields["school"].queryset = schools
        # One school needs no school filter: a school admin sees only hers.
        self.show_school = schools.count() > 1
        chosen = self.data.get("school") if self.show_school else None
        classes = scope.classes_for(user).filter(school_year=SchoolYear.current()).select_related("school")
        if chosen and str(chosen).isdigit():
            classes = classes.filter(school_id=int(chosen))
        elif self.show_school:
            classes = classes.none()  # a district's every class is too long a list: choose a school first
        self.fields["school_class"].queryset = classes.order_by("school__code", "grade", "number")
        self.show_class = bool(chosen) or not self.show_school

    def apply(self, flags):
        self.is_valid()
        data = self.cleaned_data
        if data.get("status"):
            flags = flags.filter(status=data["status"])
        if data.get("rule"):
            flags = flags.filter(rule=data["rule"])
        if data.get("school"):
            flags = flags.filter(school=data["school"])
        if data.get("school_class"):
            flags = flags.filter(school_class=data["school_class"])
        return flags


def _require_queue(user) -> None:
    if not review.may_open_queue(user):
        raise PermissionDenied


def _flags(user):
    return review.visible_flags(user).select_related("school", "school_class__school", "student__user", "reviewed_by")


def _reviewable_ids(user, flags) -> set[int]:
    ids = [flag.pk for flag in flags]
    return set(review.reviewable_flags(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _decision_form(flag: IntegrityFlag, *, data=None, next_url: str = "") -> DecisionForm:
    return DecisionForm(
        data,
        initial={"seen": state_token(flag), "next": next_url},
        auto_id=f"id_flag{flag.pk}_%s",
    )


def _safe_next(request, target: str) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _decided_message(decision: str, count: int = 1) -> str:
    if decision == CONFIRM:
        return _("The flag was confirmed.") if count == 1 else _("%(count)s flags were confirmed.") % {"count": count}
    return _("The flag was cleared.") if count == 1 else _("%(count)s flags were cleared.") % {"count": count}


@login_required
def queue(request):
    _require_queue(request.user)
    filters = FilterForm(request.GET, user=request.user)
    flags = filters.apply(_flags(request.user))
    page, query = paginate(request, flags, PER_PAGE)
    shown = list(page.object_list)
    items = describe(shown, request.user, _reviewable_ids(request.user, shown))
    here = request.get_full_path()
    for item in items:
        item["form"] = _decision_form(item["flag"], next_url=here) if item["can_review"] else None
    return render(
        request,
        "classroom/integrity/queue.html",
        {"filters": filters, "items": items, "page": page, "query": query},
    )


def _flag_page(request, flag: IntegrityFlag, form=None):
    (item,) = describe([flag], request.user, _reviewable_ids(request.user, [flag]))
    if item["can_review"] and form is None:
        form = _decision_form(flag)
    item["form"] = form if item["can_review"] else None
    history = flag.group and review.group_flags(request.user, flag.group).count()
    return render(request, "classroom/integrity/flag.html", {"item": item, "flag": flag, "group_size": history})


@login_required
def flag_detail(request, pk: int):
    _require_queue(request.user)
    return _flag_page(request, get_in(_flags(request.user), pk))


@login_required
@require_POST
@ratelimit("classroom.integrity", limit=120)
def flag_decide(request, pk: int):
    _require_queue(request.user)
    flag = get_in(_flags(request.user), pk)
    if not review.can_review(request.user, flag):
        raise PermissionDenied
    form = _decision_form(flag, data=request.POST)
    if form.is_valid():
        if form.cleaned_data["seen"] != state_token(flag):
            form.add_error(
                None,
                _("Someone decided this flag while you were looking at it. Read their decision, then decide again."),
            )
        else:
            decide = review.confirm if form.cleaned_data["decision"] == CONFIRM else review.clear
            try:
                decide(flag, request.user, form.cleaned_data["reason"], request=request)
            except review.ReviewError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _decided_message(form.cleaned_data["decision"]))
                target = _safe_next(request, form.cleaned_data["next"])
                return redirect(target) if target else redirect("classroom:integrity_flag", pk=flag.pk)
    # Decide again from a fresh page: the form keeps what was typed but now knows the flag's current state.
    form.data = form.data.copy()
    form.data["seen"] = state_token(flag)
    return _flag_page(request, flag, form)


def _group_of(request, pk: int) -> IntegrityFlag:
    flag = get_in(_flags(request.user), pk)
    if not flag.group:
        raise Http404
    return flag


def _group_page(request, flag: IntegrityFlag, form=None):
    flags = review.group_flags(request.user, flag.group).select_related(
        "school", "school_class__school", "student__user", "reviewed_by"
    )
    waiting = review.reviewable_flags(request.user).filter(group=flag.group, status=FlagStatus.OPEN)
    up_to = waiting.aggregate(last=Max("pk"))["last"]
    if form is None:
        form = GroupDecisionForm(initial={"up_to": up_to}, auto_id="id_group_%s") if up_to else None
    elif up_to:  # shown again after an error: it now covers the flags on the page as it is
        form.data = form.data.copy()
        form.data["up_to"] = up_to
    page, query = paginate(request, flags, PER_PAGE)
    shown = list(page.object_list)
    items = describe(shown, request.user, _reviewable_ids(request.user, shown))
    students = flags.exclude(student=None).values("student").distinct().count()
    return render(
        request,
        "classroom/integrity/group.html",
        {
            "flag": flag,
            "label": group_label(flag),
            "items": items,
            "page": page,
            "query": query,
            "total": page.paginator.count,
            "students": students,
            "waiting": waiting.count(),
            "form": form,
        },
    )


@login_required
def group(request, pk: int):
    _require_queue(request.user)
    return _group_page(request, _group_of(request, pk))


@login_required
@require_POST
@ratelimit("classroom.integrity", limit=120)
def group_decide(request, pk: int):
    _require_queue(request.user)
    flag = _group_of(request, pk)
    if not review.can_review(request.user, flag):
        raise PermissionDenied
    form = GroupDecisionForm(request.POST, auto_id="id_group_%s")
    if form.is_valid():
        decide = review.confirm_group if form.cleaned_data["decision"] == CONFIRM else review.clear_group
        try:
            decided = decide(
                flag.group, request.user, form.cleaned_data["reason"], request=request, up_to=form.cleaned_data["up_to"]
            )
        except review.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _decided_message(form.cleaned_data["decision"], len(decided)))
            return redirect("classroom:integrity_group", pk=flag.pk)
    return _group_page(request, flag, form)
