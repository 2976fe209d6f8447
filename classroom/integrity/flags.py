"""Raising flags and asking which records carry them. Every caller goes through these functions."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from ..models.integrity import UNCOUNTED_STATUSES, FlagRule, FlagStatus, IntegrityFlag


def raise_flag(
    subject: Model,
    rule: FlagRule | str,
    *,
    school,
    school_class=None,
    student=None,
    group: str = "",
    evidence: dict | None = None,
    now=None,
) -> IntegrityFlag:
    """Record that `rule` found `subject` implausible. Raising the same rule twice keeps one flag.

    A flag a reviewer already decided keeps its decision; only an open flag takes the newer evidence, so a
    cleared record is not reopened by the same finding.
    """
    content_type = ContentType.objects.get_for_model(subject)
    values = {
        "school": school,
        "school_class": school_class,
        "student": student,
        "group": group[:64],
        "evidence": evidence or {},
        "raised_at": now or timezone.now(),
    }
    try:
        with transaction.atomic():
            flag, created = IntegrityFlag.objects.get_or_create(
                content_type=content_type, object_id=subject.pk, rule=str(rule), defaults=values
            )
    except IntegrityError:  # raised at the same moment by another request: the other one stands
        return IntegrityFlag.objects.get(content_type=content_type, object_id=subject.pk, rule=str(rule))
    if not created and flag.status == FlagStatus.OPEN and flag.evidence != values["evidence"]:
        flag.evidence = values["evidence"]
        flag.group = values["group"]
        flag.save(update_fields=["evidence", "group"])
    return flag


def forget_flags(subject: Model) -> int:
    """Drop the flags of a record that is being deleted: a flag must never point at nothing in the review queue.

    The record's own history (record revisions, the audit log) keeps that it existed and was deleted.
    """
    deleted, _ = flags_of(subject).delete()
    return deleted


def flags_of(subject: Model) -> QuerySet[IntegrityFlag]:
    return IntegrityFlag.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).order_by("raised_at", "id")


def uncounted_ids(model: type[Model]) -> QuerySet:
    """The ids of `model` records that carry an open or confirmed flag, as a subquery for `pk__in`.

    Where the plan leaves flagged records out of its figures, the metrics exclude exactly these.
    """
    return (
        IntegrityFlag.objects.filter(
            content_type=ContentType.objects.get_for_model(model), status__in=UNCOUNTED_STATUSES
        )
        .values("object_id")
        .distinct()
    )


def flagged_ids(model: type[Model], ids: Iterable[int] | None = None) -> set[int]:
    """Which of these records carry an open or confirmed flag (all of them when `ids` is None)."""
    query = uncounted_ids(model)
    if ids is not None:
        query = query.filter(object_id__in=list(ids))
    return set(query.values_list("object_id", flat=True))
