"""Inspection samples (抽查): a reproducible random draw of schools, and each drawn school's evidence as a zip."""

import csv
import io
import math
import random
import secrets
import zipfile

from django.utils import translation

from classroom.models import ActivityEvidence, ClassHourLog
from core.tabular import neutralise
from people.models import School, SchoolYear

from .models import ClassFigures, EvidenceKind, LedgerEvidence, LedgerItem, Period, Sample
from .report import PUBLISHED_HEADERS, cells


def sample_size(population: int, percent: int, minimum: int) -> int:
    """e.g. 10% of the schools, at least 4 (不足4所按4所), never more than there are."""
    return min(population, max(minimum, math.ceil(population * percent / 100)))


def draw(school_ids: list[int], percent: int, minimum: int, seed: int) -> list[int]:
    """The same seed and the same schools always give the same draw."""
    population = sorted(school_ids)
    rng = random.Random(seed)  # noqa: S311 — reproducible on purpose: the seed is published with the draw
    return sorted(rng.sample(population, sample_size(len(population), percent, minimum)))


def new_seed() -> int:
    return secrets.randbelow(10**9)


def draw_sample(district, school_year: SchoolYear, percent: int, minimum: int, user, seed: int | None = None) -> Sample:
    seed = new_seed() if seed is None else seed
    population = list(School.objects.filter(district=district).values_list("id", flat=True))
    return Sample.objects.create(
        district=district,
        school_year=school_year,
        percent=percent,
        minimum=minimum,
        seed=seed,
        population=sorted(population),
        school_ids=draw(population, percent, minimum, seed),
        drawn_by=user,
    )


class _Sink(io.RawIOBase):
    """A write-only stream that hands written bytes to the response as they come."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _figures_csv(school: School, school_year: SchoolYear) -> bytes:
    from . import dashboard
    from .planning import plan_for

    plan = plan_for(school.district_id, school_year.start_year)
    rows = ClassFigures.objects.filter(school=school, school_year=school_year, period=Period.YEAR)
    lines = dashboard.school_rows(rows, plan)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PUBLISHED_HEADERS)
    for line in lines:
        line.figures = line.figures.as_school()
        writer.writerow([neutralise(cell) for cell in cells(line)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _ledger_csv(items) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    with translation.override("zh-hans"):
        writer.writerow(["任务", "状态", "截止日期", "时间", "操作人", "变更", "说明"])
        for item in items:
            for event in item.events.all():
                writer.writerow(
                    [
                        neutralise(item.task.title),
                        item.get_state_display(),
                        item.due_on or "",
                        event.at.isoformat(timespec="minutes"),
                        neutralise(event.actor_name),
                        f"{event.from_state}→{event.to_state}",
                        neutralise(event.comment),
                    ]
                )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def school_archive(school: School, school_year: SchoolYear):
    """Yield a zip of the school's ledger (history, notes, files) and figures, chunk by chunk.

    Files are copied in 64 KB pieces, so memory stays small whatever the evidence weighs.
    """
    sink = _Sink()
    items = list(
        LedgerItem.objects.filter(school=school, school_year=school_year)
        .select_related("task")
        .prefetch_related("events")
    )
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("figures.csv", _figures_csv(school, school_year))
        yield sink.take()
        archive.writestr("ledger.csv", _ledger_csv(items))
        yield sink.take()
        evidence = LedgerEvidence.objects.filter(item__in=items).select_related("item__task").order_by("item_id", "id")
        for piece in evidence.iterator():
            folder = f"{piece.item.task_id:03d}-{piece.item.task.title[:40]}"
            if piece.kind == EvidenceKind.FILE and piece.file:
                with (
                    piece.file.open("rb") as source,
                    archive.open(f"{folder}/{piece.pk}-{piece.original_name}", "w") as target,
                ):
                    while chunk := source.read(65536):
                        target.write(chunk)
                        yield sink.take()
            else:
                text = piece.note or f"{piece.record_label} {piece.record_url}"
                archive.writestr(f"{folder}/{piece.pk}-note.txt", text.encode("utf-8"))
            yield sink.take()
        archive.writestr("class-hours.csv", _hours_csv(school, school_year))
        yield sink.take()
        files = ActivityEvidence.objects.filter(activity__school=school, activity__term__school_year=school_year)
        for piece in files.select_related("activity").order_by("activity_id", "id").iterator():
            name = f"activities/{piece.activity.held_on:%Y%m%d}-{piece.activity_id}/{piece.pk}-{piece.original_name}"
            with piece.file.open("rb") as source, archive.open(name, "w") as target:
                while chunk := source.read(65536):
                    target.write(chunk)
                    yield sink.take()
    yield sink.take()


def _hours_csv(school: School, school_year: SchoolYear) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["班级", "年级", "上课日期", "课时", "分钟", "到课人数", "授课人", "课程或主题"])
    logs = ClassHourLog.objects.filter(school_class__school=school, term__school_year=school_year)
    for log in logs.select_related("school_class", "lesson", "teacher").order_by("taught_on", "id").iterator():
        writer.writerow(
            [
                log.school_class.number,
                log.school_class.grade,
                log.taught_on.isoformat(),
                log.class_hours,
                log.minutes,
                log.students_present,
                log.instructor_name or (log.teacher.get_full_name() if log.teacher else ""),
                neutralise(log.lesson.title if log.lesson else log.topic),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
