import io

from core.seeding import SeedContext
from people.seed import seed_people
from quizzes.models import Attempt, Category, Question, Quiz
from quizzes.seed import seed_quizzes


def test_seed_is_complete_and_idempotent(db):
    ctx = SeedContext(stdout=io.StringIO())
    seed_people(ctx)
    seed_quizzes(ctx)
    counts = (Question.objects.count(), Quiz.objects.count(), Attempt.objects.count())
    assert Question.objects.filter(live=True).exclude(category__name="态度调查").count() >= 30
    assert set(Category.objects.values_list("name", flat=True)) >= {"识毒", "防毒", "拒毒", "禁毒法"}
    assert Quiz.objects.filter(kind="lesson_check").count() == 4
    assert Quiz.objects.filter(kind="contest", open_to_all_students=True).count() == 1
    post = Quiz.objects.get(survey_phase="post")
    assert post.pre_survey.survey_phase == "pre"
    assert Attempt.objects.filter(submitted_at__isnull=False).count() >= 10
    seed_quizzes(ctx)
    assert (Question.objects.count(), Quiz.objects.count(), Attempt.objects.count()) == counts
