"""How long a pending roster or teacher upload may wait between its preview and its commit.

A pending upload holds minors' names, so it lives only long enough to look at the preview and confirm: a periodic
task removes the stale ones (`purge_pending_uploads`), and a stale one found before the task ran is refused and
removed on use, so the promise holds even when the task is late. The same task removes the stale files other
previews keep on disk (the question import, core.uploads.pending), which have the same two-hour lifetime.
"""

from datetime import timedelta

from django.utils import timezone

from core.uploads import pending

from .models import RosterUpload

UPLOAD_LIFETIME = timedelta(hours=2)


def _now(now):
    return now if now is not None else timezone.now()


def is_expired(upload: RosterUpload, now=None) -> bool:
    return upload.created_at <= _now(now) - UPLOAD_LIFETIME


def purge_expired(now=None) -> int:
    """Delete every pending upload older than the lifetime, and every stale preview file on disk; answer how many
    pending uploads went."""
    deleted, _per_model = RosterUpload.objects.filter(created_at__lte=_now(now) - UPLOAD_LIFETIME).delete()
    pending.purge(now)
    return deleted
