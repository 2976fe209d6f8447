"""Assigning work (issue #16): a lesson and its quiz as one task, no duplicate, module snapshots, groups and
chosen students, and one student's extra time or extra attempt."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from classroom import access, completion, progress, services
from classroom.history import revisions_of
from classroom.models import Allowance, Assignment, Audience, ClassGroup, LessonProgress
from lessons.tests.factories import make_lesson
from people.testing import make_class, make_student
from quizzes import access as quiz_access
from quizzes import services as quiz_services
from quizzes.tests import factories as quiz_factories
from quizzes.tests.factories import right_options

from .helpers import read_for, take_quiz


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English: reverse() gives the /en/ pages, and services speak English, so the
    tests read the same before and after the Chinese catalogue is compiled."""
    with translation.override("en"):
        yield


# --- a lesson and its quiz: one task ------------------------------------------------------------------------


def test_a_lesson_with_its_quiz_is_one_task_the_student_sees_once(client, world, lesson_with_quiz, quiz, week):
    services.assign(world.teacher, [world.class_a], lesson=lesson_with_quiz, **week)
    assert Assignment.objects.count() == 1
    assert quiz_access.is_available(world.student, quiz), "the lesson's quiz opens with the lesson"
    (item,) = progress.student_items(world.student, access.current_class_ids(world.student))
    assert item.plan.quiz == quiz and not item.cell.finished
    client.force_login(world.student.user)
    page = client.get(reverse("classroom:my_work")).content.decode()
    assert page.count(reverse("classroom:read", args=[lesson_with_quiz.pk])) == 1
    assert reverse("quizzes:detail", args=[quiz.pk]) in page, "read, then quiz: the quiz is linked from the task"

    progress_row = completion.record_open(world.student, lesson_with_quiz)
    progress_row = read_for(progress_row, lesson_with_quiz, completion.minimum_seconds(lesson_with_quiz) + 30)
    assert progress_row.completed_at is None, "read but the quiz not passed: not finished"
    take_quiz(world.student, quiz, right=True)
    (item,) = progress.student_items(world.student, access.current_class_ids(world.student))
    assert item.cell.finished and item.state == "done"


def test_the_quiz_of_an_assigned_lesson_is_not_assigned_again_and_the_reverse(world, lesson_with_quiz, quiz, week):
    services.assign(world.teacher, [world.class_a], lesson=lesson_with_quiz, **week)
    with pytest.raises(ValidationError) as error:
        services.assign(world.teacher, [world.class_a], quiz=quiz, **week)
    assert "comes with the lesson" in error.value.messages[0]
    services.assign(world.teacher, [world.class_b], quiz=quiz, **week)  # another class: its own
    with pytest.raises(ValidationError) as error:
        services.assign(world.teacher, [world.class_b], lesson=lesson_with_quiz, **week)
    assert "Withdraw the quiz assignment first" in error.value.messages[0]
    assert Assignment.objects.count() == 2


# --- duplicates ------------------------------------------------------------------------------------------------


def test_a_duplicate_is_refused_with_a_clear_message_and_nothing_is_saved(client, world, lesson, week):
    services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    client.force_login(world.teacher)
    response = client.post(
        reverse("classroom:assign"),
        {
            "kind": "lesson",
            "lesson": lesson.pk,
            "classes": [world.class_a.pk],
            "audience": "class",
            "starts_on": week["starts_on"].isoformat(),
            "due_on": week["due_on"].isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is already assigned to" in page and week["due_on"].isoformat() in page
    assert 'class="error-summary"' in page and 'href="#id_lesson"' in page
    assert Assignment.objects.count() == 1


def test_a_withdrawn_or_past_assignment_may_be_given_again(world, lesson, week, today):
    (first,) = services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    services.withdraw_assignment(world.teacher, first)
    (second,) = services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    past = {"starts_on": today - datetime.timedelta(days=20), "due_on": today - datetime.timedelta(days=10)}
    services.change_assignment(world.teacher, second, note="", **past)
    services.assign(world.teacher, [world.class_a], lesson=lesson, **week)  # the past one is no longer open
    assert Assignment.objects.active().filter(lesson=lesson).count() == 2


def test_the_same_work_for_other_students_of_the_class_is_no_duplicate(world, lesson, week):
    services.assign(
        world.teacher, [world.class_a], lesson=lesson, audience="students", students=[world.student], **week
    )
    with pytest.raises(ValidationError):
        services.assign(world.teacher, [world.class_a], lesson=lesson, **week)  # the whole class includes 张三
    with pytest.raises(ValidationError):
        services.assign(
            world.teacher, [world.class_a], lesson=lesson, audience="students", students=[world.student], **week
        )
    services.assign(
        world.teacher, [world.class_a], lesson=lesson, audience="students", students=[world.student_2], **week
    )
    assert Assignment.objects.count() == 2


# --- module snapshots ------------------------------------------------------------------------------------------


def test_a_module_assignment_keeps_its_lessons_and_tells_the_teacher_when_the_module_grows(
    client, world, module, lesson, week
):
    (assignment,) = services.assign(world.teacher, [world.class_a], module=module, **week)
    newer = make_lesson(module, slug="published-later")
    assert completion.assignment_lessons([assignment])[assignment.pk] == [lesson]
    assert not completion.is_assigned(world.student.pk, newer), "a lesson published later is not given"
    progress_row = read_for(
        completion.record_open(world.student, lesson), lesson, completion.minimum_seconds(lesson) + 30
    )
    assert progress_row.completed_at is not None
    (item,) = progress.student_items(world.student, access.current_class_ids(world.student))
    assert item.cell.finished and item.cell.lessons_total == 1, "the student who finished stays finished"

    client.force_login(world.teacher)
    page = client.get(reverse("classroom:assignment_change", args=[assignment.pk])).content.decode()
    assert "new lesson since it was assigned" in page and newer.title in page
    grid = client.get(reverse("classroom:class_progress", args=[world.class_a.pk])).content.decode()
    assert "new lesson the class has not been given" in grid

    response = client.post(reverse("classroom:add_new_lessons", args=[assignment.pk]))
    assert response.status_code == 302
    assert completion.assignment_lessons([assignment])[assignment.pk] == [lesson, newer]
    assert completion.is_assigned(world.student.pk, newer)
    assert revisions_of(assignment).first().snapshot["lessons"] == [lesson.pk, newer.pk]
    assert completion.new_module_lessons(assignment) == []


# --- groups and chosen students --------------------------------------------------------------------------------


def test_work_for_chosen_students_is_theirs_alone_everywhere(client, world, lesson_with_quiz, quiz, week):
    (assignment,) = services.assign(
        world.teacher, [world.class_a], lesson=lesson_with_quiz, audience="students", students=[world.student], **week
    )
    assert list(assignment.recipients.all()) == [world.student]
    assert quiz_access.is_available(world.student, quiz)
    assert not quiz_access.is_available(world.student_2, quiz), "the quiz opens only to the chosen student"
    assert completion.is_assigned(world.student.pk, lesson_with_quiz)
    assert not completion.is_assigned(world.student_2.pk, lesson_with_quiz), "no reading time for the others"
    assert progress.student_items(world.student_2, access.current_class_ids(world.student_2)) == []
    met, items = progress.term_requirement_met(
        world.student_2, access.current_class_ids(world.student_2), assignment.term
    )
    assert items == [] and not met

    data = progress.class_progress(world.class_a)
    assert data.assigned_counts() == {assignment.pk: 1}
    assert not data.cells[(world.student_2.pk, assignment.pk)].assigned
    client.force_login(world.teacher)
    grid = client.get(reverse("classroom:class_progress", args=[world.class_a.pk])).content.decode()
    assert "0 of 1 finished" in grid and "not given to this student" in grid


def test_a_group_is_copied_onto_the_assignment_so_later_changes_do_not_move_work(world, lesson, week):
    group = services.save_group(world.teacher, ClassGroup(school_class=world.class_a, name="补课组"), [world.student])
    (assignment,) = services.assign(
        world.teacher, [world.class_a], lesson=lesson, audience="group", group=group, **week
    )
    services.save_group(world.teacher, group, [world.student_2])
    assert list(assignment.recipients.all()) == [world.student]
    assert completion.is_assigned(world.student.pk, lesson)
    assert not completion.is_assigned(world.student_2.pk, lesson)
    assert [r.action for r in revisions_of(group)] == ["changed", "created"]


def test_groups_and_chosen_students_belong_to_the_one_class(world, lesson, week):
    with pytest.raises(ValidationError):
        services.assign(
            world.teacher, [world.class_a], lesson=lesson, audience="students", students=[world.student_b], **week
        )
    with pytest.raises(ValidationError):
        services.save_group(world.teacher, ClassGroup(school_class=world.class_a, name="混合"), [world.student_b])
    other = services.save_group(world.teacher_b, ClassGroup(school_class=world.class_b, name="乙组"), [world.student_b])
    with pytest.raises(ValidationError):
        services.assign(world.teacher, [world.class_a], lesson=lesson, audience="group", group=other, **week)
    with pytest.raises(ValidationError):
        services.assign(
            world.grade_leader,
            [world.class_a, world.class_b],
            lesson=lesson,
            audience="students",
            students=[world.student],
            **week,
        )
    assert not Assignment.objects.exists()


def test_the_assign_form_gives_work_to_chosen_students_of_the_class(client, world, lesson, week):
    client.force_login(world.teacher)
    url = reverse("classroom:assign") + f"?class={world.class_a.pk}"
    page = client.get(url).content.decode()
    assert "张三" in page and "王五" not in page, "the class's own roll is offered"
    response = client.post(
        url,
        {
            "kind": "lesson",
            "lesson": lesson.pk,
            "classes": [world.class_a.pk],
            "audience": "students",
            "students": [world.student_2.pk],
            "starts_on": week["starts_on"].isoformat(),
            "due_on": week["due_on"].isoformat(),
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.audience == Audience.STUDENTS and list(assignment.recipients.all()) == [world.student_2]
    refused = client.post(
        url,
        {
            "kind": "lesson",
            "lesson": lesson.pk,
            "classes": [world.class_a.pk],
            "audience": "students",
            "students": [world.student_b.pk],
            "starts_on": week["starts_on"].isoformat(),
            "due_on": week["due_on"].isoformat(),
        },
    )
    assert refused.status_code == 200 and Assignment.objects.count() == 1


# --- extra time and extra attempts -----------------------------------------------------------------------------


@pytest.fixture
def timed_quiz(db):
    questions = [quiz_factories.question(text=f"限时题{i}", options=(("对", 100), ("错", 0))) for i in range(2)]
    return quiz_factories.quiz(
        questions,
        title="限时小测",
        live=True,
        open_to_all_students=False,
        attempts_allowed=1,
        time_limit_minutes=10,
        pass_percent=60,
        shuffle_questions=False,
    )


def test_extra_time_and_an_extra_attempt_for_one_student_with_a_reason(world, timed_quiz, week):
    (assignment,) = services.assign(world.teacher, [world.class_a], quiz=timed_quiz, **week)
    with pytest.raises(ValidationError):
        services.grant_allowance(
            world.teacher, assignment, world.student, extra_minutes=5, extra_attempts=1, reason=" "
        )
    allowance = services.grant_allowance(
        world.teacher, assignment, world.student, extra_minutes=5, extra_attempts=1, reason="读写困难，需要更多时间"
    )
    assert [r.action for r in revisions_of(allowance)] == ["created"]
    assert revisions_of(allowance).first().snapshot["reason"] == "读写困难，需要更多时间"
    start = timezone.now().replace(microsecond=0)
    # The server's clock is passed in (now=): the deadline is fixed at the start, on that clock.
    attempt = quiz_services.start_or_resume_attempt(world.student, timed_quiz, now=start)
    other = quiz_services.start_or_resume_attempt(world.student_2, timed_quiz, now=start)
    assert attempt.deadline_at == start + datetime.timedelta(minutes=15)
    assert other.deadline_at == start + datetime.timedelta(minutes=10)

    # Minute 14: on time for the student with extra time; another's page sending the same is late.
    at = start + datetime.timedelta(minutes=14)
    answers = [
        quiz_services.Choice(q, tuple(quiz_factories.tokens(attempt, q)[:1]), at) for q in right_options(attempt)
    ]
    outcome = quiz_services.submit_choices(attempt.pk, answers, now=at)
    assert outcome.complete and outcome.attempt.submitted_at == at
    late = [quiz_services.Choice(q, tuple(quiz_factories.tokens(other, q)[:1]), at) for q in right_options(other)]
    outcome = quiz_services.submit_choices(other.pk, late, now=at)
    assert set(outcome.refused.values()) == {"no_lease"}, "no one else's deadline moved"

    later = start + datetime.timedelta(minutes=30)
    second = quiz_services.start_or_resume_attempt(world.student, timed_quiz, now=later)
    assert second.number == 2, "the extra attempt"
    with pytest.raises(quiz_services.NoAttemptsLeft):
        quiz_services.start_or_resume_attempt(world.student_2, timed_quiz, now=later)


def test_an_allowance_counts_only_on_its_own_live_assignment(world, timed_quiz, quiz, week):
    (timed,) = services.assign(world.teacher, [world.class_a], quiz=timed_quiz, **week)
    (other,) = services.assign(world.teacher, [world.class_a], quiz=quiz, **week)
    services.grant_allowance(world.teacher, other, world.student, extra_minutes=30, extra_attempts=2, reason="病假")
    assert access.allowance_for(world.student, timed_quiz).extra_minutes == 0, "granted on another quiz"
    services.grant_allowance(world.teacher, timed, world.student, extra_minutes=5, extra_attempts=0, reason="病假")
    assert access.allowance_for(world.student, timed_quiz).extra_minutes == 5
    services.withdraw_assignment(world.teacher, timed)
    assert access.allowance_for(world.student, timed_quiz).extra_minutes == 0
    # Zero and zero takes it back, and history says so.
    allowance = Allowance.objects.get(assignment=other)
    assert (
        services.grant_allowance(
            world.teacher, other, world.student, extra_minutes=0, extra_attempts=0, reason="已补考"
        )
        is None
    )
    assert not Allowance.objects.filter(pk=allowance.pk).exists()
    assert [r.action for r in revisions_of(allowance)] == ["deleted", "created"]


def test_the_allowance_page_grants_to_a_student_the_work_is_given_to(client, world, timed_quiz, week):
    (assignment,) = services.assign(
        world.teacher, [world.class_a], quiz=timed_quiz, audience="students", students=[world.student], **week
    )
    client.force_login(world.teacher)
    url = reverse("classroom:allowances", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "张三" in page and "李四" not in page
    response = client.post(url, {"student": world.student_2.pk, "extra_minutes": 5, "extra_attempts": 0, "reason": "x"})
    assert response.status_code == 200 and not Allowance.objects.exists(), "not given to 李四"
    response = client.post(
        url, {"student": world.student.pk, "extra_minutes": 5, "extra_attempts": 1, "reason": "病假"}
    )
    assert response.status_code == 302
    assert Allowance.objects.get().granted_by == world.teacher
    assert "病假" in client.get(url).content.decode()


def test_the_quiz_page_shows_the_students_own_extra_minutes(client, world, timed_quiz, week):
    (assignment,) = services.assign(world.teacher, [world.class_a], quiz=timed_quiz, **week)
    services.grant_allowance(world.teacher, assignment, world.student, extra_minutes=5, extra_attempts=1, reason="病假")
    client.force_login(world.student.user)
    page = client.get(reverse("quizzes:detail", args=[timed_quiz.pk])).content.decode()
    assert "(+5 minutes for you)" in page
    client.force_login(world.student_2.user)
    assert "for you" not in client.get(reverse("quizzes:detail", args=[timed_quiz.pk])).content.decode()


# --- scope of the new pages --------------------------------------------------------------------------------------


def test_another_teacher_and_students_cannot_use_the_new_pages(client, world, module, timed_quiz, week):
    (quiz_assignment,) = services.assign(world.teacher, [world.class_a], quiz=timed_quiz, **week)
    (module_assignment,) = services.assign(world.teacher, [world.class_a], module=module, **week)
    group = services.save_group(world.teacher, ClassGroup(school_class=world.class_a, name="甲组"), [world.student])
    gets = [
        reverse("classroom:allowances", args=[quiz_assignment.pk]),
        reverse("classroom:class_groups", args=[world.class_a.pk]),
        reverse("classroom:group_edit", args=[group.pk]),
    ]
    posts = gets + [reverse("classroom:add_new_lessons", args=[module_assignment.pk])]
    for user in (world.teacher_b, world.student.user):
        client.force_login(user)
        for url in gets:
            assert client.get(url).status_code in (403, 404), (user, url)
        for url in posts:
            response = client.post(url, {"name": "x", "students": [world.student.pk], "delete": "1", "reason": "x"})
            assert response.status_code in (403, 404), (user, url)
    assert ClassGroup.objects.filter(pk=group.pk).exists() and not Allowance.objects.exists()
    assert ClassGroup.objects.count() == 1
    client.force_login(world.teacher)
    for url in gets:
        assert client.get(url).status_code == 200, url


def test_the_teacher_makes_changes_and_deletes_a_group(client, world):
    client.force_login(world.teacher)
    url = reverse("classroom:class_groups", args=[world.class_a.pk])
    assert client.post(url, {"name": "阅读组", "students": [world.student.pk, world.student_2.pk]}).status_code == 302
    group = ClassGroup.objects.get()
    assert set(group.students.all()) == {world.student, world.student_2}
    page = client.post(url, {"name": "阅读组", "students": [world.student.pk]}).content.decode()
    assert "already has a group of this name" in page and 'class="error-summary"' in page
    edit = reverse("classroom:group_edit", args=[group.pk])
    assert client.post(edit, {"name": "阅读组", "students": [world.student.pk]}).status_code == 302
    assert list(group.students.all()) == [world.student]
    assert client.post(edit, {"delete": "1"}).status_code == 302
    assert not ClassGroup.objects.exists()


# --- the draw at the class's grade band ----------------------------------------------------------------------------


def test_a_draw_takes_only_questions_of_the_students_grade_band(world):
    junior = [quiz_factories.question(text=f"初中题{i}") for i in range(4)]
    primary = [quiz_factories.question(text=f"小学题{i}") for i in range(4)]
    either = quiz_factories.question(text="通用题")
    for question in junior:
        question.grade_bands = ["junior", "senior"]
        question.save()
    for question in primary:
        question.grade_bands = ["primary_upper"]
        question.save()
    quiz = quiz_factories.quiz(rules=[{"count": 9}], title="按学段抽题", live=True, attempts_allowed=0)
    fifth = make_class(world.school, grade=5, number=3)
    pupil = make_student(fifth, "5001", "小明")
    drawn = {item["q"] for item in quiz_services.start_or_resume_attempt(world.student, quiz).paper}
    assert drawn == {q.pk for q in junior} | {either.pk}, "初二 draws junior questions and those of no band"
    drawn = {item["q"] for item in quiz_services.start_or_resume_attempt(pupil, quiz).paper}
    assert drawn == {q.pk for q in primary} | {either.pk}, "五年级 draws no secondary question"


def test_reading_progress_rows_are_not_shared_between_recipients(world, lesson, week):
    """A chosen student's reading earns time; the student beside him, not given the lesson, earns none."""
    services.assign(
        world.teacher, [world.class_a], lesson=lesson, audience="students", students=[world.student], **week
    )
    mine = read_for(completion.record_open(world.student, lesson), lesson, 60, reached_end=False)
    assert mine.active_seconds > 0
    theirs = completion.record_open(world.student_2, lesson)
    with pytest.raises(completion.NotAssigned):
        completion.record_signal(theirs.pk, lesson, now=theirs.last_seen_at + datetime.timedelta(seconds=15))
    assert LessonProgress.objects.get(pk=theirs.pk).active_seconds == 0


def test_the_export_has_rows_only_for_students_given_the_work(world, lesson, week):
    from classroom.exports import result_rows

    services.assign(
        world.teacher, [world.class_a], lesson=lesson, audience="students", students=[world.student], **week
    )
    rows = list(result_rows(world.class_a))
    assert [row[1] for row in rows] == [world.student.student_number]
