from django.core.management.base import BaseCommand
from django.db import transaction

from core.addresses import site_address
from core.seeding import SeedContext, seeders


class Command(BaseCommand):
    help = "Create or refresh the demo district, schools, people, curriculum and progress. Safe to run again."

    def add_arguments(self, parser):
        # `make run` passes the address its server will listen on, so the printed address is the real one; by
        # default the site's address setting, the one sign-in slips print (core.addresses).
        parser.add_argument("--address", default=None, help="the site's address to print")

    def handle(self, *args, **options):
        ctx = SeedContext(stdout=self.stdout)
        for _order, name, func in seeders():
            self.stdout.write(f"Seeding {name}…")
            with transaction.atomic():
                func(ctx)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo sign-ins (every password is shown):"))
        width = max((len(role) for role, _, _ in ctx.logins), default=10)
        for role, username, password in ctx.logins:
            self.stdout.write(f"  {role.ljust(width)}  {username:<24} {password}")
        address = (options["address"] or site_address()).rstrip("/")
        self.stdout.write(f"Open {address}/ and sign in; the CMS is at {address}/admin/")
