"""Name the curriculum's review workflow and its task in Chinese.

Workflow and task names are data, shown as they are in the CMS ("提交给Curriculum review" in a Chinese admin);
the admin's language is zh-Hans first, so the names are written in Chinese.
"""

from django.db import migrations

RENAMES = {"workflow": ("Curriculum review", "课程审核"), "task": ("Reviewer approval", "审核人审批")}


def forwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=RENAMES["workflow"][0]).update(name=RENAMES["workflow"][1])
    Task.objects.filter(name=RENAMES["task"][0]).update(name=RENAMES["task"][1])


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=RENAMES["workflow"][1]).update(name=RENAMES["workflow"][0])
    Task.objects.filter(name=RENAMES["task"][1]).update(name=RENAMES["task"][0])


class Migration(migrations.Migration):
    dependencies = [("lessons", "0003_content_group_collections"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(forwards, backwards)]
