"""Lessons name grade bands with people's codes (`people.grades.GradeBand`): "upper_primary" becomes
"primary_upper".

Converted: modules' `grade_band`, lessons' `grade_bands`, the same fields in every stored revision of those
pages (publishing or reverting to an old revision writes its content back into the page, so an old code left in
a revision would come back), and question-bank questions' `grade_bands` and their revisions (the GIFT importer
takes any code, so a bank may hold the lessons' spelling). The roll-up (`plans.ClassFigures.grade_band`) already stores people's
codes. Backwards restores the lessons' old spelling on pages and revisions; questions keep people's codes,
which was their vocabulary before.
"""

from django.db import migrations, models

import lessons.fields

OLD, NEW = "upper_primary", "primary_upper"


def _swap_list(codes, old: str, new: str):
    """A ChoiceListField value as stored (",a,b,") or as a list, with `old` replaced; None when unchanged."""
    if isinstance(codes, str):
        parts = [code for code in codes.split(",") if code]
        if old not in parts:
            return None
        return "," + ",".join(new if code == old else code for code in parts) + ","
    if isinstance(codes, list) and old in codes:
        return [new if code == old else code for code in codes]
    return None


def _convert(apps, old: str, new: str, questions: bool) -> None:
    ModulePage = apps.get_model("lessons", "ModulePage")
    LessonPage = apps.get_model("lessons", "LessonPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    ModulePage.objects.filter(grade_band=old).update(grade_band=new)
    for lesson in LessonPage.objects.filter(grade_bands__contains=f",{old},").only("pk", "grade_bands"):
        LessonPage.objects.filter(pk=lesson.pk).update(
            grade_bands=[new if code == old else code for code in lesson.grade_bands]
        )
    content_types = ContentType.objects.filter(app_label="lessons", model__in=["modulepage", "lessonpage"])
    if questions:
        content_types |= ContentType.objects.filter(app_label="quizzes", model="question")
    for revision in Revision.objects.filter(content_type__in=content_types).only("pk", "content").iterator():
        content = revision.content or {}
        changed = False
        if content.get("grade_band") == old:
            content["grade_band"] = new
            changed = True
        swapped = _swap_list(content.get("grade_bands"), old, new)
        if swapped is not None:
            content["grade_bands"] = swapped
            changed = True
        if changed:
            Revision.objects.filter(pk=revision.pk).update(content=content)
    if questions:
        Question = apps.get_model("quizzes", "Question")
        for question in Question.objects.exclude(grade_bands=[]).only("pk", "grade_bands").iterator():
            swapped = _swap_list(question.grade_bands, old, new)
            if swapped is not None:
                Question.objects.filter(pk=question.pk).update(grade_bands=swapped)


def forwards(apps, schema_editor):
    _convert(apps, OLD, NEW, questions=True)


def backwards(apps, schema_editor):
    _convert(apps, NEW, OLD, questions=False)


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0004_workflow_names_in_chinese"),
        ("quizzes", "0006_workflow_names_in_chinese"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lessonpage",
            name="grade_bands",
            field=lessons.fields.ChoiceListField(
                choices=[
                    ("primary_upper", "Upper primary"),
                    ("junior", "Junior secondary"),
                    ("senior", "Senior secondary"),
                    ("vocational", "Vocational"),
                ],
                verbose_name="grade bands",
            ),
        ),
        migrations.AlterField(
            model_name="modulepage",
            name="grade_band",
            field=models.CharField(
                choices=[
                    ("primary_upper", "Upper primary"),
                    ("junior", "Junior secondary"),
                    ("senior", "Senior secondary"),
                    ("vocational", "Vocational"),
                ],
                max_length=20,
                verbose_name="grade band",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
