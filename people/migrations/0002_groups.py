"""Create one group per role with the Wagtail permissions that role needs."""

from django.db import migrations

GROUPS = {
    "Bureau administrators": ["wagtailadmin.access_admin"],
    "Bureau auditors": ["wagtailadmin.access_admin"],
    "School administrators": ["wagtailadmin.access_admin"],
    "Teachers": [],
    "Students": [],
    "Content editors": [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    "Content reviewers": [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            # Permissions of apps migrated in the same run may not exist yet; create them as Django would.
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None and app_label == "wagtailadmin" and codename == "access_admin":
                content_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
                )
            if permission is not None:
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
