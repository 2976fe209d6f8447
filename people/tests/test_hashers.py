"""The password hasher: production settings hash with Argon2id at OWASP's parameters, and an older hash is
replaced by one at the first sign-in. The test settings hash with MD5 for speed, so these tests put the
production list back for themselves."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, get_hasher
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from config.settings import base
from people import passwords
from people.hashers import OwaspArgon2idPasswordHasher
from people.testing import PASSWORD

OWASP_PREFIX = "argon2$argon2id$v=19$m=7168,t=5,p=1$"

pytestmark = pytest.mark.django_db


def test_production_settings_hash_with_argon2id_at_owasp_parameters():
    first = import_string(base.PASSWORD_HASHERS[0])
    assert first is OwaspArgon2idPasswordHasher
    assert (first.time_cost, first.memory_cost, first.parallelism) == (5, 7168, 1)
    # PBKDF2 stays after it, so the hashes made before (and issued initial passwords) still verify.
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS[1:]
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = get_hasher("default").encode(PASSWORD, "somesaltsomesalt")
    assert encoded.startswith(OWASP_PREFIX)
    assert OwaspArgon2idPasswordHasher().verify(PASSWORD, encoded)


def test_production_settings_file_keeps_the_base_hashers():
    # production.py imports base and must not put another list in front of it.
    source = (base.BASE_DIR / "config" / "settings" / "production.py").read_text()
    assert "PASSWORD_HASHERS" not in source


def _sign_in(client, user, password=PASSWORD):
    return client.post(reverse("people:login"), {"username": user.username, "password": password})


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_pbkdf2_hash_becomes_argon2id_after_one_sign_in(client, world):
    user = world.teacher
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsaltoldsalt12", iterations=1000)
    user.save(update_fields=["password"])
    assert _sign_in(client, user).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(OWASP_PREFIX)
    assert user.check_password(PASSWORD)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_issued_initial_password_is_upgraded_and_stays_on_the_slip(client, world):
    user = world.student.user
    raw = passwords.issue(user)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$1000$")
    assert _sign_in(client, user, raw).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(OWASP_PREFIX)
    # The re-hash of the same password is not the student choosing her own: the slip can still be printed.
    assert user.initial_password.password == raw


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_argon2_hash_with_other_parameters_is_retuned_at_sign_in(client, world):
    user = world.teacher
    user.password = Argon2PasswordHasher().encode(PASSWORD, "othersaltother12")  # Django's 100 MiB, 8 lanes
    user.save(update_fields=["password"])
    assert not user.password.startswith(OWASP_PREFIX)
    assert _sign_in(client, user).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(OWASP_PREFIX)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_hash_at_the_earlier_19_mib_parameters_is_retuned_at_sign_in(client, world):
    # The hasher was at OWASP's m=19 MiB, t=2 until issue #15 measured its page faults; those hashes move over.
    user = world.teacher
    earlier = type("Earlier", (Argon2PasswordHasher,), {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1})
    user.password = earlier().encode(PASSWORD, "earliersaltearli")
    user.save(update_fields=["password"])
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert _sign_in(client, user).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(OWASP_PREFIX)
    assert user.check_password(PASSWORD)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_wrong_password_changes_no_hash(client, world):
    user = world.teacher
    old = PBKDF2PasswordHasher().encode(PASSWORD, "oldsaltoldsalt12", iterations=1000)
    user.password = old
    user.save(update_fields=["password"])
    assert _sign_in(client, user, "not-the-password").status_code == 200
    user.refresh_from_db()
    assert user.password == old
