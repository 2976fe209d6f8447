"""Files kept between a preview and its confirmation (core.uploads.pending): taken once, never past their
lifetime, never from outside their folder, and purged when abandoned."""

import datetime
import os

import pytest
from django.utils import timezone

from core.uploads import pending

NOW = timezone.make_aware(datetime.datetime(2026, 9, 1, 10, 0))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _age(path, when):
    os.utime(path, (when.timestamp(), when.timestamp()))


def test_a_kept_file_is_taken_once():
    token = pending.keep("quiz-imports", b"data")
    assert pending.take("quiz-imports", token) == b"data"
    assert pending.take("quiz-imports", token) is None


def test_a_file_past_its_lifetime_is_not_handed_out_and_is_removed(tmp_path):
    token = pending.keep("quiz-imports", b"data")
    path = tmp_path / pending.FOLDER / "quiz-imports" / f"{token}.bin"
    _age(path, NOW - pending.LIFETIME)
    assert pending.take("quiz-imports", token, now=NOW) is None
    assert not path.exists()


@pytest.mark.parametrize("token", ["../../settings", "a/b", "", "x" * 200, "..%2f..%2fetc"])
def test_a_token_is_never_a_path(token):
    assert pending.take("quiz-imports", token) is None


def test_purge_removes_only_the_stale_files_of_every_area_and_the_old_folder(tmp_path):
    fresh = pending.keep("quiz-imports", b"fresh")
    stale = pending.keep("other", b"stale")
    legacy = tmp_path / "quiz-imports" / "abandoned.bin"
    legacy.parent.mkdir()
    legacy.write_bytes(b"left behind by the old preview")
    for path in (tmp_path / pending.FOLDER / "other" / f"{stale}.bin", legacy):
        _age(path, NOW - pending.LIFETIME - datetime.timedelta(minutes=1))
    _age(tmp_path / pending.FOLDER / "quiz-imports" / f"{fresh}.bin", NOW - datetime.timedelta(minutes=5))
    assert pending.purge(now=NOW) == 2
    assert not legacy.exists()
    assert pending.take("quiz-imports", fresh, now=NOW) == b"fresh"
