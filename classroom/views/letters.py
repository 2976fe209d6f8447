"""告家长书 pages: the class's letters and their rates (teachers), the printable slips, the student's own parent
link, and the parent's page, which needs no account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from people import scope
from people.security import qr_svg

from .. import letters
from ..letter_forms import AcknowledgeForm, SendLetterForm
from ..models import LetterSend, ParentAcknowledgement
from .access import get_in, require_student, visible_class


def _class_for_teacher(request, pk: int):
    school_class = visible_class(request.user, pk)
    return school_class, scope.can_teach_class(request.user, school_class)


@login_required
def class_letters(request, pk: int):
    school_class, can_send = _class_for_teacher(request, pk)
    form = SendLetterForm(request.POST or None)
    if request.method == "POST":
        if not can_send:
            raise PermissionDenied
        if form.is_valid():
            try:
                send = letters.send_letter(
                    letter=form.cleaned_data["letter"],
                    school_class=school_class,
                    closes_on=form.cleaned_data["closes_on"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error("letter", error)
            else:
                messages.success(request, _("Sent. Print the slips, or the students show their parents the QR code."))
                return redirect("classroom:letter_send", send.pk)
    sends = [{"send": send, "rates": letters.rates(send)} for send in letters.open_sends(school_class)]
    return render(
        request,
        "classroom/letters.html",
        {"school_class": school_class, "sends": sends, "form": form if can_send else None},
    )


def _send_for(request, pk: int) -> tuple[LetterSend, bool]:
    send = get_in(
        LetterSend.objects.filter(school_class__in=scope.classes_for(request.user)).select_related(
            "letter", "school_class__school"
        ),
        pk,
    )
    return send, scope.can_teach_class(request.user, send.school_class)


@login_required
def letter_send(request, pk: int):
    send, can_change = _send_for(request, pk)
    acks = {a.student_id: a for a in ParentAcknowledgement.objects.filter(send=send)}
    rows = [{"student": student, "ack": acks.get(student.pk)} for student in letters.asked_students(send)]
    return render(
        request,
        "classroom/letter_send.html",
        {"send": send, "rows": rows, "rates": letters.rates(send), "can_change": can_change},
    )


@login_required
@require_POST
def letter_reissue(request, pk: int, student_pk: int):
    send, can_change = _send_for(request, pk)
    if not can_change or send.withdrawn_at:
        raise PermissionDenied
    student = get_in(letters.asked_students_queryset(send), student_pk)
    letters.reissue(send, student, by=request.user, request=request)
    messages.success(
        request, _("A new link for %(name)s's parents; the old slip no longer opens.") % {"name": student.user}
    )
    return redirect("classroom:letter_send", send.pk)


@login_required
@require_POST
def letter_withdraw(request, pk: int):
    send, can_change = _send_for(request, pk)
    if not can_change:
        raise PermissionDenied
    letters.withdraw(send, by=request.user, request=request)
    messages.success(request, _("Withdrawn: the parents' links no longer open."))
    return redirect("classroom:class_letters", send.school_class_id)


def _link_rows(request, send, students) -> list[dict]:
    tokens = letters.links_for(send, students)
    rows = []
    for student in students:
        url = request.build_absolute_uri(reverse("parent_letter", args=[tokens[student.pk]]))
        label = _("QR code of the letter for %(name)s's parents") % {"name": letters.first_name(student)}
        rows.append(
            {"student": student, "first_name": letters.first_name(student), "url": url, "qr": qr_svg(url, label)}
        )
    return rows


@login_required
@never_cache
def letter_slips(request, pk: int):
    send, can_change = _send_for(request, pk)
    if not can_change or send.withdrawn_at:
        raise PermissionDenied
    rows = _link_rows(request, send, letters.asked_students(send))
    response = render(request, "classroom/letter_slips.html", {"send": send, "rows": rows})
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@never_cache
def my_parent_letters(request):
    """The student shows this page (or its QR code) to a parent at home."""
    student = require_student(request.user)
    sends = [
        send
        for send in LetterSend.objects.filter(withdrawn_at__isnull=True)
        .select_related("letter", "school_class")
        .filter(school_class_id__in=letters.current_class_ids(student))
        .order_by("-sent_at")
    ]
    acks = set(ParentAcknowledgement.objects.filter(send__in=sends, student=student).values_list("send_id", flat=True))
    items = []
    for send in sends:
        row = _link_rows(request, send, [student])[0]
        items.append({"send": send, "acknowledged": send.pk in acks, **row})
    response = render(request, "classroom/my_parent_letters.html", {"items": items})
    response["Referrer-Policy"] = "no-referrer"
    return response


REFUSALS = {
    "unknown": (
        404,
        "This link opens nothing. Check that it was copied whole, or ask the class teacher for a new slip.",
    ),
    "revoked": (410, "This link was replaced by a newer one. Ask your child for the new slip."),
    "expired": (410, "This letter is closed: the time to acknowledge it has passed."),
    "withdrawn": (410, "The school has withdrawn this letter."),
    "limited": (429, "Too many wrong links from your network. Please wait %(seconds)s seconds and try again."),
}


@never_cache
def parent_letter(request, token: str):
    """The parent's page: the letter, a privacy notice, 签收 and the home activity. No account, no child data
    beyond the child's first name and class."""
    found = letters.find(token, request)
    if found.refusal:
        status, message = REFUSALS[found.refusal]
        response = render(
            request,
            "classroom/parent_letter_closed.html",
            {"message": str(message) % {"seconds": found.retry_after} if found.retry_after else message},
            status=status,
        )
        if found.retry_after:
            response["Retry-After"] = str(found.retry_after)
        return _private(response)
    link = found.link
    letter = letters.letter_in_language(link.send.letter)
    ack = letters.acknowledgement_of(link)
    questions = letter.question_texts
    if request.method == "POST" and ack is not None and (ack.answers or not questions):
        return _private(redirect(request.path))  # nothing left to send: the page shows what was kept
    form = AcknowledgeForm(request.POST or None, questions=questions, signed=ack is not None)
    if request.method == "POST" and form.is_valid():
        ack = letters.acknowledge(
            link,
            parent_name=form.cleaned_data.get("parent_name", ack.parent_name if ack else ""),
            relationship=form.cleaned_data.get("relationship", ack.relationship if ack else ""),
            answers=form.answers(),
        )
        return _private(redirect(request.path + "?done=1"))
    context = {
        "letter": letter,
        "send": link.send,
        "first_name": letters.first_name(link.student),
        "class_name": link.send.school_class.name,
        "school_name": link.send.school_class.school.name,
        "ack": ack,
        "form": form,
        "done": request.GET.get("done") == "1" and ack is not None,
        "late": letters.is_late(link.send),
    }
    return _private(render(request, "classroom/parent_letter.html", context))


def _private(response):
    # The token is in the address: never send it on to another site, never let a search engine keep the page.
    # "same-origin", not "no-referrer": with no referrer at all the browser posts the 签收 form with
    # "Origin: null", which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
