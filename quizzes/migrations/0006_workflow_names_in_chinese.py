"""Name the question bank's review workflow and its task in Chinese, as the CMS shows data names as they are."""

from django.db import migrations

RENAMES = {
    "workflow": ("Question bank review", "题库审核"),
    "task": ("Content reviewers approve questions and quizzes", "内容审核人审批题目和测验"),
}


def _rename(apps, index):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=RENAMES["workflow"][index]).update(name=RENAMES["workflow"][1 - index])
    Task.objects.filter(name=RENAMES["task"][index]).update(name=RENAMES["task"][1 - index])


def forwards(apps, schema_editor):
    _rename(apps, 0)


def backwards(apps, schema_editor):
    _rename(apps, 1)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_option_tokens"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(forwards, backwards)]
