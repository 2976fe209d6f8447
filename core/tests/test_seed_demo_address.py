"""`make run` prints the address its server really listens on (README: "the address it really serves")."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_the_address_it_is_given():
    out = io.StringIO()
    call_command("seed_demo", "--address", "http://127.0.0.1:8799/", stdout=out)
    assert "Open http://127.0.0.1:8799/ and sign in; the CMS is at http://127.0.0.1:8799/admin/" in out.getvalue()
    assert "8000" not in out.getvalue().splitlines()[-1]
