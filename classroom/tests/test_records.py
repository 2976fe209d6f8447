"""Class-hour logs and activities: terms, fidelity, sanitising, computed participation and history."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from classroom import activity_types, services
from classroom.history import revisions_of
from classroom.models import Activity, ClassHourLog
from people.models import Instructor, Term

from .helpers import take_quiz


def _hour_data(world, lesson, **extra):
    data = {
        "school_class": world.class_a.pk,
        "lesson": lesson.pk,
        "topic": "",
        "taught_on": timezone.localdate().isoformat(),
        "class_hours": "1.0",
        "instructor_kind": "teacher",
        "instructor_name": "",
        "method": "class_meeting",
        "students_present": "2",
        "parts_covered": "导入、案例、<script>x</script>小结",
        "minutes": "40",
        "engagement": "4",
        "note": "",
    }
    data.update(extra)
    return data


def test_teacher_logs_a_class_hour_with_fidelity_and_term(client, world, lesson):
    client.force_login(world.teacher)
    response = client.post(reverse("classroom:class_hour_new"), _hour_data(world, lesson))
    assert response.status_code == 302
    log = ClassHourLog.objects.get()
    assert log.teacher == world.teacher and log.recorded_by == world.teacher
    assert log.term == Term.for_date(timezone.localdate())
    assert log.class_hours == Decimal("1.0") and log.engagement == 4
    # Plain text is kept as typed and escaped once where it is shown (core.sanitize.clean_plain).
    assert log.parts_covered == "导入、案例、<script>x</script>小结"
    page = client.get(reverse("classroom:class_hour_edit", args=[log.pk])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_outside_instructor_is_chosen_from_the_roster_and_the_class_must_be_hers(client, world, lesson):
    officer = Instructor.objects.create(school=world.school, kind="legal_vice_principal", name="王法官", unit="派出所")
    elsewhere = Instructor.objects.create(school=world.other_school, kind="legal_vice_principal", name="李检察官")
    client.force_login(world.teacher)
    data = _hour_data(world, lesson, instructor_kind="legal_vice_principal")
    page = client.get(reverse("classroom:class_hour_new")).content.decode()
    assert "王法官" in page and "李检察官" not in page
    assert client.post(reverse("classroom:class_hour_new"), data).status_code == 200
    assert client.post(reverse("classroom:class_hour_new"), {**data, "instructor": elsewhere.pk}).status_code == 200
    wrong_kind = {**data, "instructor_kind": "outside", "instructor": officer.pk}
    assert client.post(reverse("classroom:class_hour_new"), wrong_kind).status_code == 200
    data["instructor"] = officer.pk
    assert client.post(reverse("classroom:class_hour_new"), data).status_code == 302
    log = ClassHourLog.objects.get()
    assert log.teacher is None and log.instructor == officer and log.instructor_label == "王法官"
    # The name stays with the record when the roster entry goes.
    officer.delete()
    log.refresh_from_db()
    assert log.instructor is None and log.instructor_label == "王法官"
    foreign = _hour_data(world, lesson, school_class=world.class_b.pk)
    assert client.post(reverse("classroom:class_hour_new"), foreign).status_code == 200
    assert ClassHourLog.objects.count() == 1


def test_a_legacy_typed_name_is_kept_until_someone_is_chosen(client, world, lesson):
    client.force_login(world.teacher)
    client.post(reverse("classroom:class_hour_new"), _hour_data(world, lesson))
    log = ClassHourLog.objects.get()
    ClassHourLog.objects.filter(pk=log.pk).update(instructor_kind="outside", teacher=None, instructor_name="赵老师")
    url = reverse("classroom:class_hour_edit", args=[log.pk])
    assert client.post(url, _hour_data(world, lesson, instructor_kind="outside", minutes="45")).status_code == 302
    log.refresh_from_db()
    assert log.instructor is None and log.instructor_label == "赵老师" and log.minutes == 45


def test_editing_a_class_hour_keeps_history_and_stays_in_scope(client, world, lesson):
    client.force_login(world.teacher)
    client.post(reverse("classroom:class_hour_new"), _hour_data(world, lesson))
    log = ClassHourLog.objects.get()
    url = reverse("classroom:class_hour_edit", args=[log.pk])
    assert client.post(url, _hour_data(world, lesson, students_present="1")).status_code == 302
    snapshots = [r.snapshot["students_present"] for r in revisions_of(log)]
    assert snapshots == [1, 2]
    client.force_login(world.teacher_b)
    assert client.get(url).status_code == 404
    assert client.post(reverse("classroom:class_hour_delete", args=[log.pk])).status_code == 404
    client.force_login(world.grade_leader)
    assert client.post(reverse("classroom:class_hour_delete", args=[log.pk])).status_code == 302
    assert not ClassHourLog.objects.exists()
    assert revisions_of(log).first().action == "deleted"


def test_activity_is_recorded_with_classes_and_sanitised_description(client, world):
    client.force_login(world.teacher)
    response = client.post(
        reverse("classroom:activity_new"),
        {
            "school": world.school.pk,
            "type": "class_meeting",
            "title": "主题班会",
            "held_on": timezone.localdate().isoformat(),
            "participants": "",
            "classes": [world.class_a.pk],
            "description": '<p>很好</p><a href="javascript:alert(1)">x</a>',
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.participants == 2, "the class's students"
    assert "javascript" not in activity.description
    assert activity.recorded_by == world.teacher
    client.force_login(world.other_teacher)
    assert client.get(reverse("classroom:activity", args=[activity.pk])).status_code == 404
    client.force_login(world.auditor)
    assert client.get(reverse("classroom:activity", args=[activity.pk])).status_code == 200


def test_teacher_cannot_record_for_another_school(client, world):
    client.force_login(world.teacher)
    response = client.post(
        reverse("classroom:activity_new"),
        {
            "school": world.other_school.pk,
            "type": "film",
            "title": "电影",
            "held_on": timezone.localdate().isoformat(),
            "participants": "30",
        },
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_a_contest_quiz_activity_counts_participation(world, quiz):
    quiz.kind = "contest"
    quiz.open_to_all_students = True
    quiz.save()
    activity = services.save_activity(
        world.teacher,
        Activity(
            school=world.school,
            type="quiz",
            title="知识竞赛",
            held_on=timezone.localdate(),
            participants=999,
            quiz=quiz,
        ),
    )
    assert activity.participants == 0, "typed numbers are ignored when a contest quiz is linked"
    take_quiz(world.student, quiz, right=True)
    take_quiz(world.student_b, quiz, right=False)
    take_quiz(world.other_student, quiz, right=True)
    activity.refresh_from_db()
    assert activity.participants == 2, "two students of this school submitted"


def test_activity_types_come_from_a_registered_source(world):
    def plan_list(school, day):
        return [("exhibition", "参观展览"), ("parent_letter", "告家长书")]

    assert [code for code, _ in activity_types.choices_for(world.school, timezone.localdate())][:1] == ["exhibition"]
    activity_types.register_source(plan_list)
    try:
        codes = [code for code, _ in activity_types.choices_for(world.school, timezone.localdate())]
        assert codes == ["exhibition", "parent_letter"]
    finally:
        activity_types.unregister_source(plan_list)


def test_the_term_follows_the_date(world, lesson):
    # A day of the class's own school year, in its second term (the class cannot be taught outside its year).
    second = world.class_a.school_year.terms.get(number=2)
    day = second.starts_on + datetime.timedelta(days=20)
    log = services.save_class_hour(
        world.teacher,
        ClassHourLog(
            school_class=world.class_a, lesson=lesson, taught_on=day, students_present=2, minutes=40, engagement=3
        ),
        today=day + datetime.timedelta(days=1),
    )
    assert log.term == second
