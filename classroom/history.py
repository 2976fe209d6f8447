"""Edits keep history: every create, change, withdrawal and deletion of a classroom record writes a snapshot."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from .models import RecordRevision


def snapshot(instance) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if hasattr(value, "name") and field.get_internal_type() == "FileField":
            value = value.name
        data[field.attname] = value
    for field in instance._meta.many_to_many:
        if instance.pk:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record_revision(instance, action: str, user, extra: dict | None = None) -> RecordRevision:
    data = snapshot(instance)
    if extra:
        data.update(json.loads(json.dumps(extra, cls=DjangoJSONEncoder)))
    return RecordRevision.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        action=action,
        snapshot=data,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )


def revisions_of(instance):
    return RecordRevision.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).select_related("changed_by")
