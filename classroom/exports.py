"""Class results as CSV or XLSX, streamed: CSV line by line, XLSX written in write-only mode to a temporary
file that is then streamed. Every export is recorded in the audit log."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import audit
from core.tabular import stream_csv, write_workbook

from .progress import class_progress


def student_name_header() -> str:
    # A person's name is 姓名; the context keeps it apart from the name of a thing (名称).
    return pgettext("person's name", "Name")


def headers() -> list[str]:
    """The long table: one row per student and assignment."""
    return [
        _("Class"),
        _("Student number"),
        student_name_header(),
        _("Assignment"),
        _("Type"),
        _("Starts on"),
        _("Due on"),
        _("Opened"),
        _("Finished"),
        _("Finished at"),
        _("Finished late"),
        _("Lessons finished"),
        _("Quiz attempts"),
        _("Best score (%)"),
        _("Flagged attempts"),
    ]


def _finished_at(cell) -> str:
    return timezone.localtime(cell.finished_at).strftime("%Y-%m-%d %H:%M") if cell.finished_at else ""


def result_rows(school_class, data=None):
    data = data or class_progress(school_class)
    kinds = {"lesson": _("Lesson"), "module": _("Module"), "quiz": _("Quiz")}
    yes, no = _("yes"), _("no")
    class_name = str(school_class.name)
    for student, pairs, _finished in data.rows():
        for plan, cell in pairs:
            if not cell.assigned:  # given to a group or other chosen students: no row, as on the grid
                continue
            assignment = plan.assignment
            yield [
                class_name,
                student.student_number,
                student.user.full_name,
                str(assignment.target),
                kinds[assignment.kind],
                assignment.starts_on.isoformat(),
                assignment.due_on.isoformat(),
                yes if cell.opened else no,
                yes if cell.finished else no,
                _finished_at(cell),
                yes if cell.late else no,
                f"{cell.lessons_done}/{cell.lessons_total}" if cell.lessons_total else "",
                cell.attempts,
                "" if cell.best is None else round(cell.best, 1),
                cell.flagged,
            ]


def grid_headers(data) -> list[str]:
    """The grid: the student, then one column per assignment (its title and due date), then the count finished."""
    return [
        _("Student number"),
        student_name_header(),
        *[
            _("%(title)s (due %(due)s)") % {"title": plan.assignment.target, "due": plan.assignment.due_on.isoformat()}
            for plan in data.plans
        ],
        _("Finished"),
    ]


def cell_text(cell) -> str:
    """One student on one assignment in words, as the progress grid shows it."""
    if cell.finished:
        text = _("finished late") if cell.late else _("finished")
    elif cell.opened and cell.lessons_total > 1:
        text = f"{cell.lessons_done}/{cell.lessons_total}"
    elif cell.opened:
        text = _("opened")
    else:
        text = _("not started")
    if cell.best is not None:
        text += " · " + _("best %(best)s%%") % {"best": round(cell.best)}
    return text


def grid_rows(data):
    total = len(data.plans)
    for student, pairs, finished in data.rows():
        yield [
            student.student_number,
            student.user.full_name,
            *[cell_text(cell) for _p, cell in pairs],
            f"{finished}/{total}",
        ]


def _filename(school_class, ext: str) -> str:
    return f"class-{school_class.pk}-results-{timezone.localdate().isoformat()}.{ext}"


def class_results_response(request, school_class, fmt: str):
    audit.record(
        "export",
        request=request,
        target=str(school_class),
        district_id=school_class.school.district_id,
        what="classroom.class_results",
        format=fmt,
        school_class=school_class.pk,
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            stream_csv(headers(), result_rows(school_class)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(school_class, "csv")}"'
    else:
        # The temporary file is deleted when the response closes it; rows never pile up in memory.
        # The first sheet is the grid teachers read (a row per student); the second the long table for sorting
        # and pivoting. Both come from one computation of the class's progress.
        data = class_progress(school_class)
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        write_workbook(
            handle,
            [
                (str(school_class.name), grid_headers(data), grid_rows(data)),
                (_("All results"), headers(), result_rows(school_class, data)),
            ],
        )
        handle.seek(0)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=_filename(school_class, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the class-hour log ------------------------------------------------------------------------------------


def class_hour_headers() -> list[str]:
    return [
        _("Date"),
        _("School"),
        _("Class"),
        _("Lesson or topic"),
        _("Class hours"),
        _("Who taught"),
        pgettext("class hour", "Method"),
        _("Present"),
        _("Minutes"),
        _("Engagement (1–5)"),
        _("Parts covered"),
        _("Files"),
    ]


def class_hour_rows(logs):
    for log in logs.iterator(chunk_size=500):
        yield [
            log.taught_on,
            str(log.school_class.school.name),
            str(log.school_class.name),
            log.lesson.title if log.lesson_id else log.topic,
            float(log.class_hours),
            log.instructor_label,
            log.get_method_display(),
            log.students_present,
            log.minutes,
            log.engagement,
            log.parts_covered,
            log.file_count,
        ]


def class_hours_response(request, logs, fmt: str, filters=None):
    """The filtered class-hour log as CSV or XLSX; `logs` carries `file_count` (see records.class_hours)."""
    chosen = {}
    if filters is not None and filters.is_bound:
        chosen = {key: str(value) for key, value in filters.cleaned_data.items() if value}
    audit.record(
        "export", request=request, target="class-hour log", what="classroom.class_hours", format=fmt, filters=chosen
    )
    name = f"class-hours-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            stream_csv(class_hour_headers(), class_hour_rows(logs)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        write_workbook(handle, [(_("Class-hour log"), class_hour_headers(), class_hour_rows(logs))])
        handle.seek(0)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
