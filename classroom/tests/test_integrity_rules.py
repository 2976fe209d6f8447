"""The integrity rules for attempts and lesson progress (classroom/integrity/rules.py), run through the signals.

Every time is explicit: a school year of its own (2025–2026) and a Monday, so nothing depends on the clock.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from classroom import completion
from classroom.integrity import rules
from classroom.models import FlagRule, IntegrityFlag, LessonProgress
from core import clientid
from core.models import AuditEvent
from people.models import InitialPassword, SchoolYear
from people.testing import PASSWORD, make_class, make_school, make_student, make_teacher
from quizzes import services as quiz_services
from quizzes.models import Attempt
from quizzes.tests.factories import right_options

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 11, 10)
SCHOOL_ADDRESS = "198.51.100.20"
FIVE_MINUTES = datetime.timedelta(minutes=5)


def at(hour: int, minute: int = 0, day: datetime.date = MONDAY) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


@pytest.fixture
def year(db):
    return SchoolYear.get_or_create_for(2025)


@pytest.fixture
def school(db):
    return make_school(code="S9", name="青山三中")


@pytest.fixture
def class_1(school, year):
    return make_class(school, grade=8, number=1, year=year)


@pytest.fixture
def class_2(school, year):
    return make_class(school, grade=8, number=2, year=year)


def students(school_class, n: int, first: int = 1):
    return [make_student(school_class, f"{school_class.number}{first + i:03d}", f"学生{first + i}") for i in range(n)]


def sit_quiz(student, quiz, *, start, device="", network="", length=FIVE_MINUTES) -> Attempt:
    attempt = quiz_services.start_or_resume_attempt(student, quiz, device_id=device, now=start, check_access=False)
    Attempt.objects.filter(pk=attempt.pk).update(network=network)
    return quiz_services.submit_attempt(attempt.pk, right_options(attempt), now=start + length)


def finish_lesson(student, lesson, *, start, device="", network="", length=FIVE_MINUTES) -> LessonProgress:
    """A lesson read from `start` for `length` and finished at its end (created finished, as an import would)."""
    end = start + length
    return LessonProgress.objects.create(
        student=student,
        lesson=lesson,
        first_opened_at=start,
        last_seen_at=end,
        active_seconds=int(length.total_seconds()),
        reached_end_at=end,
        completed_at=end,
        device_id=device,
        network=network,
    )


def flags(rule, subjects=None):
    query = IntegrityFlag.objects.filter(rule=rule)
    if subjects is not None:
        found = set()
        for subject in subjects:
            content_type = ContentType.objects.get_for_model(subject)
            found |= set(query.filter(content_type=content_type, object_id=subject.pk).values_list("pk", flat=True))
        query = query.filter(pk__in=found)
    return query


def flag_of(subject, rule) -> IntegrityFlag:
    return IntegrityFlag.objects.get(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, rule=rule
    )


# --- shared device --------------------------------------------------------------------------------


def test_every_student_on_one_device_is_flagged_including_the_first_two(class_1, quiz, lesson):
    first, second, third = students(class_1, 3)
    a = sit_quiz(first, quiz, start=at(10, 0), device="dev-1", network="net-1")
    assert not flags(FlagRule.SHARED_DEVICE).exists()  # alone so far

    b = finish_lesson(second, lesson, start=at(10, 6), device="dev-1", network="net-1")
    assert flags(FlagRule.SHARED_DEVICE, [a, b]).count() == 2  # two students are enough, the first one too
    c = sit_quiz(third, quiz, start=at(10, 12), device="dev-1", network="net-1")

    flagged = flags(FlagRule.SHARED_DEVICE, [a, b, c])
    assert flagged.count() == 3
    assert {flag.student_id for flag in flagged} == {first.pk, second.pk, third.pk}
    assert {flag.group for flag in flagged} == {"dev-1"}
    assert {flag.school_class_id for flag in flagged} == {class_1.pk}
    evidence = flag_of(a, FlagRule.SHARED_DEVICE).evidence
    assert [other["id"] for other in evidence["others"]] == sorted([second.pk, third.pk])
    assert {other["name"] for other in evidence["others"]} == {"学生2", "学生3"}
    assert {(record["kind"], record["id"]) for record in evidence["records"]} == {
        ("attempt", a.pk),
        ("lesson_progress", b.pk),
        ("attempt", c.pk),
    }
    assert evidence["device"] == "dev-1" and evidence["window_minutes"] == 10
    assert evidence["from"] <= evidence["until"]


def test_a_student_alone_on_her_device_is_not_shared_with_herself(class_1, quiz, lesson):
    (student,) = students(class_1, 1)
    sit_quiz(student, quiz, start=at(10, 0), device="dev-1")
    finish_lesson(student, lesson, start=at(10, 6), device="dev-1")
    sit_quiz(student, quiz, start=at(10, 12), device="dev-1")
    assert not IntegrityFlag.objects.exists()


def test_a_computer_room_device_passing_to_the_next_class_is_not_flagged(class_1, class_2, quiz):
    (morning,) = students(class_1, 1)
    (next_period,) = students(class_2, 1)
    sit_quiz(morning, quiz, start=at(9, 0), device="room-pc-7", length=minutes(38))
    sit_quiz(next_period, quiz, start=at(9, 45), device="room-pc-7", length=minutes(30))
    assert not flags(FlagRule.SHARED_DEVICE).exists()


def test_records_of_two_classes_overlapping_on_one_device_are_flagged(class_1, class_2, quiz, lesson):
    (left_open,) = students(class_1, 1)
    (other,) = students(class_2, 1)
    a = sit_quiz(left_open, quiz, start=at(9, 0), device="room-pc-7", length=minutes(50))
    b = finish_lesson(other, lesson, start=at(9, 20), device="room-pc-7", length=minutes(10))
    assert flags(FlagRule.SHARED_DEVICE, [a, b]).count() == 2


def test_records_far_apart_on_one_device_are_not_flagged(class_1, quiz):
    first, second = students(class_1, 2)
    sit_quiz(first, quiz, start=at(9, 0), device="family-tablet")
    sit_quiz(second, quiz, start=at(19, 0), device="family-tablet")
    assert not flags(FlagRule.SHARED_DEVICE).exists()


def test_an_attempt_left_open_overnight_does_not_share_its_device_with_the_next_days_users(class_1, quiz):
    first, second = students(class_1, 2)
    # Started on a room computer at the end of the day, submitted from elsewhere at noon the next day.
    sit_quiz(first, quiz, start=at(16, 0), device="room-pc-1", length=datetime.timedelta(hours=20))
    sit_quiz(second, quiz, start=at(9, 0, MONDAY + datetime.timedelta(days=1)), device="room-pc-1")
    assert not flags(FlagRule.SHARED_DEVICE).exists()


# --- shared network -------------------------------------------------------------------------------


def test_a_computer_room_class_on_one_network_in_school_hours_is_not_flagged(class_1, quiz, lesson):
    room = students(class_1, 8)
    for i, student in enumerate(room):
        sit_quiz(student, quiz, start=at(10, i), device=f"room-pc-{i}", network="school-net", length=minutes(20))
        finish_lesson(student, lesson, start=at(10, 25), device=f"room-pc-{i}", network="school-net")
    assert not IntegrityFlag.objects.exists()


def test_students_on_one_home_network_after_school_are_all_flagged(class_1, class_2, quiz):
    first, second = students(class_1, 2)
    (third,) = students(class_2, 1)
    a = sit_quiz(first, quiz, start=at(20, 0), device="phone-a", network="home-net")
    b = sit_quiz(second, quiz, start=at(20, 7), device="phone-b", network="home-net")
    assert not flags(FlagRule.SHARED_NETWORK).exists()  # two siblings at home are a family, not a class

    c = sit_quiz(third, quiz, start=at(20, 14), device="phone-c", network="home-net")
    flagged = flags(FlagRule.SHARED_NETWORK, [a, b, c])
    assert flagged.count() == 3
    assert {flag.group for flag in flagged} == {"home-net"}
    evidence = flag_of(a, FlagRule.SHARED_NETWORK).evidence
    assert evidence["network"] == "home-net" and evidence["devices"] == 3
    assert [other["id"] for other in evidence["others"]] == sorted([second.pk, third.pk])
    assert not flags(FlagRule.SHARED_DEVICE).exists()


def test_a_carriers_shared_address_does_not_join_students_of_different_schools(year, quiz):
    classes = [make_class(make_school(code=f"C{i}"), year=year) for i in range(4)]
    for i, school_class in enumerate(classes):
        (student,) = students(school_class, 1)
        sit_quiz(student, quiz, start=at(20, i), device=f"phone-{i}", network="carrier-nat")
    assert not IntegrityFlag.objects.exists()


def test_a_room_whose_devices_serve_the_next_class_is_not_flagged_for_its_network(class_1, class_2, quiz):
    # The devices that served one class serve the next within half an hour: a computer room between periods.
    for i, student in enumerate(students(class_1, 4)):
        sit_quiz(student, quiz, start=at(9, 0), device=f"room-pc-{i}", network="school-net", length=minutes(38))
    for i, student in enumerate(students(class_2, 4)):
        sit_quiz(student, quiz, start=at(9, 50), device=f"room-pc-{i}", network="school-net", length=minutes(30))
    assert not IntegrityFlag.objects.exists()


def test_the_home_rule_follows_the_configured_school_day(settings, class_1, quiz):
    settings.QINGDUN = {**settings.QINGDUN, "INTEGRITY_SCHOOL_DAY_ENDS": "21:00"}  # evening study at a boarding school
    for i, student in enumerate(students(class_1, 3)):
        sit_quiz(student, quiz, start=at(19, i), device=f"pc-{i}", network="school-net")
    assert not flags(FlagRule.SHARED_NETWORK).exists()


# --- after a staff password reset -----------------------------------------------------------------


def _device_of(client) -> str:
    request = RequestFactory().get("/")
    request.COOKIES[clientid.DEVICE_COOKIE] = client.cookies[clientid.DEVICE_COOKIE].value
    return clientid.device_from_cookie(request)


def _sign_in(client, username, password, address):
    response = client.post(reverse("people:login"), {"username": username, "password": password}, REMOTE_ADDR=address)
    assert response.status_code == 302


def test_a_teacher_who_resets_passwords_and_works_as_her_students_is_flagged(client, school, class_1, quiz, lesson):
    teacher = make_teacher(school, [class_1], [class_1], username="teacher_reset")
    class_students = students(class_1, 3)
    _sign_in(client, "teacher_reset", PASSWORD, SCHOOL_ADDRESS)
    for student in class_students:
        response = client.post(reverse("people:reset_password", args=[student.user.pk]), REMOTE_ADDR=SCHOOL_ADDRESS)
        assert response.status_code == 200
    device, network = _device_of(client), clientid.network_key(SCHOOL_ADDRESS)
    AuditEvent.objects.filter(action__in=["signin", "people.password_reset"]).update(at=at(12, 0))

    # She signs in as each student in her own browser and works through their lesson and quiz.
    for student in class_students:
        issued = InitialPassword.objects.get(user=student.user).password
        _sign_in(client, student.user.username, issued, SCHOOL_ADDRESS)
    AuditEvent.objects.filter(action="signin", actor__student__isnull=False).update(at=at(12, 5))
    first, second, third = class_students
    progress = finish_lesson(first, lesson, start=at(12, 10), device=device, network=network)
    attempts = [
        sit_quiz(second, quiz, start=at(12, 40), device=device, network=network),
        sit_quiz(third, quiz, start=at(13, 10), device=device, network=network),
    ]

    flagged = IntegrityFlag.objects.filter(school=school, rule=FlagRule.AFTER_PASSWORD_RESET)
    assert flagged.count() == 3
    assert {flag.student_id for flag in flagged} == {s.pk for s in class_students}
    evidence = flag_of(progress, FlagRule.AFTER_PASSWORD_RESET).evidence
    assert evidence["reset_by"] == {"id": teacher.pk, "name": teacher.full_name}
    assert evidence["reset_at"] == at(12, 0).astimezone(datetime.UTC).isoformat()
    assert {entry["by"] for entry in evidence["matched"]} == {"device", "network"}
    assert flag_of(attempts[0], FlagRule.AFTER_PASSWORD_RESET).group == device


def _reset_event(teacher, student, *, when, device, network) -> AuditEvent:
    event = AuditEvent.objects.create(
        actor=teacher,
        actor_name=teacher.username,
        action=rules.RESET_EVENT,
        target=student.user.username,
        details={"device": device, "network": network},
    )
    AuditEvent.objects.filter(pk=event.pk).update(at=when)
    return event


def test_a_student_finishing_at_home_after_a_reset_at_school_is_not_flagged(school, class_1, quiz, lesson):
    teacher = make_teacher(school, [class_1])
    first, second = students(class_1, 2)
    for student in (first, second):
        _reset_event(teacher, student, when=at(9, 0), device="teacher-pc", network="school-net")
    finish_lesson(first, lesson, start=at(19, 0), device="home-phone", network="home-net-1")
    # From the teacher's own computer, but two days later: outside the window.
    sit_quiz(second, quiz, start=at(10, 0, MONDAY + datetime.timedelta(days=2)), device="teacher-pc")
    assert not flags(FlagRule.AFTER_PASSWORD_RESET).exists()


def test_the_resetters_later_sign_in_elsewhere_counts_as_her_place(school, class_1, quiz):
    teacher = make_teacher(school, [class_1])
    (student,) = students(class_1, 1)
    _reset_event(teacher, student, when=at(15, 0), device="teacher-pc", network="school-net")
    signin = AuditEvent.objects.create(
        actor=teacher, action="signin", target=teacher.username, details={"device": "laptop", "network": "her-home"}
    )
    AuditEvent.objects.filter(pk=signin.pk).update(at=at(19, 0))
    attempt = sit_quiz(student, quiz, start=at(20, 0), device="fresh-window", network="her-home")
    flag = flag_of(attempt, FlagRule.AFTER_PASSWORD_RESET)
    assert flag.group == "her-home"
    assert flag.evidence["matched"] == [
        {
            "by": "network",
            "value": "her-home",
            "seen_in": "signin",
            "at": at(19, 0).astimezone(datetime.UTC).isoformat(),
        }
    ]


# --- quiz signals ---------------------------------------------------------------------------------


def test_the_quiz_codes_of_an_attempt_are_mirrored_as_flags(class_1, quiz):
    (student,) = students(class_1, 1)
    attempt = sit_quiz(student, quiz, start=at(10, 0), length=datetime.timedelta(seconds=2))
    attempt.flags = ["auto_submitted", "shared_device", "too_fast", "unknown_code"]
    attempt.save(update_fields=["flags"])

    # Running out of time (auto_submitted) is a note, not a flag; device sharing is this module's own rule.
    assert set(flags_of_attempt(attempt)) == {FlagRule.TOO_FAST}
    evidence = flag_of(attempt, FlagRule.TOO_FAST).evidence
    assert evidence["seconds"] == 2.0 and evidence["questions"] == 2 and evidence["answered"] == 2
    # quizzes' own guess at a shared device is not taken over this module's rule
    assert not flags(FlagRule.SHARED_DEVICE).exists()


def flags_of_attempt(attempt):
    return IntegrityFlag.objects.filter(
        content_type=ContentType.objects.get_for_model(Attempt), object_id=attempt.pk
    ).values_list("rule", flat=True)


def test_codes_present_at_submission_are_mirrored(class_1, quiz):
    (student,) = students(class_1, 1)
    attempt = quiz_services.start_or_resume_attempt(student, quiz, now=at(10, 0), check_access=False)
    Attempt.objects.filter(pk=attempt.pk).update(flags=["empty_answers"])
    submitted = quiz_services.submit_attempt(attempt.pk, {}, now=at(10, 3))
    assert "empty_answers" in submitted.flags
    assert FlagRule.EMPTY_ANSWERS in set(flags_of_attempt(submitted))


# --- once per record ------------------------------------------------------------------------------


def test_saving_or_checking_again_does_not_duplicate_or_change_flags(class_1, quiz, lesson):
    first, second = students(class_1, 2)
    a = sit_quiz(first, quiz, start=at(20, 0), device="dev-1", network="net-1")
    b = finish_lesson(second, lesson, start=at(20, 6), device="dev-1", network="net-2")
    a.flags = ["too_fast"]
    a.save(update_fields=["flags"])
    before = sorted(IntegrityFlag.objects.values_list("content_type_id", "object_id", "rule", "evidence"))
    assert len(before) == 3  # two shared-device flags and the mirrored code

    a.save(update_fields=["submitted_at"])
    a.save()
    b.save()
    rules.check_attempt(Attempt.objects.get(pk=a.pk))
    rules.check_lesson_progress(LessonProgress.objects.get(pk=b.pk))
    assert sorted(IntegrityFlag.objects.values_list("content_type_id", "object_id", "rule", "evidence")) == before


def test_a_lesson_is_checked_when_it_becomes_finished_and_not_at_every_later_heartbeat(class_1, lesson):
    first, second = students(class_1, 2)
    finish_lesson(first, lesson, start=at(10, 0), device="dev-1")
    progress = completion.record_open(second, lesson, now=at(10, 6))
    LessonProgress.objects.filter(pk=progress.pk).update(
        device_id="dev-1",
        last_seen_at=at(10, 11),
        active_seconds=completion.minimum_seconds(lesson),
        reached_end_at=at(10, 11),
    )
    progress = LessonProgress.objects.select_related("lesson").get(pk=progress.pk)
    assert not flags(FlagRule.SHARED_DEVICE).exists()  # still reading: nothing to flag
    assert completion.evaluate(progress, now=at(10, 11))
    assert flags(FlagRule.SHARED_DEVICE).count() == 2

    IntegrityFlag.objects.all().delete()
    progress = LessonProgress.objects.get(pk=progress.pk)
    progress.save(update_fields=["active_seconds", "last_seen_at", "reached_end_at", "completed_at"])
    assert not IntegrityFlag.objects.exists()  # a heartbeat on a finished lesson runs no rule
