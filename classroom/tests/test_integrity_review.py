"""The review queue: deciding flags with a reason (audit-logged, atomic), deciding a device or network group at
once, and who may see and decide which flags."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.integrity import review
from classroom.integrity.describe import group_label
from classroom.integrity.flags import raise_flag
from classroom.models import ClassHourLog, FlagRule, FlagStatus, IntegrityFlag, LessonProgress
from core.clientid import network_key, new_device_id
from core.models import AuditEvent
from people.testing import make_role_user, make_student
from quizzes import services as quiz_services

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))
ROOM = network_key("10.20.30.40")  # one school computer room's network


def _progress(student, lesson, *, network=ROOM, device="") -> LessonProgress:
    return LessonProgress.objects.create(
        student=student,
        lesson=lesson,
        first_opened_at=NOW,
        last_seen_at=NOW,
        active_seconds=600,
        network=network,
        device_id=device,
    )


def _network_flag(student, lesson, school_class, *, group=ROOM, minutes=0) -> IntegrityFlag:
    record = _progress(student, lesson, network=group)
    return raise_flag(
        record,
        FlagRule.SHARED_NETWORK,
        school=student.school,
        school_class=school_class,
        student=student,
        group=group,
        evidence={"students": 3, "window_start": NOW.isoformat(), "network": group},
        now=NOW + datetime.timedelta(minutes=minutes),
    )


@pytest.fixture
def flag(world, lesson):
    """A shared-network flag on 张三's (class A of 青山一中) lesson progress."""
    return _network_flag(world.student, lesson, world.class_a)


def _events(action=None):
    events = AuditEvent.objects.filter(action__startswith="integrity.")
    return events.filter(action=action) if action else events


# --- the decisions ---------------------------------------------------------------------------------------


def test_confirm_with_a_reason_decides_the_flag_and_writes_an_audit_event(world, flag):
    review.confirm(flag, world.school_admin, "  机房同一时段多人登录同一账号  ", now=NOW)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED
    assert flag.reviewed_by == world.school_admin and flag.reviewed_at == NOW
    assert flag.review_reason == "机房同一时段多人登录同一账号"
    (event,) = _events()
    assert event.action == "integrity.confirmed" and event.actor == world.school_admin
    assert event.district_id == world.district.pk
    assert event.details["flag"] == flag.pk and event.details["rule"] == FlagRule.SHARED_NETWORK
    assert event.details["decision"] == FlagStatus.CONFIRMED
    assert event.details["reason"] == "机房同一时段多人登录同一账号"
    assert event.details["previous"] == FlagStatus.OPEN


def test_clear_with_a_reason_lets_the_record_count_again(world, flag):
    review.clear(flag, world.auditor, "计算机课统一上机，属实", now=NOW)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.reviewed_by == world.auditor
    (event,) = _events("integrity.cleared")
    assert event.details["reason"] == "计算机课统一上机，属实"


@pytest.mark.parametrize("reason", ["", "   \n\t ", None, "\x00\x07"])
def test_an_empty_reason_is_refused_and_nothing_is_saved(world, flag, reason):
    with pytest.raises(review.ReviewError):
        review.confirm(flag, world.school_admin, reason)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.reviewed_by is None and flag.review_reason == ""
    assert not _events().exists()


def test_a_reason_past_the_limit_is_refused(world, flag):
    with pytest.raises(review.ReviewError):
        review.clear(flag, world.school_admin, "理" * (review.REASON_MAX_LENGTH + 1))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


def test_a_decided_flag_can_be_decided_again_and_the_trail_keeps_both(world, flag):
    review.clear(flag, world.school_admin, "看起来正常", now=NOW)
    review.confirm(flag, world.bureau_admin, "抽查发现是代刷", now=NOW + datetime.timedelta(hours=1))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.review_reason == "抽查发现是代刷"
    first, second = _events().order_by("pk")
    assert (first.details["decision"], first.details["previous"]) == (FlagStatus.CLEARED, FlagStatus.OPEN)
    assert (second.details["decision"], second.details["previous"]) == (FlagStatus.CONFIRMED, FlagStatus.CLEARED)
    assert first.details["reason"] == "看起来正常"


def test_two_decisions_of_one_flag_at_once_cannot_mix(world, flag):
    """Two reviewers load the same open flag; the second decision finds it changed and is refused whole."""
    seen_by_admin = IntegrityFlag.objects.get(pk=flag.pk)
    seen_by_bureau = IntegrityFlag.objects.get(pk=flag.pk)
    review.confirm(seen_by_admin, world.school_admin, "确认代刷", now=NOW)
    with pytest.raises(review.ReviewError):
        review.clear(seen_by_bureau, world.bureau_admin, "属实", now=NOW + datetime.timedelta(seconds=1))
    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by, flag.review_reason) == (
        FlagStatus.CONFIRMED,
        world.school_admin,
        "确认代刷",
    )
    assert _events().count() == 1


def test_a_reviewer_outside_the_school_is_refused_by_the_function_itself(world, flag):
    from django.core.exceptions import PermissionDenied

    for user in (world.other_school_admin, world.far_auditor, world.teacher, world.student.user):
        with pytest.raises(PermissionDenied):
            review.clear(flag, user, "理由")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


# --- group decisions -------------------------------------------------------------------------------------


def test_a_computer_room_is_cleared_in_one_step_within_the_reviewers_school(world, lesson, flag):
    second = _network_flag(world.student_2, lesson, world.class_a, minutes=1)
    third = _network_flag(world.student_b, lesson, world.class_b, minutes=2)
    review.confirm(third, world.school_admin, "王五当天请假，确认代刷", now=NOW)
    # The same network hash in another school (not hers) and another network in her school stay as they are.
    elsewhere = _network_flag(world.other_student, lesson, world.other_class, minutes=3)
    other_room = _network_flag(make_student(world.class_a), lesson, world.class_a, group=network_key("10.9.9.9"))

    decided = review.clear_group(ROOM, world.school_admin, "机房统一上课", now=NOW)

    assert {f.pk for f in decided} == {flag.pk, second.pk}
    statuses = dict(IntegrityFlag.objects.values_list("pk", "status"))
    assert statuses[flag.pk] == statuses[second.pk] == FlagStatus.CLEARED
    assert statuses[third.pk] == FlagStatus.CONFIRMED  # decided one by one: kept
    assert statuses[elsewhere.pk] == statuses[other_room.pk] == FlagStatus.OPEN
    cleared = _events("integrity.cleared")
    assert {e.details["flag"] for e in cleared} == {flag.pk, second.pk}
    assert all(e.details["reason"] == "机房统一上课" and e.details["by_group"] for e in cleared)


def test_a_bureau_officer_decides_a_group_across_the_schools_of_her_district(world, lesson, flag):
    elsewhere = _network_flag(world.other_student, lesson, world.other_class, minutes=3)
    far = _network_flag(world.far_student, lesson, world.far_class, minutes=4)
    decided = review.confirm_group(ROOM, world.auditor, "区里统一核查：代刷", now=NOW)
    assert {f.pk for f in decided} == {flag.pk, elsewhere.pk}
    far.refresh_from_db()
    assert far.status == FlagStatus.OPEN


def test_a_group_decision_leaves_flags_raised_after_the_page_was_shown(world, lesson, flag):
    later = _network_flag(world.student_2, lesson, world.class_a, minutes=30)
    review.clear_group(ROOM, world.school_admin, "机房统一上课", up_to=flag.pk, now=NOW)
    later.refresh_from_db()
    assert later.status == FlagStatus.OPEN


def test_a_group_decision_needs_a_reason_and_an_open_flag(world, flag):
    with pytest.raises(review.ReviewError):
        review.clear_group(ROOM, world.school_admin, "  ")
    with pytest.raises(review.ReviewError):
        review.clear_group("", world.school_admin, "理由")
    with pytest.raises(review.ReviewError):  # nothing of this group in her school
        review.clear_group(ROOM, world.other_school_admin, "理由")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


# --- the pages -------------------------------------------------------------------------------------------


def _decide_url(flag):
    return reverse("classroom:integrity_decide", args=[flag.pk])


def _post_decision(client, flag, decision="clear", reason="机房统一上课", **extra):
    from classroom.views.integrity import state_token

    data = {"decision": decision, "reason": reason, "seen": state_token(flag), **extra}
    return client.post(_decide_url(flag), data)


def test_the_queue_shows_the_evidence_in_words_and_never_the_raw_group(client, world, flag):
    client.force_login(world.school_admin)
    response = client.get(reverse("classroom:integrity_queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张三" in body and "1001" in body
    assert str(FlagRule.SHARED_NETWORK.label) in body
    assert group_label(flag) in body  # "Network 1A2B3C"
    assert ROOM not in body  # the hash is neither shown nor put into a URL
    assert reverse("classroom:class_progress", args=[world.class_a.pk]) in body
    assert reverse("classroom:integrity_group", args=[flag.pk]) in body
    assert 'name="reason"' in body and _decide_url(flag) in body


def test_a_completion_after_a_staff_password_reset_shows_in_the_school_and_bureau_queues(client, world, lesson):
    """The teacher-reset scenario of issue 13: once the rule has flagged it, both reviewers find it in their queue."""
    staff_device = new_device_id()
    record = _progress(world.student, lesson, device=staff_device)
    flag = raise_flag(
        record,
        FlagRule.AFTER_PASSWORD_RESET,
        school=world.school,
        school_class=world.class_a,
        student=world.student,
        group=staff_device,
        evidence={"reset_at": (NOW - datetime.timedelta(minutes=12)).isoformat(), "minutes_after_reset": 12},
        now=NOW,
    )
    for reviewer in (world.school_admin, world.auditor):
        client.force_login(reviewer)
        response = client.get(reverse("classroom:integrity_queue"), {"rule": FlagRule.AFTER_PASSWORD_RESET})
        assert [item["flag"].pk for item in response.context["items"]] == [flag.pk]
        body = response.content.decode()
        assert "张三" in body and group_label(flag) in body and staff_device not in body
        assert "2026-11-20 09:48" in body  # the reset time as a reader writes it, not an ISO string


def test_a_device_group_is_labelled_as_a_device(client, world, lesson):
    device = new_device_id()
    record = _progress(world.student, lesson, device=device)
    flag = raise_flag(
        record, FlagRule.SHARED_DEVICE, school=world.school, student=world.student, group=device, evidence={"d": device}
    )
    client.force_login(world.school_admin)
    body = client.get(reverse("classroom:integrity_flag", args=[flag.pk])).content.decode()
    assert group_label(flag).startswith("Device") or group_label(flag).startswith("设备")
    assert group_label(flag) in body and device not in body


def test_a_school_admin_clears_a_flag_by_post_and_returns_to_the_queue(client, world, flag):
    client.force_login(world.school_admin)
    queue = reverse("classroom:integrity_queue") + "?status=open"
    response = _post_decision(client, flag, next=queue)
    assert response.status_code == 302 and response["Location"] == queue
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.reviewed_by == world.school_admin
    assert _events("integrity.cleared").get().actor == world.school_admin


def test_an_outside_next_address_is_not_followed(client, world, flag):
    client.force_login(world.school_admin)
    response = _post_decision(client, flag, next="https://evil.example/")
    assert response["Location"] == reverse("classroom:integrity_flag", args=[flag.pk])


def test_an_empty_reason_by_post_shows_a_focused_error_summary_and_saves_nothing(client, world, flag):
    client.force_login(world.school_admin)
    response = _post_decision(client, flag, reason="   ")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary" role="alert" tabindex="-1" autofocus' in body
    assert "Give the reason for your decision." in body or "请写明" in body
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


def test_a_decision_on_a_page_gone_stale_is_refused(client, world, flag):
    client.force_login(world.school_admin)
    stale = IntegrityFlag.objects.get(pk=flag.pk)
    review.confirm(flag, world.auditor, "区里已确认", now=NOW)
    response = _post_decision(client, stale, decision="clear")
    assert response.status_code == 200 and b"error-summary" in response.content
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.review_reason == "区里已确认"


def test_decisions_are_post_only(client, world, flag):
    client.force_login(world.school_admin)
    assert client.get(_decide_url(flag)).status_code == 405
    assert client.get(reverse("classroom:integrity_group_decide", args=[flag.pk])).status_code == 405


def test_the_group_page_lists_the_group_and_decides_it_all(client, world, lesson, flag):
    second = _network_flag(world.student_2, lesson, world.class_a, minutes=1)
    client.force_login(world.school_admin)
    url = reverse("classroom:integrity_group", args=[flag.pk])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "张三" in body and "李四" in body and ROOM not in body
    up_to = response.context["form"].initial["up_to"]
    assert up_to == second.pk
    decide = reverse("classroom:integrity_group_decide", args=[flag.pk])
    response = client.post(decide, {"decision": "clear", "reason": "机房统一上课", "up_to": up_to})
    assert response.status_code == 302
    assert set(IntegrityFlag.objects.values_list("status", flat=True)) == {FlagStatus.CLEARED}
    assert _events("integrity.cleared").count() == 2


def test_the_group_form_refuses_an_empty_reason(client, world, lesson, flag):
    client.force_login(world.school_admin)
    decide = reverse("classroom:integrity_group_decide", args=[flag.pk])
    response = client.post(decide, {"decision": "confirm", "reason": "", "up_to": flag.pk})
    assert response.status_code == 200 and b"error-summary" in response.content
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


def test_a_flag_without_a_group_has_no_group_page(client, world, lesson):
    log = services.save_class_hour(
        world.teacher,
        ClassHourLog(
            school_class=world.class_a,
            taught_on=timezone.localdate(),
            class_hours=4,
            students_present=1,
            minutes=45,
            engagement=4,
            teacher=world.teacher,
            recorded_by=world.teacher,
        ),
    )
    flag = raise_flag(
        log, FlagRule.HOURS_BEYOND_DAY, school=world.school, school_class=world.class_a, evidence={"hours": 12}
    )
    client.force_login(world.school_admin)
    assert client.get(reverse("classroom:integrity_group", args=[flag.pk])).status_code == 404
    body = client.get(reverse("classroom:integrity_flag", args=[flag.pk])).content.decode()
    assert reverse("classroom:class_hour_edit", args=[log.pk]) in body  # the record, linked


def test_a_quiz_attempt_flag_names_the_quiz_and_links_its_results(client, world, quiz):
    attempt = quiz_services.start_or_resume_attempt(world.student, quiz, check_access=False)
    flag = raise_flag(
        attempt, FlagRule.TOO_FAST, school=world.school, school_class=world.class_a, student=world.student
    )
    client.force_login(world.bureau_admin)
    body = client.get(reverse("classroom:integrity_flag", args=[flag.pk])).content.decode()
    assert quiz.title in body and reverse("quizzes:results", args=[quiz.pk]) in body


# --- who may see and decide ------------------------------------------------------------------------------


OUTSIDERS = ("other_school_admin", "far_auditor", "teacher_b", "other_teacher")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_the_flag_its_group_and_both_decisions(client, world, flag, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("classroom:integrity_flag", args=[flag.pk])).status_code == 404
    assert client.get(reverse("classroom:integrity_group", args=[flag.pk])).status_code == 404
    assert _post_decision(client, flag).status_code == 404
    group_decide = reverse("classroom:integrity_group_decide", args=[flag.pk])
    assert client.post(group_decide, {"decision": "clear", "reason": "x", "up_to": flag.pk}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_queue_of_an_outsider_does_not_list_the_flag(client, world, flag, who):
    client.force_login(getattr(world, who))
    response = client.get(reverse("classroom:integrity_queue"), {"status": ""})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "张三" not in response.content.decode()


def test_a_student_is_refused_everywhere(client, world, flag):
    client.force_login(world.student.user)  # even the student the flag is about
    assert client.get(reverse("classroom:integrity_queue")).status_code == 403
    assert client.get(reverse("classroom:integrity_flag", args=[flag.pk])).status_code == 403
    assert client.get(reverse("classroom:integrity_group", args=[flag.pk])).status_code == 403
    assert _post_decision(client, flag).status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_the_class_teacher_reads_her_classes_flags_but_cannot_decide(client, world, lesson, flag):
    other_class = _network_flag(world.student_b, lesson, world.class_b, minutes=1)
    client.force_login(world.teacher)
    response = client.get(reverse("classroom:integrity_queue"))
    assert [item["flag"].pk for item in response.context["items"]] == [flag.pk]
    assert 'name="reason"' not in response.content.decode()
    assert client.get(reverse("classroom:integrity_flag", args=[flag.pk])).status_code == 200
    assert client.get(reverse("classroom:integrity_flag", args=[other_class.pk])).status_code == 404
    assert _post_decision(client, flag).status_code == 403
    group_decide = reverse("classroom:integrity_group_decide", args=[flag.pk])
    assert client.post(group_decide, {"decision": "clear", "reason": "x", "up_to": flag.pk}).status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events().exists()


def test_the_queue_lists_only_flags_in_scope(client, world, lesson, flag):
    mine_b = _network_flag(world.student_b, lesson, world.class_b, minutes=1)
    other = _network_flag(world.other_student, lesson, world.other_class, minutes=2)
    far = _network_flag(world.far_student, lesson, world.far_class, minutes=3)
    expected = {
        world.school_admin: {flag.pk, mine_b.pk},
        world.other_school_admin: {other.pk},
        world.auditor: {flag.pk, mine_b.pk, other.pk},
        world.far_auditor: {far.pk},
        world.teacher_b: {mine_b.pk},
        world.grade_leader: {flag.pk, mine_b.pk},
    }
    for user, ids in expected.items():
        client.force_login(user)
        response = client.get(reverse("classroom:integrity_queue"))
        assert {item["flag"].pk for item in response.context["items"]} == ids, user.username


def test_content_staff_have_no_queue(client, world, flag):
    client.force_login(world.editor)
    assert client.get(reverse("classroom:integrity_queue")).status_code == 403


def test_the_menu_offers_the_queue_to_those_who_use_it(client, world):
    from core.navigation import nav_for

    def has_item(user):
        return any(item["key"] == "integrity" for item in nav_for(user))

    assert has_item(world.school_admin) and has_item(world.auditor) and has_item(world.teacher)
    assert not has_item(world.student.user) and not has_item(world.editor)


# --- filters and paging ----------------------------------------------------------------------------------


def test_the_queue_filters_by_status_rule_school_and_class(client, world, lesson, flag):
    mine_b = _network_flag(world.student_b, lesson, world.class_b, minutes=1)
    other = _network_flag(world.other_student, lesson, world.other_class, minutes=2)
    fast = raise_flag(
        _progress(world.student_2, lesson),
        FlagRule.TOO_FAST,
        school=world.school,
        school_class=world.class_a,
        student=world.student_2,
        now=NOW,
    )
    review.clear(mine_b, world.school_admin, "属实", now=NOW)
    client.force_login(world.auditor)
    queue = reverse("classroom:integrity_queue")

    def listed(**params):
        response = client.get(queue, params)
        assert response.status_code == 200
        return {item["flag"].pk for item in response.context["items"]}

    assert listed() == {flag.pk, other.pk, fast.pk}  # open by default
    assert listed(status="") == {flag.pk, mine_b.pk, other.pk, fast.pk}
    assert listed(status="cleared") == {mine_b.pk}
    assert listed(rule=FlagRule.TOO_FAST) == {fast.pk}
    assert listed(school=world.other_school.pk) == {other.pk}
    assert listed(status="", school=world.school.pk, school_class=world.class_b.pk) == {mine_b.pk}
    # A school outside her district is not a choice: the filter is refused with an error, never widening her scope.
    response = client.get(queue, {"school": world.far_school.pk})
    assert b"error-summary" in response.content and not response.context["filters"].is_valid()


def test_the_school_admin_filters_by_class_without_choosing_her_school(client, world, lesson, flag):
    mine_b = _network_flag(world.student_b, lesson, world.class_b, minutes=1)
    client.force_login(world.school_admin)
    response = client.get(reverse("classroom:integrity_queue"), {"school_class": world.class_b.pk})
    assert not response.context["filters"].show_school and response.context["filters"].show_class
    assert [item["flag"].pk for item in response.context["items"]] == [mine_b.pk]


def test_the_queue_is_paged(client, world, lesson):
    for number in range(30):
        student = make_student(world.class_a)
        _network_flag(student, lesson, world.class_a, minutes=number)
    client.force_login(world.school_admin)
    queue = reverse("classroom:integrity_queue")
    first = client.get(queue)
    assert len(first.context["items"]) == 25 and first.context["page"].has_next()
    assert 'rel="next"' in first.content.decode()
    second = client.get(queue, {"page": 2, "status": "open"})
    assert len(second.context["items"]) == 5


def test_the_queue_costs_the_same_for_five_flags_or_twenty_five(client, world, lesson, django_assert_max_num_queries):
    for number in range(25):
        _network_flag(make_student(world.class_a), lesson, world.class_a, minutes=number)
    client.force_login(world.school_admin)
    client.get(reverse("classroom:integrity_queue"))  # warm the session and content-type caches
    with django_assert_max_num_queries(20):
        client.get(reverse("classroom:integrity_queue"))


def test_a_bureau_admin_who_also_runs_a_school_reviews_both(world, flag):
    from people.models import Role, RoleKind

    officer = make_role_user(RoleKind.BUREAU_ADMIN, district=world.other_district)
    Role.objects.create(user=officer, kind=RoleKind.SCHOOL_ADMIN, school=world.school)
    review.clear(flag, officer, "核实无误", now=NOW)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED


def test_a_staff_member_cannot_decide_flags_about_her_own_password_resets(world):
    from classroom.integrity import review
    from classroom.integrity.flags import raise_flag
    from classroom.models import FlagRule

    admin = world.school_admin
    record = world.student  # any saved model will do as the flag's subject
    mine = raise_flag(
        record.user,
        FlagRule.AFTER_PASSWORD_RESET,
        school=world.school,
        evidence={"reset_by": {"id": admin.pk, "name": admin.full_name}},
    )
    other = raise_flag(
        record,
        FlagRule.AFTER_PASSWORD_RESET,
        school=world.school,
        evidence={"reset_by": {"id": admin.pk + 1000, "name": "另一位老师"}},
    )
    assert not review.can_review(admin, mine)
    assert review.can_review(admin, other)
    assert list(review.reviewable_flags(admin).filter(pk__in=[mine.pk, other.pk])) == [other]
