"""Give the content groups their image and document rights where Wagtail checks them, and retire Wagtail's
default groups.

Wagtail checks image and document rights per collection (GroupCollectionPermission); the model permissions the
content groups already hold are not enough for Wagtail 8's choosers and upload views. Editors and reviewers may
add, change and choose; nobody but a superuser deletes, because a lesson's images and its 教案 are evidence the
bureau may ask for.

Wagtail's own "Editors" and "Moderators" groups come with delete rights on every image and document. They are
removed when nobody belongs to them; a site that put people in them keeps the groups without the delete rights.
"""

from django.db import migrations

CONTENT_GROUPS = ["Content editors", "Content reviewers"]
COLLECTION_ACTIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose"],
    ("wagtaildocs", "document"): ["add", "change", "choose"],
}
WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]
DELETE_RIGHTS = [("wagtailimages", "delete_image"), ("wagtaildocs", "delete_document")]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()

    if root is not None:
        for (app_label, model), actions in COLLECTION_ACTIONS.items():
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                for group in Group.objects.filter(name__in=CONTENT_GROUPS):
                    GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)

    for group in Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS):
        if not group.user_set.exists():
            group.delete()
            continue
        for app_label, codename in DELETE_RIGHTS:
            rights = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            group.permissions.remove(*rights)
            GroupCollectionPermission.objects.filter(group=group, permission__in=rights).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_curriculum_root_permissions_workflow"),
        ("people", "0002_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
