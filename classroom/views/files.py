"""Evidence and student works leave the server only here: within scope, as attachments, never sniffed."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from people import scope

from ..models import Activity, ActivityEvidence, ClassHourFile, ClassHourLog, StudentWork
from .access import get_in

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _send(record, filename: str):
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = (
        CONTENT_TYPES.get(record.file_kind) or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def evidence_file(request, pk: int):
    queryset = ActivityEvidence.objects.filter(activity__in=scope.in_schools_for(request.user, Activity.objects.all()))
    evidence = get_in(queryset, pk)
    return _send(evidence, evidence.original_name)


@login_required
def work_file(request, pk: int):
    work = get_in(scope.inside_school_for(request.user, StudentWork.objects.all()), pk)
    return _send(work, work.original_name)


@login_required
def class_hour_file(request, pk: int):
    queryset = ClassHourFile.objects.filter(log__in=scope.in_classes_for(request.user, ClassHourLog.objects.all()))
    record = get_in(queryset, pk)
    return _send(record, record.original_name)
