"""Initial passwords: easy to type from a paper slip, readable only until the person picks her own.

An initial password is also kept in plain text (InitialPassword) so the slip can be printed again, so a slow
hash adds nothing while it is in use. Issued passwords are therefore hashed with few PBKDF2 rounds, which lets a
3,000-student roster import in seconds; Django re-hashes with full strength at the first successful sign-in,
and the row is deleted when the person chooses her own password (see signals.py).
"""

import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hashers_by_algorithm, make_password
from django.db import transaction

from .models import InitialPassword, Student

# No 0/o, 1/l/i: slips are read by ten-year-olds and typed on phones.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 8
ISSUE_ITERATIONS = 1_000


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def quick_hash(raw: str) -> str:
    hasher = get_hashers_by_algorithm().get(PBKDF2PasswordHasher.algorithm)
    if hasher is None:  # a site configured without PBKDF2 (the test settings): use its own default
        return make_password(raw)
    return hasher.encode(raw, hasher.salt(), iterations=ISSUE_ITERATIONS)


def must_change_for(user) -> bool:
    """Staff always choose their own; students do when their school asks for it."""
    student = Student.objects.filter(user=user).select_related("school").first()
    return student.school.require_password_change if student else True


@transaction.atomic
def issue(user) -> str:
    """Give `user` a new initial password, returned once to show the person who asked for it."""
    raw = generate()
    user.password = quick_hash(raw)
    user.must_change_password = must_change_for(user)
    user.save(update_fields=["password", "must_change_password"])
    InitialPassword.objects.update_or_create(user=user, defaults={"password": raw})
    return raw


def forget(user) -> None:
    InitialPassword.objects.filter(user=user).delete()
