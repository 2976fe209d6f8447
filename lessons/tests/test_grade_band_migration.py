"""The one grade-band vocabulary: lessons' old "upper_primary" is converted to people's "primary_upper" on
pages, page revisions and question banks (lessons/migrations/0005)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Revision

from lessons.models import LessonPage, ModulePage
from lessons.tests.factories import make_lesson, make_module
from people.grades import GradeBand
from quizzes.models import Question
from quizzes.tests.factories import question

BEFORE = [("lessons", "0004_workflow_names_in_chinese")]


def _migrate(targets=None):
    """Migrate to `targets` (every app's latest migration when None); the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_band_codes_are_converted_forward_on_pages_revisions_and_questions():
    module = make_module(slug="primary", grade_band="primary_upper")
    lesson = make_lesson(module, slug="first", grade_bands=["primary_upper", "junior"])
    asked = question()
    old = _migrate(BEFORE)
    try:
        # What a database of the old vocabulary holds: lessons' spelling on pages, revisions and a GIFT import,
        # written through the models as they were then (later migrations add columns today's models read).
        old.get_model("lessons", "ModulePage").objects.filter(pk=module.pk).update(grade_band="upper_primary")
        old.get_model("lessons", "LessonPage").objects.filter(pk=lesson.pk).update(
            grade_bands=["upper_primary", "junior"]
        )
        Question.objects.filter(pk=asked.pk).update(grade_bands=["upper_primary", "senior"])
        for revision in Revision.objects.filter(object_id__in=[str(module.pk), str(lesson.pk), str(asked.pk)]):
            content = dict(revision.content)
            if "grade_band" in content:
                content["grade_band"] = "upper_primary"
            if "grade_bands" in content:
                content["grade_bands"] = (
                    ",upper_primary,junior," if isinstance(content["grade_bands"], str) else ["upper_primary"]
                )
            Revision.objects.filter(pk=revision.pk).update(content=content)
    finally:
        _migrate()

    assert ModulePage.objects.get(pk=module.pk).grade_band == GradeBand.PRIMARY_UPPER
    assert LessonPage.objects.get(pk=lesson.pk).grade_bands == ["primary_upper", "junior"]
    assert Question.objects.get(pk=asked.pk).grade_bands == ["primary_upper", "senior"]
    old_codes = [
        revision.pk
        for revision in Revision.objects.filter(object_id__in=[str(module.pk), str(lesson.pk), str(asked.pk)])
        if "upper_primary" in str(revision.content.get("grade_band", ""))
        or "upper_primary" in str(revision.content.get("grade_bands", ""))
    ]
    assert old_codes == []
    # Publishing the module's latest revision again keeps people's code (an old code would come back here).
    ModulePage.objects.get(pk=module.pk).get_latest_revision().publish()
    assert ModulePage.objects.get(pk=module.pk).grade_band == "primary_upper"


@pytest.mark.django_db
def test_a_class_finds_its_module_by_the_same_code():
    """The classroom seed used to translate a class's band through an alias; now the codes are the same."""
    from classroom.seed import _module_for
    from people.testing import make_class, make_school

    module = make_module(slug="upper", grade_band=GradeBand.PRIMARY_UPPER)
    school_class = make_class(make_school(kind="primary"), grade=5)
    assert school_class.grade_band == GradeBand.PRIMARY_UPPER
    assert _module_for(school_class) == module
    assert ModulePage._meta.get_field("grade_band").choices == GradeBand.choices
    assert LessonPage._meta.get_field("grade_bands").choices == GradeBand.choices
