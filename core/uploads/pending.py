"""Files kept between a preview and its confirmation (the question import), and only that long.

A file is kept only once it passed inspection and its preview found nothing to refuse; it is removed when the
preview is confirmed, and otherwise when it is older than LIFETIME: at the next upload of the same kind, at the
next confirmation, or by `manage.py purge_pending_uploads` (README: every few minutes), whichever comes first.
Each file lives under MEDIA_ROOT/pending-uploads/<area>/, outside the public media folders (core.views).
"""

import os
import re
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

FOLDER = "pending-uploads"
# Where the question import kept its previews before they came here, none ever removed when abandoned.
LEGACY_FOLDERS = ("quiz-imports",)
LIFETIME = timedelta(hours=2)
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_AREA_RE = re.compile(r"[a-z0-9-]{1,40}")


def _folder(area: str) -> Path:
    if not _AREA_RE.fullmatch(area):
        raise ValueError(area)
    return Path(settings.MEDIA_ROOT) / FOLDER / area


def _path(area: str, token: str) -> Path | None:
    if not _TOKEN_RE.fullmatch(token or ""):
        return None  # a token from a form is never a path
    return _folder(area) / f"{token}.bin"


def _now(now) -> float:
    return now.timestamp() if now is not None else time.time()


def keep(area: str, data: bytes) -> str:
    """Store `data` and answer the token that takes it back."""
    token = secrets.token_urlsafe(16)
    folder = _folder(area)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}.bin"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return token


def take(area: str, token: str, now=None) -> bytes | None:
    """The kept bytes, removed from the disk; None when there are none or they outlived LIFETIME."""
    path = _path(area, token)
    if path is None:
        return None
    try:
        stale = path.stat().st_mtime <= _now(now) - LIFETIME.total_seconds()
        data = None if stale else path.read_bytes()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return data


def purge(now=None) -> int:
    """Remove every kept file older than LIFETIME, in every area; answer how many went."""
    media = Path(settings.MEDIA_ROOT)
    limit = _now(now) - LIFETIME.total_seconds()
    removed = 0
    stale = [
        *media.joinpath(FOLDER).glob("*/*.bin"),
        *(p for f in LEGACY_FOLDERS for p in media.joinpath(f).glob("*.bin")),
    ]
    for path in stale:
        try:
            if path.stat().st_mtime <= limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another process removed it first
    return removed
