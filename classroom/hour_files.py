"""The files of a class-hour log (the 教案, a 签到表 photo): checked and stored by classroom.evidence_files, as
an activity's evidence is, kept in private storage, recorded in the log's history."""

from django.db import transaction
from django.db.models import Sum

from . import evidence_files
from .history import record_revision
from .models import ClassHourFile, ClassHourLog, RevisionAction


@transaction.atomic
def add_files(user, log: ClassHourLog, uploads) -> list[ClassHourFile]:
    """Check every file first (all or nothing), then store them. Raises ValidationError naming the bad file."""
    used = log.files.aggregate(total=Sum("size"))["total"] or 0
    saved = evidence_files.store_batch(
        uploads,
        used,
        lambda upload, kind, size: ClassHourFile(
            log=log,
            file_kind=kind,
            original_name=evidence_files.original_name(upload, kind),
            size=size,
            uploaded_by=user,
        ),
    )
    if saved:
        record_revision(log, RevisionAction.CHANGED, user, extra={"files_added": [f.original_name for f in saved]})
    return saved


@transaction.atomic
def remove_file(user, record: ClassHourFile) -> None:
    record_revision(record.log, RevisionAction.CHANGED, user, extra={"file_removed": record.original_name})
    # The stored file goes with the row once this commits (classroom.signals), as an activity's evidence does.
    record.delete()
