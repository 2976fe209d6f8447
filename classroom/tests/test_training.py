"""Teacher training: a course's test graded by the quiz engine's rule, a pass earns the hours once, and the
figures per teacher and per school."""

from decimal import Decimal

import pytest
from django.urls import reverse

from classroom import training
from classroom.models import TrainingCompletion
from lessons.models import TrainingCoursePage
from lessons.tests.factories import chinese_index
from people.models import School
from quizzes.tests.factories import question

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    page = TrainingCoursePage(
        title="不靠恐吓的预防教育",
        slug="training-no-fear",
        hours=Decimal("2.0"),
        pass_mark=60,
        body=[("paragraph", "<p>讲事实，练拒绝技能，不渲染恐怖画面。</p>")],
    )
    chinese_index().add_child(instance=page)
    for index, text in enumerate(("恐吓式宣传有效吗？", "拒绝技能要练习吗？")):
        q = question(text=text, options=(("对", 100), ("错", 0)))
        page.test_questions.create(question=q, sort_order=index)
    page.save_revision().publish()
    return TrainingCoursePage.objects.get(pk=page.pk)


def _answers(course, right: int):
    answers = {}
    for index, q in enumerate(course.questions()):
        options = {o.weight: o.pk for o in q.options.all()}
        answers[q.pk] = [options[100] if index < right else options[0]]
    return answers


def test_a_pass_earns_the_hours_once_and_a_fail_earns_none(world, course):
    failed = training.take_test(world.teacher, world.school, course, _answers(course, 1))
    assert (failed.score, failed.passed, failed.hours) == (50, False, Decimal("0"))
    passed = training.take_test(world.teacher, world.school, course, _answers(course, 2))
    assert (passed.score, passed.passed, passed.hours) == (100, True, Decimal("2.0"))
    with pytest.raises(training.AlreadyPassed):
        training.take_test(world.teacher, world.school, course, _answers(course, 2))
    assert training.teacher_hours(world.teacher) == Decimal("2.0")
    assert TrainingCompletion.objects.count() == 2


def test_figures_per_school_and_per_teacher(world, course):
    training.take_test(world.teacher, world.school, course, _answers(course, 2))
    training.take_test(world.teacher_b, world.school, course, _answers(course, 0))
    schools = School.objects.filter(pk__in=[world.school.pk, world.other_school.pk])
    figures = training.school_training_figures(schools)
    assert figures[world.school.pk] == training.SchoolTraining(1, Decimal("2.0"))
    assert figures[world.other_school.pk] == training.SchoolTraining(0, Decimal("0"))
    rows = list(training.hours_per_teacher(world.school))
    assert [(row["teacher"], row["hours"]) for row in rows] == [(world.teacher.pk, Decimal("2.0"))]


def test_only_teaching_staff_read_the_course(client, world, course):
    for who in (world.student.user, world.bureau_admin):
        client.force_login(who)
        response = client.get(course.url)
        assert response.status_code in (302, 403, 404)
        assert "讲事实" not in response.content.decode()
    client.force_login(world.teacher)
    assert "讲事实" in client.get(course.url).content.decode()
    body = client.get(reverse("classroom:training_take", args=[course.pk])).content.decode()
    assert "恐吓式宣传有效吗？" in body
    # The form never hints at the key: no weights, no feedback, no explanation.
    assert "反馈" not in body and "冰毒即" not in body and 'value="100"' not in body


def test_a_teacher_takes_the_test_and_sees_her_hours(client, world, course):
    client.force_login(world.teacher)
    url = reverse("classroom:training_take", args=[course.pk])
    assert client.post(url, {}).status_code == 200 and not TrainingCompletion.objects.exists()
    data = {f"q{qid}": options for qid, options in _answers(course, 2).items()}
    assert client.post(url, data).status_code == 200
    completion = TrainingCompletion.objects.get()
    assert completion.passed and completion.school == world.school and completion.teacher == world.teacher
    client.post(url, data)
    assert TrainingCompletion.objects.count() == 1
    page = client.get(reverse("classroom:training")).content.decode()
    assert "不靠恐吓的预防教育" in page and "2" in page


@pytest.mark.parametrize("who", ["student", "editor", "bureau_admin"])
def test_others_cannot_take_a_test_or_see_training_hours(client, world, course, who):
    user = getattr(world, who)
    client.force_login(getattr(user, "user", user))
    url = reverse("classroom:training_take", args=[course.pk])
    data = {f"q{qid}": options for qid, options in _answers(course, 2).items()}
    assert client.post(url, data).status_code == 403
    assert client.get(reverse("classroom:training")).status_code == 403
    assert not TrainingCompletion.objects.exists()


def test_a_school_admin_sees_hours_of_her_schools_teachers_only(client, world, course):
    training.take_test(world.teacher, world.school, course, _answers(course, 2))
    training.take_test(world.other_teacher, world.other_school, course, _answers(course, 2))
    type(world.teacher).objects.filter(pk=world.teacher.pk).update(full_name="甲老师")
    type(world.teacher).objects.filter(pk=world.other_teacher.pk).update(full_name="乙老师")
    client.force_login(world.school_admin)
    page = client.get(reverse("classroom:training")).content.decode()
    assert "<td>甲老师</td>" in page and "乙老师" not in page


def test_the_menu_leads_teaching_staff_to_training(world):
    from core.navigation import nav_for

    def keys(user):
        return {item["key"] for item in nav_for(user)}

    assert "training" in keys(world.teacher) and "training" in keys(world.school_admin)
    assert "training" not in keys(world.student.user) and "training" not in keys(world.editor)
