"""告家长书: links that only their own family can open (guessing, expiry, revocation, another student's link),
the 签收 and home activity a parent gives without an account, the rates, and who may send and see them."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from classroom import letters
from classroom.models import LetterSend, ParentAcknowledgement, ParentLink
from lessons.models import ParentLetter
from people.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(db):
    letter = ParentLetter(
        locale=Locale.get_default(),
        title="致家长的一封信",
        body="<p>请和孩子一起读。</p>",
        activity_intro="聊一聊。",
        questions=[("question", "学到了什么？"), ("question", "怎么拒绝？")],
    )
    letter.save()
    letter.save_revision().publish()
    return letter


@pytest.fixture
def send(world, letter):
    return letters.send_letter(
        letter=letter,
        school_class=world.class_a,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        by=world.teacher,
    )


def _url(token: str) -> str:
    return reverse("parent_letter", args=[token])


def _tokens(send, world):
    return letters.links_for(send, [world.student, world.student_2])


def test_a_link_opens_its_own_student_page_only(client, world, send):
    tokens = _tokens(send, world)
    page = client.get(_url(tokens[world.student.pk])).content.decode()
    assert "三" in page and "张三" not in page  # the given name only, never the full name
    assert "李四" not in page and "四" not in page.split("for the parents of")[-1][:20]
    assert world.student.student_number not in page
    other = client.get(_url(tokens[world.student_2.pk])).content.decode()
    assert "张三" not in other and "李四" not in other
    assert tokens[world.student.pk] != tokens[world.student_2.pk]


def test_the_database_alone_holds_no_link(world, send):
    tokens = _tokens(send, world)
    for link in ParentLink.objects.filter(send=send):
        assert tokens[link.student_id] not in (link.salt, link.digest)
        assert link.digest == letters.digest_of(tokens[link.student_id])
    assert all(len(token) == letters.TOKEN_LENGTH for token in tokens.values())


def test_the_same_link_is_shown_again_until_it_is_reissued(world, send):
    first = _tokens(send, world)
    assert _tokens(send, world) == first
    assert ParentLink.objects.filter(send=send).count() == 2


def test_a_guessed_or_mangled_link_opens_nothing_and_guessing_is_stopped(client, world, send):
    token = _tokens(send, world)[world.student.pk]
    mangled = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(_url(mangled)).status_code == 404
    assert client.get(_url("x" * 10)).status_code == 404
    for _ in range(letters.MISS_LIMIT):
        client.get(_url("y" * letters.TOKEN_LENGTH))
    refused = client.get(_url(token))  # even a right link waits while its network is guessing
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


def test_an_expired_link_is_closed(client, world, send):
    token = _tokens(send, world)[world.student.pk]
    ParentLink.objects.filter(send=send).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(_url(token))
    assert response.status_code == 410
    assert client.post(_url(token), {"parent_name": "张爸爸", "relationship": "father"}).status_code == 410
    assert not ParentAcknowledgement.objects.exists()


def test_links_expire_two_weeks_after_the_acknowledge_by_date(world, send):
    _tokens(send, world)
    link = ParentLink.objects.filter(send=send).first()
    assert timezone.localtime(link.expires_at).date() == send.closes_on + datetime.timedelta(days=letters.LATE_DAYS)


def test_a_reissued_link_replaces_the_old_one_and_keeps_the_acknowledgement(client, world, send):
    old = _tokens(send, world)[world.student.pk]
    client.post(_url(old), {"parent_name": "张妈妈", "relationship": "mother"})
    new = letters.reissue(send, world.student, by=world.teacher)
    assert client.get(_url(old)).status_code == 410
    page = client.get(_url(new))
    assert page.status_code == 200 and "张妈妈" in page.content.decode()
    assert ParentAcknowledgement.objects.filter(send=send, student=world.student).count() == 1


def test_a_withdrawn_letter_opens_no_more(client, world, send):
    token = _tokens(send, world)[world.student.pk]
    letters.withdraw(send, by=world.teacher)
    assert client.get(_url(token)).status_code == 410


def test_a_parent_acknowledges_and_does_the_home_activity_then_cannot_sign_over_it(client, world, send):
    token = _tokens(send, world)[world.student.pk]
    response = client.post(
        _url(token),
        {
            "parent_name": "张爸爸 <b>",
            "relationship": "father",
            "answer_1": "不接受陌生人的饮料 A > B & C",
            "answer_2": "",
        },
    )
    assert response.status_code == 200  # the name refuses markup with a message, nothing saved
    assert not ParentAcknowledgement.objects.exists()
    response = client.post(
        _url(token), {"parent_name": "张爸爸", "relationship": "father", "answer_1": "不接受陌生人的饮料 A > B & C"}
    )
    assert response.status_code == 302
    ack = ParentAcknowledgement.objects.get()
    assert (ack.parent_name, ack.relationship) == ("张爸爸", "father")
    assert ack.answers == [{"question": "学到了什么？", "answer": "不接受陌生人的饮料 A > B & C"}]
    assert ack.activity_done_at is not None
    page = client.get(_url(token)).content.decode()
    assert "A &gt; B &amp; C" in page and "&amp;gt;" not in page  # escaped once
    client.post(_url(token), {"parent_name": "别人", "relationship": "mother", "answer_1": "改掉"})
    ack.refresh_from_db()
    assert ack.parent_name == "张爸爸" and ack.answers[0]["answer"].startswith("不接受")


def test_answers_may_follow_a_signature_given_without_them(client, world, send):
    token = _tokens(send, world)[world.student.pk]
    client.post(_url(token), {"parent_name": "张妈妈", "relationship": "mother"})
    ack = ParentAcknowledgement.objects.get()
    assert ack.activity_done_at is None
    client.post(_url(token), {"answer_2": "说不，然后离开"})
    ack.refresh_from_db()
    assert ack.parent_name == "张妈妈"
    assert ack.answers == [{"question": "怎么拒绝？", "answer": "说不，然后离开"}]


def test_rates_count_the_students_on_the_roll_only(client, world, send):
    tokens = _tokens(send, world)
    client.post(_url(tokens[world.student.pk]), {"parent_name": "张妈妈", "relationship": "mother", "answer_1": "好"})
    client.post(_url(tokens[world.student_2.pk]), {"parent_name": "李爸爸", "relationship": "father"})
    rates = letters.rates(send)
    assert (rates.asked, rates.acknowledged, rates.activity_done) == (2, 2, 1)
    assert (rates.acknowledged_percent, rates.activity_percent) == (100.0, 50.0)
    Enrollment.objects.filter(student=world.student_2).update(left_on=timezone.localdate() - datetime.timedelta(days=1))
    rates = letters.rates(send)
    assert (rates.asked, rates.acknowledged) == (1, 1)


def test_the_same_letter_cannot_be_sent_twice_to_a_class(world, letter, send):
    with pytest.raises(ValidationError):
        letters.send_letter(letter=letter, school_class=world.class_a, closes_on=send.closes_on, by=world.teacher)
    letters.send_letter(letter=letter, school_class=world.class_b, closes_on=send.closes_on, by=world.teacher_b)


def test_an_unpublished_letter_cannot_be_sent(world, letter):
    letter.unpublish()
    with pytest.raises(ValidationError):
        letters.send_letter(letter=letter, school_class=world.class_a, closes_on=timezone.localdate(), by=world.teacher)


def test_the_teacher_sends_from_the_class_page_and_sees_the_rates(client, world, letter):
    client.force_login(world.teacher)
    url = reverse("classroom:class_letters", args=[world.class_a.pk])
    closes = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"letter": letter.pk, "closes_on": closes})
    send = LetterSend.objects.get()
    assert response.status_code == 302 and response.url == reverse("classroom:letter_send", args=[send.pk])
    again = client.post(url, {"letter": letter.pk, "closes_on": closes})
    assert again.status_code == 200 and LetterSend.objects.count() == 1
    assert "errorlist" in again.content.decode() or "error" in again.content.decode()
    detail = client.get(reverse("classroom:letter_send", args=[send.pk])).content.decode()
    assert "张三" in detail and "李四" in detail
    slips = client.get(reverse("classroom:letter_slips", args=[send.pk]))
    assert slips.status_code == 200 and slips.content.decode().count("<svg") == 2
    assert slips["Referrer-Policy"] == "no-referrer"


def test_the_student_sees_her_own_parent_link_only(client, world, send):
    client.force_login(world.student.user)
    page = client.get(reverse("classroom:my_parent_letters")).content.decode()
    tokens = _tokens(send, world)
    assert tokens[world.student.pk] in page and tokens[world.student_2.pk] not in page
    client.force_login(world.student_b.user)
    assert tokens[world.student.pk] not in client.get(reverse("classroom:my_parent_letters")).content.decode()


@pytest.mark.parametrize("who", ["teacher_b", "other_teacher", "other_school_admin", "far_auditor", "editor"])
def test_other_classes_schools_districts_and_roles_are_refused(client, world, send, who):
    client.force_login(getattr(world, who))
    student = world.student
    for name, args in (
        ("classroom:class_letters", [world.class_a.pk]),
        ("classroom:letter_send", [send.pk]),
        ("classroom:letter_slips", [send.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name
    for name, args in (
        ("classroom:letter_withdraw", [send.pk]),
        ("classroom:letter_reissue", [send.pk, student.pk]),
    ):
        assert client.post(reverse(name, args=args)).status_code in (403, 404), name
    assert LetterSend.objects.get(pk=send.pk).withdrawn_at is None


def test_viewers_who_do_not_teach_the_class_see_rates_but_cannot_send_or_print(client, world, send, letter):
    client.force_login(world.auditor)
    assert client.get(reverse("classroom:letter_send", args=[send.pk])).status_code == 200
    assert client.get(reverse("classroom:letter_slips", args=[send.pk])).status_code == 403
    url = reverse("classroom:class_letters", args=[world.class_b.pk])
    assert client.post(url, {"letter": letter.pk, "closes_on": send.closes_on.isoformat()}).status_code == 403


def test_a_student_cannot_reach_the_teacher_pages(client, world, send):
    client.force_login(world.student.user)
    assert client.get(reverse("classroom:letter_send", args=[send.pk])).status_code in (403, 404)
    assert client.get(reverse("classroom:class_letters", args=[world.class_a.pk])).status_code in (403, 404)


def test_the_parent_page_keeps_the_link_to_itself(client, world, send):
    token = _tokens(send, world)[world.student.pk]
    response = client.get(_url(token))
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert re.search(r"隐私|Privacy", response.content.decode())


def test_the_english_reader_gets_the_translation_when_there_is_one(client, world, send, letter):
    english = Locale.objects.get(language_code="en")
    translated = letter.copy_for_translation(english)
    translated.title = "A letter to parents"
    translated.save()
    translated.save_revision().publish()
    token = _tokens(send, world)[world.student.pk]
    page = client.get("/en" + _url(token)).content.decode()
    assert "A letter to parents" in page


def test_a_data_export_of_the_student_holds_what_the_parents_entered(client, world, send):
    from people.privacy import student_data

    token = _tokens(send, world)[world.student.pk]
    client.post(_url(token), {"parent_name": "张妈妈", "relationship": "mother"})
    rows = student_data(world.student)["parent_acknowledgements"]
    assert rows and rows[0]["parent_name"] == "张妈妈"
