"""The lease: the server's signed word that an attempt was open at a moment of its own clock.

The paper and every answer the server saves hand the page a fresh lease. The page keeps the latest one (also on
the device, with its unsent answers) and stamps each answer with the moment it was chosen, on the server's clock
as the last lease confirmed it. Only an answer that reaches the server after the deadline needs it: that answer
counts when it comes with a lease of its attempt issued before the deadline, and its stamp is not after the
deadline (docs/quizzes.md, "Deadlines"). The lease is signed with SECRET_KEY under a salt of its own, so a page
can neither make one up nor move one to another attempt or to a later time.
"""

import datetime
from dataclasses import dataclass

from django.core import signing

_SALT = "qingdun.quizzes.lease"


@dataclass(frozen=True)
class Lease:
    attempt_id: int
    issued_at: datetime.datetime


def milliseconds(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_milliseconds(value) -> datetime.datetime | None:
    """A time the page sent (milliseconds since the epoch on the server's clock), or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
        return datetime.datetime.fromtimestamp(number / 1000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def issue(attempt_id: int, now: datetime.datetime) -> str:
    return signing.dumps([attempt_id, milliseconds(now)], salt=_SALT, compress=False)


def read(value, attempt_id: int) -> Lease | None:
    """The lease in `value` if the server issued it for this attempt; None for anything else."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        leased_attempt, issued = signing.loads(value, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    issued_at = from_milliseconds(issued)
    if leased_attempt != attempt_id or issued_at is None:
        return None
    return Lease(attempt_id, issued_at)
