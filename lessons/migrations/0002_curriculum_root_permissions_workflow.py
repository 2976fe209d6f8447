"""Make the Chinese curriculum index the site's root, give editors and reviewers their page permissions and
put every curriculum page under the review workflow (reviewers approve, which publishes).

Permissions and the workflow sit on Wagtail's root page, so they cover the curriculum tree of every
language (the English index is a translation beside the Chinese one, both children of the root).
"""

import uuid

from django.db import migrations

EDITORS = "Content editors"
REVIEWERS = "Content reviewers"
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "lock_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "delete_page"],
}
# Editors pick quizzes for lessons and start translations; these rows may not exist yet in a fresh database.
OTHER_PERMISSIONS = [
    ("simple_translation", "simpletranslation", "submit_translation", "Can submit translations"),
    ("quizzes", "quiz", "view_quiz", "Can view quiz"),
]
WELCOME_TITLE = "Welcome to your new Wagtail site!"


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    CurriculumIndexPage = apps.get_model("lessons", "CurriculumIndexPage")

    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    Locale.objects.get_or_create(language_code="en")
    root = Page.objects.get(depth=1)

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(depth=2, content_type=page_type, title=WELCOME_TITLE, numchild=0).delete()

    index = CurriculumIndexPage.objects.filter(locale=zh).first()
    if index is None:
        siblings = Page.objects.filter(depth=2).order_by("-path").values_list("path", flat=True)
        last = int(siblings[0][4:8], 36) if siblings else 0
        index = CurriculumIndexPage.objects.create(
            title="禁毒教育课程",
            draft_title="禁毒教育课程",
            slug="curriculum",
            content_type=ContentType.objects.get_for_model(CurriculumIndexPage),
            path=root.path + _base36(last + 1),
            depth=2,
            numchild=0,
            url_path="/curriculum/",
            locale=zh,
            translation_key=uuid.uuid4(),
            live=True,
            has_unpublished_changes=False,
            intro="<p>识毒、防毒、拒毒：按学段编排的毒品预防专题课程。</p>",
        )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page_id=index.pk, is_default_site=True, site_name="青盾"
        )
    else:
        site.root_page_id = index.pk
        site.save(update_fields=["root_page"])

    for group_name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            permission = _permission(apps, "wagtailcore", "page", codename, codename.replace("_", " "))
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
        for app_label, model, codename, name in OTHER_PERMISSIONS:
            group.permissions.add(_permission(apps, app_label, model, codename, name))

    reviewers = Group.objects.get(name=REVIEWERS)
    task = GroupApprovalTask.objects.filter(name="Reviewer approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name="Reviewer approval",
            content_type=ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")[0],
            active=True,
        )
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name="Curriculum review", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out.rjust(4, "0")


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
        ("people", "0002_groups"),
        ("quizzes", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("simple_translation", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
