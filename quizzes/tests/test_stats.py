import pytest
from django.urls import reverse

from quizzes import services, stats
from quizzes.models import Attempt, Dimension, Question

from . import factories as f


def _sit(student, quiz, right_ids: set[int], pick_wrong_index=1):
    """Answer right the questions in right_ids (by question id), wrong otherwise with the given wrong option."""
    attempt = services.start_or_resume_attempt(student, quiz)
    for item in attempt.paper:
        weights = attempt.answer_key[str(item["q"])]["w"]
        right = [int(max(weights, key=weights.get))]
        wrong = sorted(int(o) for o, w in weights.items() if w <= 0)
        services.save_answer(
            attempt, item["q"], right if item["q"] in right_ids else [wrong[pick_wrong_index % len(wrong)]]
        )
    return services.submit_attempt(attempt.pk)


@pytest.fixture
def sat(world):
    easy, hard, noisy = f.bank(3)
    quiz = f.quiz([easy, hard, noisy], shuffle_options=False)
    # Strong students get the hard item right; everybody gets the easy one; the noisy one goes to the weak.
    _sit(world.student, quiz, {easy.pk, hard.pk})
    _sit(world.student_2, quiz, {easy.pk, hard.pk})
    _sit(world.student_b, quiz, {easy.pk, noisy.pk})
    _sit(world.other_student, quiz, {easy.pk}, pick_wrong_index=0)
    _sit(world.far_student, quiz, set(), pick_wrong_index=0)
    return quiz, easy, hard, noisy


def test_facility_discrimination_and_common_wrong_option(sat, django_assert_max_num_queries):
    quiz, easy, hard, noisy = sat
    with django_assert_max_num_queries(3):
        items = {item.question_id: item for item in stats.item_statistics(Attempt.objects.filter(quiz=quiz))}
    assert items[easy.pk].facility == 0.8
    assert items[hard.pk].facility == 0.4
    assert items[hard.pk].discrimination > 0.5
    assert items[noisy.pk].discrimination < items[hard.pk].discrimination
    wrong = sorted(hard.options.filter(weight__lte=0).values_list("pk", flat=True))
    # Of the three who missed it, two chose the first wrong option and one the second.
    assert items[hard.pk].common_wrong_option_id == wrong[0]
    assert items[hard.pk].common_wrong_share == 0.4
    assert (
        items[easy.pk].common_wrong_option_id
        == sorted(easy.options.filter(weight__lte=0).values_list("pk", flat=True))[0]
    )


def test_statistics_by_class_school_and_district(sat, world):
    quiz, easy, hard, _ = sat
    attempts = Attempt.objects.filter(quiz=quiz)
    by_class = {(i.question_id, i.group): i for i in stats.item_statistics(attempts, by="class")}
    assert by_class[(hard.pk, world.class_a.pk)].facility == 1.0
    assert by_class[(hard.pk, world.class_b.pk)].facility == 0.0
    by_school = {(i.question_id, i.group): i for i in stats.item_statistics(attempts, by="school")}
    assert by_school[(easy.pk, world.school.pk)].answered == 3
    by_district = {(i.question_id, i.group): i for i in stats.item_statistics(attempts, by="district")}
    assert by_district[(easy.pk, world.district.pk)].facility == 1.0
    assert by_district[(easy.pk, world.other_district.pk)].facility == 0.0


def test_summary_and_counting_attempts(sat, world):
    quiz, *_ = sat
    summary = stats.quiz_summary(Attempt.objects.filter(quiz=quiz))
    assert summary["students"] == 5 and summary["attempts"] == 5
    assert summary["full"] == 0 and summary["pass_rate"] == 0.6
    assert stats.counting_attempts(Attempt.objects.all(), quiz).count() == 5


def test_survey_pre_post_gain(world):
    knowledge = f.question(text="知识题", options=(("对", 100), ("错", 0)))
    attitude = f.question(text="我会拒绝毒品。", options=(("同意", 100), ("不确定", 50), ("不同意", 0)))
    Question.objects.filter(pk=attitude.pk).update(dimension=Dimension.ATTITUDE)
    pre = f.quiz([knowledge, attitude], kind="survey", survey_phase="pre", shuffle_options=False, title="前测")
    post = f.quiz(
        [knowledge, attitude], kind="survey", survey_phase="post", pre_survey=pre, shuffle_options=False, title="后测"
    )
    for student in (world.student, world.student_2):
        _sit(student, pre, set(), pick_wrong_index=0)  # knowledge wrong, attitude "不同意"
        done = _sit(student, post, {knowledge.pk, attitude.pk})
        assert done.passed is None  # surveys are not scored
    _sit(world.student_b, pre, set())  # no post-survey: not paired
    gains = {g.dimension: g for g in stats.survey_gain(post)}
    assert gains["knowledge"].students == 2
    assert (gains["knowledge"].pre_percent, gains["knowledge"].post_percent, gains["knowledge"].gain) == (0, 100, 100)
    assert (gains["attitude"].pre_percent, gains["attitude"].post_percent) == (0, 100)


def test_results_page_is_scoped(client, sat, world):
    quiz, *_ = sat
    client.force_login(world.teacher)
    html = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert "张三" in html and "王五" not in html and "孙七" not in html
    client.force_login(world.auditor)
    html = client.get(reverse("quizzes:results", args=[quiz.pk])).content.decode()
    assert "赵六" in html and "孙七" not in html
    client.force_login(world.student.user)
    assert client.get(reverse("quizzes:results", args=[quiz.pk])).status_code == 403
