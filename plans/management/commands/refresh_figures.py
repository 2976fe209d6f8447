from django.core.management.base import BaseCommand, CommandError

from people.models import District, SchoolYear
from plans.rollup import refresh_district


class Command(BaseCommand):
    help = "Recompute the roll-up of figures (per class and period) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--district", help="district code; every district when omitted")
        parser.add_argument(
            "--year", type=int, help="first calendar year of the school year; the current one by default"
        )

    def handle(self, *args, **options):
        start_year = options["year"] or SchoolYear.current().start_year
        districts = District.objects.all()
        if options["district"]:
            districts = districts.filter(code=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with code {options['district']}")
        for district in districts:
            run = refresh_district(district, start_year)
            self.stdout.write(f"{district.code} {start_year}: {run.rows} rows")
