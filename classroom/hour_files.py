"""The files of a class-hour log (the 教案, a 签到表 photo): checked like activity evidence, through the same
upload rules (core.uploads by way of classroom.services' file check), kept in private storage, recorded in
the log's history."""

import os

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum

from core.sanitize import clean_plain

from .history import record_revision
from .models import ClassHourFile, ClassHourLog, RevisionAction

# One file check for every record that holds evidence: the kinds, the size limits and the re-encoding of photos
# are classroom.services' (EVIDENCE_KINDS, _checked_file), so a class-hour log accepts what an activity does.
from .services import EVIDENCE_KINDS, _checked_file, _stored_name


@transaction.atomic
def add_files(user, log: ClassHourLog, uploads) -> list[ClassHourFile]:
    """Check every file first (all or nothing), then store them. Raises ValidationError naming the bad file."""
    used = log.files.aggregate(total=Sum("size"))["total"] or 0
    checked = []
    for upload in uploads:
        data, kind = _checked_file(upload, EVIDENCE_KINDS, used)
        used += len(data)
        checked.append((upload, data, kind))
    saved = []
    for upload, data, kind in checked:
        record = ClassHourFile(
            log=log,
            file_kind=kind,
            original_name=clean_plain(os.path.basename(upload.name or ""))[:200] or kind,
            size=len(data),
            uploaded_by=user,
        )
        record.file.save(_stored_name(kind), ContentFile(data), save=False)
        record.save()
        saved.append(record)
    if saved:
        record_revision(log, RevisionAction.CHANGED, user, extra={"files_added": [f.original_name for f in saved]})
    return saved


@transaction.atomic
def remove_file(user, record: ClassHourFile) -> None:
    record_revision(record.log, RevisionAction.CHANGED, user, extra={"file_removed": record.original_name})
    # The stored file goes with the row once this commits (classroom.signals), as an activity's evidence does.
    record.delete()
