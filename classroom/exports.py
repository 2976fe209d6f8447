"""Class results as CSV or XLSX, streamed: CSV line by line, XLSX written in write-only mode to a temporary
file that is then streamed. Every export is recorded in the audit log."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import audit
from core.tabular import stream_csv, write_xlsx

from .progress import class_progress


def headers() -> list[str]:
    return [
        _("Class"),
        _("Student number"),
        pgettext("person", "Name"),
        _("Assignment"),
        _("Type"),
        _("Starts on"),
        _("Due on"),
        _("Opened"),
        _("Finished"),
        _("Finished at"),
        _("Lessons finished"),
        _("Quiz attempts"),
        _("Best score (%)"),
        _("Flagged attempts"),
    ]


def result_rows(school_class):
    data = class_progress(school_class)
    kinds = {"lesson": _("Lesson"), "module": _("Module"), "quiz": _("Quiz")}
    yes, no = _("yes"), _("no")
    class_name = str(school_class.name)
    for student, pairs, _finished in data.rows():
        for plan, cell in pairs:
            if not cell.assigned:  # given to a group or other chosen students: no row, as on the grid
                continue
            assignment = plan.assignment
            finished_at = timezone.localtime(cell.finished_at).strftime("%Y-%m-%d %H:%M") if cell.finished_at else ""
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
                finished_at,
                f"{cell.lessons_done}/{cell.lessons_total}" if cell.lessons_total else "",
                cell.attempts,
                "" if cell.best is None else round(cell.best, 1),
                cell.flagged,
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
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        write_xlsx(handle, headers(), result_rows(school_class), title=str(school_class.name))
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
