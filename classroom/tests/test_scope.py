"""A teacher cannot assign to, see, or export another teacher's class unless she leads the grade."""

import pytest
from django.urls import reverse

from classroom import services
from classroom.models import Assignment


def _client(client, user):
    client.force_login(user)
    return client


def _assign_post(client, school_class, lesson, week):
    return client.post(
        reverse("classroom:assign"),
        {
            "kind": "lesson",
            "lesson": lesson.pk,
            "classes": [school_class.pk],
            "starts_on": week["starts_on"].isoformat(),
            "due_on": week["due_on"].isoformat(),
            "note": "<p>读完</p><script>alert(1)</script>",
        },
    )


def test_teacher_assigns_to_her_class_and_the_note_is_sanitised(client, world, lesson, week):
    response = _assign_post(_client(client, world.teacher), world.class_a, lesson, week)
    assert response.status_code == 302
    assignment = Assignment.objects.get(school_class=world.class_a)
    assert assignment.lesson_id == lesson.pk and assignment.created_by == world.teacher
    assert "<script" not in assignment.note and "读完" in assignment.note


def test_teacher_cannot_assign_to_another_teachers_class(client, world, lesson, week):
    response = _assign_post(_client(client, world.teacher), world.class_b, lesson, week)
    assert response.status_code == 200  # the form refuses the choice
    assert not Assignment.objects.exists()


def test_grade_leader_assigns_to_every_class_of_her_grade(client, world, lesson, week):
    client = _client(client, world.grade_leader)
    for school_class in (world.class_a, world.class_b):
        assert _assign_post(client, school_class, lesson, week).status_code == 302
    assert _assign_post(client, world.other_class, lesson, week).status_code == 200
    assert set(Assignment.objects.values_list("school_class_id", flat=True)) == {world.class_a.pk, world.class_b.pk}


@pytest.mark.parametrize("name", ["class_progress", "class_export_csv", "class_export_xlsx"])
def test_teacher_cannot_see_or_export_another_class(client, world, name):
    client = _client(client, world.teacher)
    for school_class in (world.class_b, world.other_class, world.far_class):
        if name == "class_progress":
            url = reverse("classroom:class_progress", args=[school_class.pk])
        else:
            url = reverse("classroom:class_export", args=[school_class.pk, name.rsplit("_", 1)[1]])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "grade_leader", "school_admin", "auditor"])
def test_who_may_see_class_a_progress(client, world, who):
    response = _client(client, getattr(world, who)).get(reverse("classroom:class_progress", args=[world.class_a.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "who", ["teacher_b", "other_teacher", "other_school_admin", "far_auditor", "student", "editor"]
)
def test_who_may_not_see_class_a_progress(client, world, who):
    user = getattr(world, who)
    user = user.user if hasattr(user, "user") else user
    response = _client(client, user).get(reverse("classroom:class_progress", args=[world.class_a.pk]))
    assert response.status_code == 404


def test_change_and_withdraw_stay_in_scope_and_keep_history(client, world, lesson, week):
    (assignment,) = services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    change = reverse("classroom:assignment_change", args=[assignment.pk])
    withdraw = reverse("classroom:assignment_withdraw", args=[assignment.pk])
    other = _client(client, world.teacher_b)
    assert other.get(change).status_code == 404
    assert other.post(withdraw).status_code == 404
    client.logout()
    # The auditor may see the class but not change its work.
    auditor = _client(client, world.auditor)
    assert auditor.post(withdraw).status_code == 403
    client.logout()
    own = _client(client, world.teacher)
    data = {"starts_on": week["starts_on"].isoformat(), "due_on": week["due_on"].isoformat(), "note": "新的说明"}
    assert own.post(change, data).status_code == 302
    assert own.post(withdraw).status_code == 302
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None and assignment.note == "新的说明"
    from classroom.history import revisions_of

    assert [r.action for r in revisions_of(assignment)] == ["withdrawn", "changed", "created"]
    assert revisions_of(assignment).last().snapshot["note"] == ""


def test_anonymous_is_sent_to_sign_in_and_students_are_refused_teacher_pages(client, world):
    response = client.get(reverse("classroom:my_classes"))
    assert response.status_code == 302 and "signin" in response["Location"]
    client.force_login(world.student.user)
    assert client.get(reverse("classroom:my_classes")).status_code == 403
    assert client.get(reverse("classroom:assign")).status_code == 403
    assert client.get(reverse("classroom:class_hours")).status_code == 403
