"""告家长书 through the notification channel: sending a letter tells each student asked, once, with a message
pointing at the page of her home that shows the slip's code; the message itself carries no parent's key."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from classroom import letters
from lessons.models import ParentLetter
from people.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(world):
    letter = ParentLetter(locale=Locale.get_default(), title="致家长的一封信", body="<p>请和孩子一起读。</p>")
    letter.save()
    letter.save_revision().publish()
    return letters.send_letter(
        letter=letter,
        school_class=world.class_a,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        by=world.teacher,
    )


def test_each_student_asked_is_told_once_where_the_slip_is(world, send):
    rows = Notification.objects.filter(kind="classroom.parent_letter")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([world.student.user_id, world.student_2.user_id])
    assert {row.url for row in rows} == {reverse("classroom:my_parent_letters")}
    assert all("致家长的一封信" in row.title for row in rows)
    world.student.user.refresh_from_db()
    assert world.student.user.unread_notifications == 1
    assert letters.tell_students(send) == 0, "a second run tells nobody again"
    assert rows.count() == 2


def test_the_message_carries_no_parents_key(world, send):
    tokens = letters.links_for(send, [world.student, world.student_2])
    for row in Notification.objects.filter(kind="classroom.parent_letter"):
        for token in tokens.values():
            assert token not in row.url and token not in row.body and token not in row.title


def test_students_of_other_classes_and_the_staff_are_not_told(world, send):
    told = set(Notification.objects.filter(kind="classroom.parent_letter").values_list("user_id", flat=True))
    for user in (world.student_b.user, world.other_student.user, world.far_student.user, world.teacher):
        assert user.pk not in told


def test_the_student_opens_the_message_and_finds_her_slip(client, world, send):
    client.force_login(world.student.user)
    page = client.get(reverse("classroom:my_parent_letters")).content.decode()
    token = letters.links_for(send, [world.student])[world.student.pk]
    assert "致家长的一封信" in page and token in page
    other = letters.links_for(send, [world.student_2])[world.student_2.pk]
    assert other not in page
