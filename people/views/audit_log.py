"""The audit trail of a bureau admin's district: who did what, when, from where; filtered and paginated."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AuditEvent
from core.paging import paginate

from .. import scope

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("audit log", "Action"), required=False)
    since = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions"))] + [(a, a) for a in actions]


def events_for(user):
    """Audit rows the user may read: a bureau admin's districts; nobody else (auditors included) reads the trail."""
    roles = scope.roles_of(user)
    if roles.superuser:
        return AuditEvent.objects.all()
    if not roles.bureau_admin_districts:
        raise PermissionDenied
    return AuditEvent.objects.filter(district_id__in=roles.bureau_admin_districts)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@login_required
def audit_log(request):
    events = events_for(request.user)
    actions = sorted(set(events.order_by().values_list("action", flat=True).distinct()))
    form = AuditFilterForm(request.GET or None, actions=actions)
    if form.is_valid():
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["since"]:
            events = events.filter(at__gte=_day_start(form.cleaned_data["since"]))
        if form.cleaned_data["until"]:
            events = events.filter(at__lt=_day_start(form.cleaned_data["until"] + datetime.timedelta(days=1)))
    page, query = paginate(request, events.order_by("-at", "-pk"), PAGE_SIZE)
    return render(request, "people/audit_log.html", {"form": form, "page": page, "query": query})
