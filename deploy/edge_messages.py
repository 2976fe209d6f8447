"""Print, as shell `export` lines, the texts HAProxy answers with when it sheds a request (deploy/start-edge).

HAProxy cannot call gettext, so its pages use the project's own catalogues (locale/), read here once at start:
the busy message is the one the app's pages use, and the outage message is the one of the 500 page, so both are
translated with everything else. Each text is exported escaped for JSON and for HTML, and with `%` doubled, as
HAProxy reads these variables inside log-format strings. The busy message is split around its seconds, which
HAProxy fills in per request.
"""

import html
import json
import shlex
import sys
from pathlib import Path

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = {"ZH": "zh-hans", "EN": "en"}
SECONDS = "\x00"


def texts(language: str) -> dict[str, str]:
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(language):
        busy = _("Many people are using Qingdun right now. Please wait %(seconds)s seconds and try again.") % {
            "seconds": SECONDS
        }
        before, _sep, after = busy.partition(SECONDS)
        return {
            "BUSY_A": before,
            "BUSY_B": after,
            "DOWN_TITLE": _("Something went wrong on our side"),
            "DOWN_TEXT": _(
                "Your work is saved up to the last step that showed as saved. Please wait a moment and try again."
            ),
        }


def escaped(text: str, form: str) -> str:
    text = json.dumps(text, ensure_ascii=False)[1:-1] if form == "JSON" else html.escape(text)
    return text.replace("%", "%%")


def main() -> int:
    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="zh-hans",
        LANGUAGES=[("zh-hans", "简体中文"), ("en", "English")],
        LOCALE_PATHS=[str(ROOT / "locale")],
        INSTALLED_APPS=[],
    )
    django.setup()
    for suffix, language in LANGUAGES.items():
        for key, text in texts(language).items():
            for form in ("JSON", "HTML"):
                print(f"export EDGE_TEXT_{key}_{suffix}_{form}={shlex.quote(escaped(text, form))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
