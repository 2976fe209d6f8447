"""Make, list and revoke API keys for /api/v1/ (docs/api.md), for an operator at the server.

    manage.py api_keys issue --school S1 --name 学籍系统 [--days 90] [--write]
    manage.py api_keys issue --district 3301 --name 县级汇总
    manage.py api_keys issue --region 33 --name 省级汇总        (a city's or a province's key: read-only)
    manage.py api_keys list [--school S1 | --district 3301 | --region 33]
    manage.py api_keys revoke KEY_ID

A new key is printed once and exists nowhere else; making and revoking it is in the audit log.
"""

from django.core.management.base import BaseCommand, CommandError

from ... import api_tokens
from ...models import ApiAccess, ApiToken, District, Region, School


class Command(BaseCommand):
    help = "Make, list and revoke API keys for /api/v1/."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        issue = commands.add_parser("issue")
        for sub in (issue, commands.add_parser("list")):
            where = sub.add_mutually_exclusive_group(required=sub is issue)
            where.add_argument("--school", help="school code")
            where.add_argument("--district", help="district code")
            where.add_argument("--region", help="city or province code (its keys only read)")
        issue.add_argument("--name", required=True, help="what the key is for, e.g. the system that holds it")
        issue.add_argument("--days", type=int, default=api_tokens.DEFAULT_DAYS)
        issue.add_argument("--write", action="store_true", help="read-write (roster sync, records); else read-only")
        revoke = commands.add_parser("revoke")
        revoke.add_argument("key_id", type=int)

    def handle(self, action, **options):
        if action == "issue":
            organisation = self._organisation(options)
            access = ApiAccess.READ_WRITE if options["write"] else ApiAccess.READ
            try:
                token, key = api_tokens.issue(organisation, name=options["name"], access=access, days=options["days"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Key {token.pk} for {organisation} ({token.get_access_display()}), until {token.expires_at:%Y-%m-%d}:"
            )
            self.stdout.write(key)
            self.stdout.write("It is shown only now: store it in the system that will use it.")
        elif action == "list":
            rows = ApiToken.objects.select_related("school", "district", "region").order_by("pk")
            if options.get("school") or options.get("district") or options.get("region"):
                organisation = self._organisation(options)
                rows = rows.filter(**{api_tokens.organisation_field(organisation): organisation})
            for token in rows:
                state = "revoked" if token.revoked_at else f"until {token.expires_at:%Y-%m-%d}"
                self.stdout.write(
                    f"{token.pk}\t{token.prefix}…\t{token.organisation}\t{token.name}\t{token.access}\t{state}"
                )
        else:
            token = ApiToken.objects.filter(pk=options["key_id"]).first()
            if token is None:
                raise CommandError(f"no API key {options['key_id']}")
            revoked = api_tokens.revoke(token)
            self.stdout.write(f"Key {token.pk} revoked." if revoked else f"Key {token.pk} was revoked already.")

    def _organisation(self, options):
        if options.get("school"):
            school = School.objects.filter(code=options["school"]).first()
            if school is None:
                raise CommandError(f"no school with the code {options['school']}")
            return school
        if options.get("region"):
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"no city or province with the code {options['region']}")
            return region
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district with the code {options['district']}")
        return district
