"""Where sign-in lands a student: on the one exam sitting open to her (core.navigation's landing,
quizzes.access.sitting_for), else on the home page. A computer room signing in for an exam saves a request per
student (issue #15), and nobody is sent into a quiz she did not come for."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from people import slip_codes
from people.testing import PASSWORD
from quizzes import services
from quizzes.access import sitting_for

from . import factories as f

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
NOON = timezone.make_aware(datetime.datetime(2026, 12, 3, 12, 0))
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    """Every test here at NOON: the boundary tests pass it as `now`, the sign-in tests' windows are around it."""
    monkeypatch.setattr(timezone, "now", lambda: NOON)


def _sitting(opens=None, closes=None, **fields):
    fields.setdefault("attempts_allowed", 1)
    return f.quiz(
        f.bank(3),
        opens_at=opens if opens is not None else NOON - HOUR,
        closes_at=closes if closes is not None else NOON + 2 * HOUR,
        live=True,
        **fields,
    )


def _sign_in(path="/signin/", username=None, **extra):
    client = Client()
    response = client.post(path, {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.content
    return client, response


def test_a_password_sign_in_lands_on_the_one_open_sitting(world):
    quiz = _sitting()
    client, response = _sign_in(username=world.student.user.username)
    assert response["Location"] == reverse("quizzes:detail", args=[quiz.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert quiz.title in page.content.decode()


def test_a_slip_sign_in_lands_on_it_too(world, rf):
    quiz = _sitting()
    request = rf.post("/")
    request.user = world.teacher
    codes, _ = slip_codes.issue([world.student], request=request, target="test")
    response = Client().post(reverse("people:slip_sign_in", args=[codes[world.student.pk]]))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:detail", args=[quiz.pk])


def test_a_started_sitting_lands_back_on_her_paper(world):
    quiz = _sitting()
    attempt = services.start_or_resume_attempt(world.student, quiz)
    _client, response = _sign_in(username=world.student.user.username)
    assert response["Location"] == reverse("quizzes:take", args=[attempt.pk])


def test_a_submitted_sitting_leaves_her_on_the_home_page(world):
    quiz = _sitting()
    attempt = services.start_or_resume_attempt(world.student, quiz)
    services.submit_attempt(attempt.pk)
    _client, response = _sign_in(username=world.student.user.username)
    assert response["Location"] == HOME


def test_two_sittings_at_once_are_hers_to_choose_on_the_home_page(world):
    _sitting(title="第一场")
    _sitting(title="第二场")
    _client, response = _sign_in(username=world.student.user.username)
    assert response["Location"] == HOME


def test_a_quiz_without_a_closing_time_is_no_sitting(world):
    # Practice and revision quizzes stay open for good: a student signing in to read must not land in one.
    f.quiz(f.bank(3), live=True)
    _client, response = _sign_in(username=world.student.user.username)
    assert response["Location"] == HOME


def test_next_wins_over_the_sitting(world):
    _sitting()
    lesson_list = reverse("quizzes:index")
    _client, response = _sign_in(username=world.student.user.username, next=lesson_list)
    assert response["Location"] == lesson_list


def test_staff_never_land_on_a_sitting(world):
    _sitting()
    _client, response = _sign_in(username=world.teacher.username)
    # Staff go on to their second sign-in step or home; either way the page after it is the home page.
    assert response["Location"] == HOME or response["Location"].endswith(f"?next={HOME.replace('/', '%2F')}")


def test_an_english_sign_in_lands_on_the_english_page(world):
    quiz = _sitting()
    _client, response = _sign_in("/en/signin/", username=world.student.user.username)
    with override("en"):
        assert response["Location"] == reverse("quizzes:detail", args=[quiz.pk])
    assert response["Location"].startswith("/en/")


def test_a_sitting_of_another_class_is_not_hers(world):
    # Not open to all students and assigned to nobody: no rule offers it to her (quizzes.access).
    _sitting(open_to_all_students=False)
    _client, response = _sign_in(username=world.student.user.username)
    assert response["Location"] == HOME


@pytest.mark.parametrize(
    ("opens", "closes", "lands"),
    [
        (NOON - HOUR, NOON + HOUR, True),
        (NOON, NOON + HOUR, True),  # opens now
        (NOON + datetime.timedelta(seconds=1), NOON + HOUR, False),  # not yet open
        (NOON - HOUR, NOON, False),  # closed now
        (None, NOON + HOUR, True),  # no opening time: open until it closes
    ],
)
def test_only_an_open_window_is_a_sitting(world, opens, closes, lands):
    quiz = f.quiz(f.bank(2), opens_at=opens, closes_at=closes, live=True)
    assert sitting_for(world.student, now=NOON) == ((quiz.pk, None) if lands else None)


def test_an_unpublished_quiz_is_no_sitting(world):
    f.quiz(f.bank(2), opens_at=NOON - HOUR, closes_at=NOON + HOUR, live=False)
    assert sitting_for(world.student, now=NOON) is None


def test_the_landing_costs_the_sign_in_five_queries(world, django_assert_num_queries):
    from django.test import RequestFactory

    from core.navigation import landing_for

    quiz = _sitting()
    request = RequestFactory().get("/")
    request.user = world.student.user
    # Her roles and her student row (2), the quizzes assigned to her classes (classroom's rule: the school
    # year, held in process outside a test's transaction, and the assignments of her classes, asked in one
    # statement), and the sitting with her open attempt (1). The home page it spares her cost 9 and a whole page.
    with django_assert_num_queries(5):
        assert landing_for(request) == reverse("quizzes:detail", args=[quiz.pk])
