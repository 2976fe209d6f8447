"""The review workflow for the question bank and quizzes, and the content groups' permissions on them.

Editors write and submit; reviewers (the "Content reviewers" group) approve, which publishes. Only live
questions are ever drawn onto a student's paper.
"""

from django.db import migrations

WORKFLOW_NAME = "Question bank review"
TASK_NAME = "Content reviewers approve questions and quizzes"
REVIEWERS = "Content reviewers"
EDITORS = "Content editors"
WORKFLOW_MODELS = ["question", "quiz"]
EDIT_ACTIONS = ["add", "change", "view"]
PERMISSIONS = {
    EDITORS: {
        "question": EDIT_ACTIONS,
        "quiz": EDIT_ACTIONS,
        "category": EDIT_ACTIONS,
    },
    REVIEWERS: {
        "question": [*EDIT_ACTIONS, "publish", "lock", "unlock"],
        "quiz": [*EDIT_ACTIONS, "publish", "lock", "unlock"],
        "category": [*EDIT_ACTIONS, "delete"],
    },
}


def _content_type(ContentType, model, app_label="quizzes"):
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    return content_type


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    # Permissions for models created in this same migrate run do not exist yet; create them as Django would.
    for group_name, models in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            content_type = _content_type(ContentType, model)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                group.permissions.add(permission)

    reviewers = Group.objects.get(name=REVIEWERS)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME,
            active=True,
            content_type=_content_type(ContentType, "groupapprovaltask", app_label="wagtailcore"),
        )
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for model in WORKFLOW_MODELS:
        WorkflowContentType.objects.update_or_create(
            content_type=_content_type(ContentType, model), defaults={"workflow": workflow}
        )


def backwards(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_quiz_engine"),
        ("people", "0002_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
