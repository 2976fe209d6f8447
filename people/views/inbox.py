"""Each signed-in person's inbox: her own notifications, newest first; reading one marks it read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.paging import paginate

from ..models import Notification
from ..notifications import mark_read as mark_notifications_read
from ..notifications import unread_count

PAGE_SIZE = 30


@login_required
def inbox(request):
    # Scope: the rows are filtered by the signed-in user and no one else's are ever listed.
    rows = Notification.objects.filter(user=request.user)
    page, query = paginate(request, rows, PAGE_SIZE)
    unread = unread_count(request.user)
    return render(request, "people/inbox.html", {"page": page, "query": query, "unread": unread})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notification read, then follow its link when asked to (`open`), or return to the inbox."""
    row = get_object_or_404(Notification, pk=pk, user=request.user)
    if row.read_at is None:
        mark_notifications_read(request.user, Notification.objects.filter(pk=row.pk))
    if request.POST.get("open") and row.url:
        if url_has_allowed_host_and_scheme(row.url, allowed_hosts={request.get_host()}):
            return redirect(row.url)
    return redirect("people:inbox")


@login_required
@require_POST
def mark_all_read(request):
    mark_notifications_read(request.user)
    return redirect("people:inbox")
