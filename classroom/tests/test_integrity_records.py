"""Implausible class-hour logs and activities are refused past a hard limit and flagged below it (issue 13).

Every date is explicit: the records are checked against `today=`, never the wall clock. The school year is
2025–2026 (1 September 2025 to 31 August 2026, terms split at 1 February).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.forms import ActivityForm, ClassHourForm
from classroom.integrity.flags import flags_of
from classroom.models import Activity, ClassHourLog, FlagRule, FlagStatus, IntegrityFlag
from people.models import SchoolYear, Term
from people.testing import make_class, make_school, make_student, make_teacher

from .helpers import take_quiz

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 11, 18)
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture
def year(db):
    return SchoolYear.get_or_create_for(2025)


@pytest.fixture
def school(year):
    """A school of 48 with a class of 12 (the issue's numbers), as a School with its parts attached."""
    school = make_school(name="青山三中")
    school.class_12 = make_class(school, grade=8, number=1, year=year)
    school.other_class = make_class(school, grade=7, number=1, year=year)
    school.pupils = [make_student(school.class_12) for _ in range(12)]
    school.pupils += [make_student(school.other_class) for _ in range(36)]
    school.teacher = make_teacher(school, [school.class_12])
    return school


def _log(school, *, hours="1.0", present=12, day=DAY, **extra):
    return ClassHourLog(
        school_class=extra.pop("school_class", school.class_12),
        topic="认识毒品",
        taught_on=day,
        class_hours=Decimal(hours),
        students_present=present,
        minutes=40,
        engagement=4,
        teacher=school.teacher,
        **extra,
    )


def _save_log(school, today=TODAY, **fields):
    return services.save_class_hour(school.teacher, _log(school, **fields), today=today)


def _refused(call, field: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field]


def _rules(record) -> set[str]:
    return set(flags_of(record).values_list("rule", flat=True))


# --- an honest record ---------------------------------------------------------------------------------------


def test_an_honest_log_and_activity_pass_unflagged(school):
    log = _save_log(school, hours="2.0", present=11)
    activity = services.save_activity(
        school.teacher,
        Activity(school=school, type="class_meeting", title="主题班会", held_on=DAY, participants=48),
        today=TODAY,
    )
    assert log.pk and activity.pk and activity.participants == 48
    assert not IntegrityFlag.objects.exists()


# --- hours in one day -------------------------------------------------------------------------------------


def test_eight_logs_of_four_hours_on_one_day_stop_at_a_school_day(school):
    """The attack measured on main: 8 logs × 4 h for one class on one day all went in (1.0 → 33.0 hours)."""
    first = _save_log(school, hours="4.0")
    second = _save_log(school, hours="4.0")
    for _ in range(6):
        messages = _refused(lambda: _save_log(school, hours="4.0"), "class_hours")
    assert "12.0" in messages[0] and "8" in messages[0]
    assert ClassHourLog.objects.filter(school_class=school.class_12, taught_on=DAY).count() == 2
    assert _rules(first) == set() and _rules(second) == {FlagRule.HOURS_BEYOND_DAY}
    flag = flags_of(second).get()
    assert flag.school == school and flag.school_class == school.class_12
    assert flag.evidence["hours_that_day"] == 8.0 and flag.evidence["other_logs"] == [first.pk]
    assert (flag.evidence["flagged_above"], flag.evidence["refused_above"]) == (4.0, 8.0)


def test_hours_exactly_at_each_limit(school):
    assert _rules(_save_log(school, hours="4.0")) == set(), "4 hours in a day are not flagged"
    other_day = DAY - datetime.timedelta(days=1)
    _save_log(school, hours="4.0", day=other_day)
    assert _rules(_save_log(school, hours="0.5", day=other_day)) == {FlagRule.HOURS_BEYOND_DAY}, "4.5 is"
    _save_log(school, hours="3.5", day=other_day)  # 8.0: at the limit, kept and flagged
    _refused(lambda: _save_log(school, hours="0.5", day=other_day), "class_hours")  # 8.5
    assert sum(log.class_hours for log in ClassHourLog.objects.filter(taught_on=other_day)) == Decimal("8.0")


def test_the_limits_are_settings(school, settings):
    settings.QINGDUN = {**settings.QINGDUN, "RECORD_DAY_FLAG_HOURS": 2, "RECORD_DAY_MAX_HOURS": 3}
    assert _rules(_save_log(school, hours="2.0")) == set()
    assert _rules(_save_log(school, hours="1.0")) == {FlagRule.HOURS_BEYOND_DAY}
    _refused(lambda: _save_log(school, hours="0.5"), "class_hours")


def test_editing_a_log_does_not_count_it_twice(school):
    _save_log(school, hours="4.0")
    log = _save_log(school, hours="4.0")
    log.note = "补记"
    services.save_class_hour(school.teacher, log, today=TODAY)  # 8.0 with itself counted once, not 12.0
    log.refresh_from_db()
    assert log.note == "补记"
    log.class_hours = Decimal("4.5")
    _refused(lambda: services.save_class_hour(school.teacher, log, today=TODAY), "class_hours")
    log.refresh_from_db()
    assert log.class_hours == Decimal("4.0"), "nothing saved"


def test_a_correction_withdraws_an_open_flag_and_a_changed_record_reopens_a_cleared_one(school):
    _save_log(school, hours="3.0")
    log = _save_log(school, hours="2.0")
    assert _rules(log) == {FlagRule.HOURS_BEYOND_DAY}
    log.class_hours = Decimal("1.0")
    services.save_class_hour(school.teacher, log, today=TODAY)
    assert _rules(log) == set(), "4.0 in the day now: the open flag goes"
    log.class_hours = Decimal("2.0")
    services.save_class_hour(school.teacher, log, today=TODAY)
    flag = flags_of(log).get()
    IntegrityFlag.objects.filter(pk=flag.pk).update(status=FlagStatus.CLEARED, review_reason="专题教育日")
    services.save_class_hour(school.teacher, log, today=TODAY)
    assert flags_of(log).get().status == FlagStatus.CLEARED, "the same record keeps its decision"
    log.class_hours = Decimal("4.0")
    services.save_class_hour(school.teacher, log, today=TODAY)
    flag = flags_of(log).get()
    assert flag.status == FlagStatus.OPEN and flag.evidence["hours_that_day"] == 7.0
    assert flag.evidence["earlier_review"]["status"] == FlagStatus.CLEARED
    assert flag.evidence["earlier_review"]["evidence"]["hours_that_day"] == 5.0


def test_a_service_call_meets_the_model_field_limits_too(school):
    _refused(lambda: _save_log(school, hours="9.9"), "class_hours")
    _refused(lambda: _save_log(school, hours="-4.0"), "class_hours")
    assert not ClassHourLog.objects.exists()


# --- students present -------------------------------------------------------------------------------------


def test_two_hundred_present_in_a_class_of_twelve_is_refused(school):
    messages = _refused(lambda: _save_log(school, present=200), "students_present")
    assert "200" in messages[0] and "12" in messages[0]
    _refused(lambda: _save_log(school, present=13), "students_present")
    assert _rules(_save_log(school, present=12)) == set(), "the whole class present is fine"
    assert ClassHourLog.objects.count() == 1


def test_the_roll_is_read_on_the_day_taught(school):
    gone, later = school.pupils[0], school.pupils[1]
    gone.left_on = DAY - datetime.timedelta(days=1)
    gone.save()
    later.left_on = DAY + datetime.timedelta(days=1)
    later.save()
    _refused(lambda: _save_log(school, present=12), "students_present")
    assert _save_log(school, present=11).pk, "a student who left after the lesson was still on the roll"


# --- dates ------------------------------------------------------------------------------------------------


def test_a_log_dated_2019_is_refused(school):
    SchoolYear.get_or_create_for(2019)
    messages = _refused(lambda: _save_log(school, day=datetime.date(2019, 10, 8)), "taught_on")
    assert "2025–2026" in messages[0], "outside the class's own school year"
    old_class = make_class(school, grade=8, number=1, year=SchoolYear.objects.get(start_year=2019))
    make_student(old_class)
    messages = _refused(
        lambda: _save_log(school, school_class=old_class, present=1, day=datetime.date(2019, 10, 8)), "taught_on"
    )
    assert "2019–2020" in messages[0], "that year closed for records long ago"
    assert not ClassHourLog.objects.exists()


def test_a_date_in_the_future_is_refused_and_today_is_not(school):
    _refused(lambda: _save_log(school, day=TODAY + datetime.timedelta(days=1), today=TODAY), "taught_on")
    assert _save_log(school, day=TODAY, today=TODAY).pk


def test_a_date_no_term_holds_is_refused(school, year):
    # The school closes for winter: term 1 ends on 16 January, term 2 starts on 23 February.
    Term.objects.filter(school_year=year, number=1).update(ends_on=datetime.date(2026, 1, 16))
    Term.objects.filter(school_year=year, number=2).update(starts_on=datetime.date(2026, 2, 23))
    today = datetime.date(2026, 3, 2)
    _refused(lambda: _save_log(school, day=datetime.date(2026, 2, 2), today=today), "taught_on")
    assert _save_log(school, day=datetime.date(2026, 2, 23), today=today).pk


def test_a_closed_school_year_takes_late_records_for_thirty_days_flagged(school, year):
    last_day = year.ends_on  # 31 August 2026
    june = datetime.date(2026, 6, 26)
    log = _save_log(school, day=june, today=last_day)
    assert _rules(log) == set(), "within its own year a log is not late"
    log = _save_log(school, day=june, today=last_day + datetime.timedelta(days=30))
    assert _rules(log) == {FlagRule.DATE_OUTSIDE_YEAR}
    assert flags_of(log).get().evidence == {
        "date": "2026-06-26",
        "school_year": "2025–2026",
        "year_ended_on": "2026-08-31",
        "accepted_until": "2026-09-30",
    }
    _refused(lambda: _save_log(school, day=june, today=last_day + datetime.timedelta(days=31)), "taught_on")


# --- activities -------------------------------------------------------------------------------------------


def _activity(school, **fields):
    values = {"school": school, "type": "class_meeting", "title": "禁毒讲座", "held_on": DAY, "participants": 0}
    values.update(fields)
    return Activity(**values)


def test_ninety_nine_thousand_participants_in_a_school_of_48_is_refused(school):
    activity = _activity(school, participants=99_999)
    messages = _refused(lambda: services.save_activity(school.teacher, activity, today=TODAY), "participants")
    assert "99999" in messages[0] and "48" in messages[0]
    _refused(
        lambda: services.save_activity(school.teacher, _activity(school, participants=49), today=TODAY), "participants"
    )
    assert not Activity.objects.exists()
    assert services.save_activity(school.teacher, _activity(school, participants=48), today=TODAY).pk


def test_participants_are_held_to_the_grade_or_the_classes_chosen(school):
    grade = _activity(school, grade=8, participants=13)
    _refused(lambda: services.save_activity(school.teacher, grade, today=TODAY), "participants")
    assert services.save_activity(school.teacher, _activity(school, grade=8, participants=12), today=TODAY).pk
    _refused(
        lambda: services.save_activity(school.teacher, _activity(school), {school.class_12: 200}, today=TODAY),
        "classes",
    )
    chosen = _activity(school, participants=99_999)
    _refused(lambda: services.save_activity(school.teacher, chosen, {school.class_12: 0}, today=TODAY), "participants")
    saved = services.save_activity(school.teacher, _activity(school), {school.class_12: 12}, today=TODAY)
    assert saved.participants == 12 and not flags_of(saved).exists()


def test_a_class_of_another_school_or_year_cannot_take_part(school, year):
    stranger = make_class(make_school(), year=year)
    _refused(lambda: services.save_activity(school.teacher, _activity(school), {stranger: 0}, today=TODAY), "classes")
    last_year = make_class(school, grade=9, number=1, year=SchoolYear.get_or_create_for(2024))
    _refused(lambda: services.save_activity(school.teacher, _activity(school), {last_year: 0}, today=TODAY), "held_on")


def test_an_activity_in_the_future_or_long_ago_is_refused(school):
    future = _activity(school, held_on=TODAY + datetime.timedelta(days=1), participants=10)
    _refused(lambda: services.save_activity(school.teacher, future, today=TODAY), "held_on")
    SchoolYear.get_or_create_for(2019)
    old = _activity(school, held_on=datetime.date(2019, 12, 9), participants=10)
    _refused(lambda: services.save_activity(school.teacher, old, today=TODAY), "held_on")
    assert not Activity.objects.exists()


def test_quiz_counted_participation_beyond_the_roll_is_flagged_not_refused(school, quiz):
    quiz.kind = "contest"
    quiz.save()
    for student in school.pupils[:2]:
        take_quiz(student, quiz, right=True)
    activity = services.save_activity(
        school.teacher, _activity(school, type="quiz", quiz=quiz, participants=99_999), today=TODAY
    )
    assert activity.participants == 2 and _rules(activity) == set(), "typed numbers are ignored, 2 ≤ 48"
    for student in school.pupils:
        student.left_on = DAY - datetime.timedelta(days=1)
        student.save()
    activity.title = "禁毒知识竞赛（补记）"
    services.save_activity(school.teacher, activity, today=TODAY)
    assert _rules(activity) == {FlagRule.PARTICIPANTS_OVER_ROLL}
    assert flags_of(activity).get().evidence["roll"] == 0


# --- forms and views --------------------------------------------------------------------------------------


def _hour_form(world, today, **extra):
    data = {
        "school_class": world.class_a.pk,
        "topic": "认识毒品",
        "taught_on": today.isoformat(),
        "class_hours": "1.0",
        "instructor_kind": "teacher",
        "instructor_name": "",
        "method": "classroom",
        "students_present": "2",
        "parts_covered": "",
        "minutes": "40",
        "engagement": "4",
        "note": "",
    }
    data.update(extra)
    return ClassHourForm(data, user=world.teacher, today=today)


def _current_day():
    # A day of the current school year (the forms offer only its classes), passed explicitly as "today".
    return SchoolYear.current().starts_on + datetime.timedelta(days=10)


def test_the_class_hour_form_shows_each_message_on_its_field(world):
    today = _current_day()
    assert _hour_form(world, today).is_valid()
    assert set(_hour_form(world, today, students_present="200").errors) == {"students_present"}
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert set(_hour_form(world, today, taught_on=tomorrow).errors) == {"taught_on"}
    ClassHourLog.objects.bulk_create([_log_for(world, today, "4.0"), _log_for(world, today, "4.0")])
    assert set(_hour_form(world, today, class_hours="0.5").errors) == {"class_hours"}


def _log_for(world, day, hours):
    return ClassHourLog(
        school_class=world.class_a,
        topic="x",
        taught_on=day,
        term=Term.for_date(day),
        class_hours=Decimal(hours),
        students_present=2,
        minutes=40,
        engagement=4,
        recorded_by=world.teacher,
    )


def test_the_activity_form_shows_participants_over_the_roll_on_its_field(world):
    today = _current_day()
    data = {
        "school": world.school.pk,
        "type": "class_meeting",
        "title": "禁毒讲座",
        "held_on": today.isoformat(),
        "participants": "99999",
    }
    form = ActivityForm(
        data, user=world.teacher, schools=type(world.school).objects.filter(pk=world.school.pk), today=today
    )
    assert set(form.errors) == {"participants"}
    data["participants"] = "3"  # the school's three students
    form = ActivityForm(
        data, user=world.teacher, schools=type(world.school).objects.filter(pk=world.school.pk), today=today
    )
    assert form.is_valid(), form.errors


def test_the_class_hour_page_refuses_and_saves_nothing(client, world):
    client.force_login(world.teacher)
    data = _hour_form(world, timezone.localdate()).data | {"students_present": "200"}
    response = client.post(reverse("classroom:class_hour_new"), data)
    assert response.status_code == 200
    assert "200" in response.context["form"].errors["students_present"][0]
    assert not ClassHourLog.objects.exists()
