"""Merge translations from a JSON object {msgid: msgstr} into a locale's django.po (developer tool); a pgettext
string's key is "context\u0004msgid".

Used after `make messages`: translators (or developers) keep a JSON of new strings and merge it here, so
parallel work does not edit the same .po file by hand. `--domain djangojs` fills the JavaScript catalogue
(djangojs.po), which Wagtail's admin scripts read through its JavaScriptCatalog view.
"""

import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Fill msgstr entries of locale/<LOCALE>/LC_MESSAGES/<DOMAIN>.po from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("json_file")
        parser.add_argument("--locale", default="zh_Hans")
        parser.add_argument("--domain", default="django", choices=["django", "djangojs"])
        parser.add_argument("--overwrite", action="store_true", help="Replace translations that already exist.")

    def handle(self, json_file, locale, domain, overwrite, **options):
        po_path = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / f"{domain}.po"
        if not po_path.exists():
            raise CommandError(f"{po_path} does not exist; run `make messages` first.")
        translations = json.loads(Path(json_file).read_text("utf-8"))
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        filled = 0
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if message.context:
                # pgettext strings: the JSON key is "context\u0004msgid", as in the compiled catalogue.
                key = f"{message.context}\x04{key}"
            if key not in translations:
                continue
            value = translations[key]
            # A fuzzy entry is msgmerge's guess from a similar string: never keep it, replace it.
            replace = overwrite or message.fuzzy
            if isinstance(message.id, tuple):
                values = value if isinstance(value, list) else [value] * len(message.string)
                if replace or not all(message.string):
                    message.string = tuple(values)
                    message.flags.discard("fuzzy")
                    filled += 1
            elif replace or not message.string:
                message.string = value
                message.flags.discard("fuzzy")
                filled += 1
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=120)
        self.stdout.write(f"Filled {filled} translation(s) in {po_path}.")
