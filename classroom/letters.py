"""告家长书: sending a letter to a class, the parents' links, their 签收 and home activity, and the rates.

The link is the parent's only key (no account), so:
- it is 192 random-looking bits: the HMAC of a random per-link salt under the server's secret (Django's
  `salted_hmac`), so the slip and the student's home can show it again while the database alone (salt and
  SHA-256 digest) reveals no link;
- it is per student and per sending, opens one student's page only, expires `LATE_DAYS` after the sending's
  acknowledge-by date, and is revoked when a teacher reissues it (a lost slip) or withdraws the sending;
- misses are counted per network, and a network that guesses is refused for a while.
Who is asked is people.membership's roll of the class today: one definition for the rates and the slips.
"""

import base64
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import audit, ratelimit
from core.sanitize import clean_plain
from lessons.models import ParentLetter
from people import membership
from people.models import SchoolClass, Student
from people.notifications import notify

from .models import LetterSend, ParentAcknowledgement, ParentLink

KEY_SALT = "qingdun.classroom.parent-link"
TOKEN_LENGTH = 32  # base64url characters: 192 bits
LATE_DAYS = 14  # a parent may still acknowledge two weeks after the date (shown as late)
MISS_SCOPE = "parent-link-miss"
MISS_LIMIT = 20
MISS_WINDOW = 15 * 60
ANSWER_LENGTH = 500


def token_of(link: ParentLink) -> str:
    mac = salted_hmac(KEY_SALT, link.salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).decode()[:TOKEN_LENGTH]


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry_of(send: LetterSend) -> datetime.datetime:
    last_day = send.closes_on + datetime.timedelta(days=LATE_DAYS)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))


def sendable_letters():
    """Live letters in the default language; a parent sees the translation of the same letter if there is one."""
    from wagtail.models import Locale

    return ParentLetter.objects.filter(live=True, locale=Locale.get_default()).order_by("title")


def open_sends(school_class: SchoolClass):
    return LetterSend.objects.filter(school_class=school_class, withdrawn_at__isnull=True).select_related("letter")


def send_letter(*, letter: ParentLetter, school_class: SchoolClass, closes_on: datetime.date, by, request=None):
    if not letter.live:
        raise ValidationError(_("Only a published letter can be sent."))
    now = timezone.now()
    if closes_on < timezone.localdate(now):
        raise ValidationError(_("The acknowledge-by date has passed."))
    try:
        with transaction.atomic():
            send = LetterSend.objects.create(
                letter=letter, school_class=school_class, sent_by=by, sent_at=now, closes_on=closes_on
            )
    except IntegrityError:
        raise ValidationError(
            _("“%(letter)s” has already been sent to %(class)s; its parents already have their links.")
            % {"letter": letter.title, "class": school_class.name}
        ) from None
    audit.record(
        "classroom.letter_sent",
        request=request,
        actor=by,
        target=str(send),
        district_id=school_class.school.district_id,
        letter=letter.pk,
        school_class=school_class.pk,
    )
    tell_students(send)
    return send


def tell_students(send: LetterSend) -> int:
    """The notification channel's part of the link: each student asked gets an inbox message pointing at the
    page of her home that shows the slip's QR code and link. The message carries no token, because mail and the
    webhook copy it out of the platform; a parent's key is shown only to the signed-in student. Once per student
    and sending (the dedupe key); returns how many messages are new."""
    values = {"letter": send.letter.title, "date": send.closes_on.isoformat()}
    # Written in the site's language, as the reminders are, whatever language the teacher reads.
    with override(settings.LANGUAGE_CODE):
        return len(
            notify(
                [student.user for student in asked_students(send)],
                "classroom.parent_letter",
                _("A letter for your parents: %(letter)s") % values,
                _(
                    "Show your parents the code on your page “Letters for my parents”: they scan it with a phone, "
                    "read the letter and acknowledge it by %(date)s."
                )
                % values,
                reverse("classroom:my_parent_letters"),
                f"classroom.parent_letter:s{send.pk}",
            )
        )


def withdraw(send: LetterSend, *, by, request=None) -> None:
    now = timezone.now()
    with transaction.atomic():
        send.withdrawn_at = now
        send.save(update_fields=["withdrawn_at"])  # a save, so the figures hear that its 签收 stop counting
        ParentLink.objects.filter(send=send, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(
        "classroom.letter_withdrawn",
        request=request,
        actor=by,
        target=str(send),
        district_id=send.school_class.school.district_id,
    )


def asked_students(send: LetterSend) -> list[Student]:
    """The parents asked are those of the students on the class's roll (people.membership decides)."""
    students = membership.students_on_roll(send.school_class).select_related("user")
    return sorted(students, key=lambda s: s.student_number)


def _issue(send: LetterSend, student: Student, now) -> ParentLink:
    link = ParentLink(send=send, student=student, salt=secrets.token_hex(16), issued_at=now, expires_at=expiry_of(send))
    link.digest = digest_of(token_of(link))
    link.save()
    return link


def links_for(send: LetterSend, students) -> dict[int, str]:
    """A live link for each student (made when first needed), as {student id: token}."""
    now = timezone.now()
    live = {link.student_id: link for link in ParentLink.objects.filter(send=send, revoked_at__isnull=True)}
    tokens = {}
    for student in students:
        link = live.get(student.pk)
        if link is None:
            try:
                with transaction.atomic():
                    link = _issue(send, student, now)
            except IntegrityError:  # made by a concurrent request for the same student
                link = ParentLink.objects.get(send=send, student=student, revoked_at__isnull=True)
        tokens[student.pk] = token_of(link)
    return tokens


def reissue(send: LetterSend, student: Student, *, by, request=None) -> str:
    """A lost or shared slip: the old link stops working, a new one is made. An acknowledgement already given stays."""
    now = timezone.now()
    with transaction.atomic():
        ParentLink.objects.filter(send=send, student=student, revoked_at__isnull=True).update(revoked_at=now)
        link = _issue(send, student, now)
    audit.record(
        "classroom.parent_link_reissued",
        request=request,
        actor=by,
        target=student.user.get_username(),
        district_id=send.school_class.school.district_id,
        send=send.pk,
    )
    return token_of(link)


@dataclass(frozen=True)
class Found:
    link: ParentLink | None
    refusal: str = ""  # "", "unknown", "revoked", "expired", "withdrawn", "limited"
    retry_after: int = 0


def find(token: str, request) -> Found:
    """The link a token opens, or why it opens nothing. Misses count against the caller's network."""
    network = ratelimit.client_ident(request, key="ip")
    waited = ratelimit.blocked_for(MISS_SCOPE, network, MISS_LIMIT, MISS_WINDOW)
    if waited:
        return Found(None, "limited", waited)
    link = None
    if len(token) == TOKEN_LENGTH:
        link = (
            ParentLink.objects.select_related("send__letter", "send__school_class__school", "student__user")
            .filter(digest=digest_of(token))
            .first()
        )
    if link is None or not constant_time_compare(token_of(link), token):
        ratelimit.hit(MISS_SCOPE, network, MISS_LIMIT, MISS_WINDOW)
        return Found(None, "unknown")
    if link.send.withdrawn_at is not None:
        return Found(link, "withdrawn")
    if link.revoked_at is not None:
        return Found(link, "revoked")
    if timezone.now() > link.expires_at:
        return Found(link, "expired")
    if link.opened_at is None:
        ParentLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
    return Found(link)


def acknowledgement_of(link: ParentLink) -> ParentAcknowledgement | None:
    return ParentAcknowledgement.objects.filter(send_id=link.send_id, student_id=link.student_id).first()


def acknowledge(link: ParentLink, *, parent_name: str, relationship: str, answers: list[str]) -> ParentAcknowledgement:
    """签收, and the home activity's answers when given. A second visit may add the answers, never replace the
    signature: the first 签收 is the record the school keeps."""
    now = timezone.now()
    questions = link.send.letter.question_texts
    kept = [
        {"question": question, "answer": clean_plain(answer, multiline=True)[:ANSWER_LENGTH]}
        for question, answer in zip(questions, answers, strict=False)
        if clean_plain(answer, multiline=True)
    ]
    with transaction.atomic():
        ack, created = ParentAcknowledgement.objects.select_for_update().get_or_create(
            send_id=link.send_id,
            student_id=link.student_id,
            defaults={
                "link": link,
                "parent_name": parent_name,
                "relationship": relationship,
                "acknowledged_at": now,
                "answers": kept,
                "activity_done_at": now if kept else None,
            },
        )
        if not created and kept and not ack.activity_done_at:
            ack.answers = kept
            ack.activity_done_at = now
            ack.save(update_fields=["answers", "activity_done_at"])
    return ack


@dataclass(frozen=True)
class LetterRates:
    asked: int
    acknowledged: int
    activity_done: int

    @property
    def acknowledged_percent(self) -> float | None:
        return round(100 * self.acknowledged / self.asked, 1) if self.asked else None

    @property
    def activity_percent(self) -> float | None:
        return round(100 * self.activity_done / self.asked, 1) if self.asked else None


def rates(send: LetterSend) -> LetterRates:
    """Counts over the students asked (on the roll today); an acknowledgement for a student who left is not counted."""
    asked = {s.pk for s in asked_students(send)}
    rows = ParentAcknowledgement.objects.filter(send=send, student_id__in=asked).values_list(
        "activity_done_at", flat=True
    )
    done = list(rows)
    return LetterRates(len(asked), len(done), sum(1 for d in done if d is not None))


def first_name(student: Student) -> str:
    """What the parent's page shows of the child: the given name without the surname (or the first word)."""
    full = (student.user.full_name or "").strip()
    if " " in full:
        return full.split()[0]
    if len(full) >= 4 and full[:2] in COMPOUND_SURNAMES:
        return full[2:]
    return full[1:] if len(full) >= 2 else full


COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙"}


def asked_students_queryset(send: LetterSend):
    return membership.students_on_roll(send.school_class).select_related("user")


def current_class_ids(student: Student) -> list[int]:
    return membership.current_class_ids(student)


def is_late(send: LetterSend) -> bool:
    return timezone.localdate() > send.closes_on


def letter_in_language(letter: ParentLetter) -> ParentLetter:
    """The letter in the reader's language when it has been translated (and published), else as sent."""
    from wagtail.models import Locale

    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return letter
    if locale.pk == letter.locale_id:
        return letter
    translated = letter.get_translation_or_none(locale)
    return translated if translated is not None and translated.live else letter


def parent_acknowledgements(student: Student) -> list[dict]:
    """The student's part of a data export (people.privacy): what parents entered about this child."""
    return [
        {
            "letter": ack.send.letter.title,
            "class": str(ack.send.school_class.name),
            "parent_name": ack.parent_name,
            "relationship": ack.get_relationship_display(),
            "acknowledged_at": ack.acknowledged_at.isoformat(),
            "answers": ack.answers,
        }
        for ack in ParentAcknowledgement.objects.filter(student=student).select_related(
            "send__letter", "send__school_class__school"
        )
    ]
