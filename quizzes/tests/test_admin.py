from django.urls import reverse
from wagtail.models import WorkflowContentType

from quizzes.models import Question, Quiz

from . import factories as f


def test_question_and_quiz_use_the_review_workflow(world):
    assert Question.get_default_workflow().name == "题库审核"
    assert Quiz.get_default_workflow() == Question.get_default_workflow()
    assert WorkflowContentType.objects.filter(workflow__name="题库审核").count() == 2


def test_editors_and_reviewers_have_snippet_permissions(world):
    for user in (world.editor, world.reviewer):
        for codename in ("add_question", "change_question", "view_question", "add_quiz", "change_quiz"):
            assert user.has_perm(f"quizzes.{codename}"), (user, codename)
    assert world.reviewer.has_perm("quizzes.publish_question")
    assert not world.editor.has_perm("quizzes.publish_question")
    assert not world.teacher.has_perm("quizzes.change_question")


def test_editor_opens_the_question_editor_and_list(client, world):
    f.question()
    client.force_login(world.editor)
    assert client.get(reverse("wagtailsnippets_quizzes_question:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_quizzes_question:add")).status_code == 200
    assert client.get(reverse("wagtailsnippets_quizzes_quiz:add")).status_code == 200


def test_preview_for_staff_only_and_records_nothing(client, world):
    quiz = f.quiz(f.bank(3))
    client.force_login(world.teacher)
    html = client.get(reverse("quizzes:preview", args=[quiz.pk])).content.decode()
    assert "第0题" in html and "(100%)" in html
    assert not quiz.attempts.exists()
    client.force_login(world.student.user)
    assert client.get(reverse("quizzes:preview", args=[quiz.pk])).status_code == 403
