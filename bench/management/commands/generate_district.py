from django.core.management.base import BaseCommand, CommandError

from bench.generator import GenerateOptions, generate


class Command(BaseCommand):
    help = (
        "Write a synthetic district for benchmarks: schools, classes, teachers, students (some promoted, some "
        "left), quizzes and submitted attempts, in bulk (COPY on PostgreSQL). Writes only to a throwaway database "
        "named qingdun_bench_*. Installed by the bench's settings (DJANGO_SETTINGS_MODULE=bench.settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, required=True)
        parser.add_argument("--students-per-school", type=int, required=True)
        parser.add_argument("--attempts-per-student", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1, help="random seed; also names the districts (B<seed>-NN)")
        parser.add_argument(
            "--districts", type=int, default=0, help="number of districts (default: one per 100 schools)"
        )
        parser.add_argument(
            "--cities",
            type=int,
            default=0,
            help="a province above this many cities, the districts shared out among them (default 0: no regions)",
        )
        parser.add_argument(
            "--class-size", type=int, default=45, help="students per class (smaller: more classes for the students)"
        )

    def handle(self, *args, **options):
        for name in ("schools", "students_per_school", "class_size"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        if options["attempts_per_student"] < 0:
            raise CommandError("--attempts-per-student must not be negative")
        try:
            summary = generate(
                GenerateOptions(
                    schools=options["schools"],
                    students_per_school=options["students_per_school"],
                    attempts_per_student=options["attempts_per_student"],
                    seed=options["seed"],
                    districts=options["districts"],
                    cities=options["cities"],
                    class_size=options["class_size"],
                ),
                self.stdout,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Generated {summary.schools:,} schools, {summary.students:,} students and {summary.attempts:,} attempts "
            f"in districts {', '.join(summary.district_codes)}"
            + (f" under regions {', '.join(summary.region_codes)}" if summary.region_codes else "")
            + f": {summary.rows:,} rows in {summary.seconds:.1f} s "
            f"({summary.rows / max(summary.seconds, 1e-9):,.0f} rows/s)."
        )
