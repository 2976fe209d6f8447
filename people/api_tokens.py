"""API keys: making, revoking and checking them (the model is people.models.ApiToken).

A key is `qd_` and 32 random bytes; only its SHA-256 digest is stored, so a fast hash loses nothing (as for the
slip codes) and checking one costs a single indexed lookup per request. Every key made or revoked is in the
audit log; a use updates `last_used_at` at most once a minute, so a busy integration does not write a row per
request.
"""

import datetime
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit

from .models import ApiAccess, ApiIdempotency, ApiToken, District, Region, School

TOKEN_BYTES = 32
PREFIX = "qd_"
MAX_DAYS = 366
DEFAULT_DAYS = 90
USE_RESOLUTION = datetime.timedelta(minutes=1)
IDEMPOTENCY_WINDOW = datetime.timedelta(hours=24)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue(
    organisation: Region | District | School,
    *,
    name: str,
    access: str = ApiAccess.READ,
    days: int = DEFAULT_DAYS,
    request=None,
    now=None,
) -> tuple[ApiToken, str]:
    """A new key for `organisation`; returns the row and the key itself, which exists nowhere else.

    A region's key reads only (ValueError for a read-write one): a province or city feeds no school's records."""
    now = now or timezone.now()
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"an API key lives 1 to {MAX_DAYS} days")
    if isinstance(organisation, Region) and access != ApiAccess.READ:
        raise ValueError("a city's or a province's API key may only read")
    key = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    where = {organisation_field(organisation): organisation}
    user = getattr(request, "user", None)
    token = ApiToken.objects.create(
        name=name,
        access=access,
        prefix=key[: len(PREFIX) + 6],
        digest=digest_of(key),
        created_at=now,
        created_by=user if user is not None and user.is_authenticated else None,
        expires_at=now + datetime.timedelta(days=days),
        **where,
    )
    audit.record(
        "people.api_key_issued",
        request=request,
        target=str(organisation),
        district_id=_district_id(token),
        region=token.region_id,
        key=token.pk,
        access=access,
        expires_at=token.expires_at.isoformat(),
    )
    return token, key


def revoke(token: ApiToken, *, request=None, now=None) -> bool:
    """Revoke a live key; False when it was revoked already."""
    now = now or timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if changed:
        audit.record(
            "people.api_key_revoked",
            request=request,
            target=str(token.organisation),
            district_id=_district_id(token),
            region=token.region_id,
            key=token.pk,
        )
    return bool(changed)


def authenticate(key: str, *, now=None) -> ApiToken | None:
    """The live key's row, or None for an unknown, revoked or expired key (the caller cannot tell which)."""
    now = now or timezone.now()
    if not key or not key.startswith(PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("region", "district", "school__district").filter(digest=digest_of(key)).first()
    )
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def organisation_field(organisation: Region | District | School) -> str:
    """The ApiToken field that holds a key of this organisation."""
    if isinstance(organisation, School):
        return "school"
    return "region" if isinstance(organisation, Region) else "district"


def _district_id(token: ApiToken) -> int | None:
    """The district whose bureau's audit log shows the key's events; a region's key has none (the events carry
    the region instead, and the superusers' log shows them)."""
    if token.school_id:
        return token.school.district_id
    return token.district_id


class IdempotencyConflict(Exception):
    """An Idempotency-Key used again with another body: a client bug, refused rather than guessed at."""


def principal_label(principal) -> str:
    return f"key:{principal.pk}" if isinstance(principal, ApiToken) else f"user:{principal.pk}"


def once(principal, key: str, body: bytes, run, *, now=None) -> tuple[int, dict, bool]:
    """Run a write once per (caller, Idempotency-Key): `run()` returns (status, answer). A successful answer is
    kept a day (IDEMPOTENCY_WINDOW) and the same key with the same body gets it back, replayed (the third value
    True), without running again. A refused write (4xx) wrote nothing and is not kept, so it may be sent again.

    The write and the kept answer commit together: of two twins sent at once, the second's write is rolled back
    by the unique constraint and it answers what the first stored."""
    now = now or timezone.now()
    who, digest = principal_label(principal), hashlib.sha256(body).hexdigest()
    stored = ApiIdempotency.objects.filter(principal=who, key=key, created_at__gt=now - IDEMPOTENCY_WINDOW).first()
    if stored is not None:
        if stored.request_digest != digest:
            raise IdempotencyConflict
        return stored.status, stored.response, True
    try:
        with transaction.atomic():
            status, answer = run()
            if status < 400:
                ApiIdempotency.objects.filter(created_at__lte=now - IDEMPOTENCY_WINDOW).delete()
                ApiIdempotency.objects.create(
                    principal=who, key=key, request_digest=digest, status=status, response=answer, created_at=now
                )
    except IntegrityError:
        stored = ApiIdempotency.objects.filter(principal=who, key=key).first()
        if stored is None:
            raise
        if stored.request_digest != digest:
            raise IdempotencyConflict from None
        return stored.status, stored.response, True
    return status, answer, False
