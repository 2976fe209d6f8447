"""Steps that run inside Django against the benchmark database: build the site, then the fixtures the load
clients need (signed-in sessions, open attempts, URLs). The throughput scenarios (lesson page, answer save)
get sessions written directly; the exam-start burst signs its students in through the site itself, half by the
code on their slips (issued through people.slip_codes, as printing the slips does) and half by password
through the form, with production's hasher."""

import datetime
import json
import random
import time

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from people import slip_codes
from people.hashers import OwaspArgon2idPasswordHasher
from people.models import District, Student, User
from quizzes import services
from quizzes.models import Attempt, Option, Quiz, QuizQuestion

from .generator.district import BENCH_PASSWORD, BURST_QUIZ_TITLE, SAVE_QUIZ_TITLE

DASHBOARD_URL_NAMES = ("plans:dashboard", "plans:index", "plans:home")
TONGBAO_URL_NAMES = ("plans:report", "plans:tongbao", "plans:table", "plans:ranking")


def build_site(preset, seed: int, say) -> dict:
    """Migrate (a no-op on a clone of the migrated template), seed the curriculum and build the preset's
    district, then refresh the roll-up. Returns timings."""
    timings = {}
    for label, step in (
        ("migrate", lambda: call_command("migrate", interactive=False, verbosity=0)),
        ("seed_demo", lambda: call_command("seed_demo", verbosity=0)),
        (
            "generate_district",
            lambda: call_command(
                "generate_district",
                schools=preset.schools,
                students_per_school=preset.students_per_school,
                attempts_per_student=preset.attempts_per_student,
                seed=seed,
                districts=preset.districts,
                cities=preset.cities,
                class_size=preset.class_size,
            ),
        ),
        ("refresh_figures", lambda: refresh_generated(seed)),
    ):
        say(f"… {label}")
        started = time.perf_counter()
        step()
        timings[label] = round(time.perf_counter() - started, 1)
    return timings


def refresh_generated(seed: int) -> None:
    """The full roll-up of every generated district (not the demo's, which seed_demo computed)."""
    for code in District.objects.filter(code__startswith=f"B{seed}-").order_by("code").values_list("code", flat=True):
        call_command("refresh_figures", district=code, verbosity=0)


def refresh_assets(say) -> None:
    """Static files and compiled translations for this run's folders (also when a database is reused)."""
    say("… collectstatic, compile_translations")
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("compile_translations", verbosity=0)


def session_cookie(user: User, csrf: str | None = None) -> tuple[str, str]:
    """(Cookie header, CSRF token) for a signed-in session of `user`."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = csrf or get_random_string(32)
    return f"sessionid={session.session_key}; csrftoken={csrf}", csrf


def first_url(names) -> tuple[str | None, str]:
    for name in names:
        try:
            return reverse(name), name
        except NoReverseMatch:
            continue
    return None, " or ".join(names)


def _answers(quiz: Quiz) -> dict[int, str]:
    """The text of a valid option for every question of the quiz (the first correct one, else the first): the
    burst finds it on each paper, since papers name options by per-attempt tokens."""
    question_ids = list(
        QuizQuestion.objects.filter(quiz=quiz).order_by("sort_order").values_list("question_id", flat=True)
    )
    chosen = {}
    for question_id, text in (
        Option.objects.filter(question_id__in=question_ids)
        .order_by("question_id", "-weight", "id")
        .values_list("question_id", "text")
    ):
        chosen.setdefault(question_id, text.strip())
    return {question_id: chosen[question_id] for question_id in question_ids}


def _active_students(seed: int):
    return (
        Student.objects.filter(
            school__district__code__startswith=f"B{seed}-", left_on__isnull=True, user__must_change_password=False
        )
        .select_related("user")
        .order_by("school_id", "id")
    )


BURST_RETRY_SHARE = 0.2  # of requests sent twice, the first answer lost (bench.burst)
ROOM_SIZE = 40  # students behind one school network address: a computer room


def require_production_hasher(students) -> None:
    """Sign-in is measured with production's hasher (Argon2id at OWASP's parameters), never a fast test one:
    the settings' default hasher is it, and the students' stored hashes are its, with nothing to upgrade."""
    hasher = get_hasher("default")
    if not isinstance(hasher, OwaspArgon2idPasswordHasher):
        raise RuntimeError(f"the bench signs in with production's hasher; the settings' default is {hasher.algorithm}")
    for student in students[:1] + students[-1:]:
        stored = student.user.password
        if identify_hasher(stored).algorithm != hasher.algorithm or hasher.must_update(stored):
            raise RuntimeError(f"{student.user.username}'s password is not hashed with production's Argon2id")


def room_address(room: int) -> str:
    # 127.0.0.0/8 is all loopback on Linux: each room connects from its own address, its network's.
    return f"127.10.{room // 250}.{room % 250 + 1}"


def burst_students(students, preset, seed: int, issue_codes: bool, arrival_s: float | None = None) -> dict:
    """The client's list: per student her room's address, her arrival time and how she signs in. Rooms of
    ROOM_SIZE start within `burst_rooms_start_s` of each other and each fills over `burst_room_fill_s`; with
    `arrival_s` every student arrives then (the sign-in scenario: all at once). With
    `issue_codes`, every other student signs in by her slip's code, issued through people.slip_codes as
    printing the slips issues them (audited, stored hashed), the rest by password."""
    rng = random.Random(seed)
    rooms: dict[int, float] = {}
    by_code = students[::2] if issue_codes else []
    codes = {}
    if by_code:
        request = RequestFactory().post("/bench/slips/")
        request.user = AnonymousUser()
        codes, _ = slip_codes.issue(by_code, request=request, target="bench: exam-start burst")

    def arrives(room: int) -> float:
        # The room's start, then the student's own moment within the room's fill.
        if room not in rooms:
            rooms[room] = rng.uniform(0, preset.burst_rooms_start_s)
        return rooms[room] + rng.uniform(0, preset.burst_room_fill_s)

    rows = []
    for index, student in enumerate(students):
        row = {
            "student_id": student.pk,
            "room": room_address(index // ROOM_SIZE),
            "arrives_s": arrival_s if arrival_s is not None else arrives(index // ROOM_SIZE),
        }
        if student.pk in codes:
            row["code"] = codes[student.pk]
        else:
            row["username"], row["password"] = student.user.get_username(), BENCH_PASSWORD
        rows.append(row)
    if by_code and len(codes) != len(by_code):
        raise RuntimeError(f"slip codes issued for {len(codes)} of {len(by_code)} students")
    return {"students": rows, "seed": seed}


def open_sitting(quiz: Quiz) -> None:
    """Make the burst's quiz a sitting, as a school schedules its exam: the window opened as the rooms sat down
    and closes after the lesson, so sign-in lands each student on it (quizzes.access.sitting_for)."""
    now = timezone.now()
    Quiz.objects.filter(pk=quiz.pk).update(
        opens_at=now - datetime.timedelta(minutes=5), closes_at=now + datetime.timedelta(hours=3)
    )


def fixtures(preset, seed: int, workdir) -> dict:
    """Everything the scenarios need, as JSON-ready data; also writes the burst's data file."""
    from lessons.models import LessonPage

    save_quiz = Quiz.objects.get(title=SAVE_QUIZ_TITLE)
    burst_quiz = Quiz.objects.get(title=BURST_QUIZ_TITLE)
    # On a reused database, an earlier burst's attempts would make every start a "no attempts left".
    Attempt.objects.filter(quiz=burst_quiz).delete()
    open_sitting(burst_quiz)
    students = list(
        _active_students(seed)[: preset.burst_students + preset.signin_students + preset.save_students + 600]
    )
    burst, rest = students[: preset.burst_students], students[preset.burst_students :]
    signers, rest = rest[: preset.signin_students], rest[preset.signin_students :]
    savers, micro = rest[: preset.save_students], rest[preset.save_students :]

    save_requests = []
    for index, student in enumerate(savers):
        cookie, csrf = session_cookie(student.user)
        attempt = services.start_or_resume_attempt(student, save_quiz, check_access=False)
        question_ids = attempt.question_ids
        question = question_ids[index % len(question_ids)]
        tokens = attempt.answer_key[str(question)]["t"]
        save_requests.append(
            {
                "method": "POST",
                "path": f"/quizzes/attempt/{attempt.pk}/answer/",
                "headers": {"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": "application/json"},
                "body": json.dumps({"question": question, "options": [next(iter(tokens))]}),
            }
        )

    require_production_hasher(burst + signers)
    burst_data = burst_students(burst, preset, seed, issue_codes=True)
    burst_data.update(
        quiz_id=burst_quiz.pk,
        answers=_answers(burst_quiz),
        think_s=list(preset.burst_think_s),
        max_seconds=preset.burst_max_seconds,
        retry_share=BURST_RETRY_SHARE,
    )
    burst_file = workdir / "burst.json"
    burst_file.write_text(json.dumps(burst_data))
    signin_data = burst_students(signers, preset, seed + 1, issue_codes=False, arrival_s=0)
    signin_data.update(signin_only=True, retry_share=0, max_seconds=preset.burst_max_seconds)
    signin_file = workdir / "signin.json"
    signin_file.write_text(json.dumps(signin_data))

    lesson = LessonPage.objects.live().filter(locale__language_code="zh-hans").order_by("path").first()
    reader_cookie, _ = session_cookie(savers[0].user)
    district = District.objects.get(code=f"B{seed}-01")
    bureau = User.objects.get(username=f"{district.code.lower()}-admin")
    bureau_cookie, _ = session_cookie(bureau)
    from .levels import pages as level_pages

    dashboard, dashboard_name = first_url(DASHBOARD_URL_NAMES)
    tongbao, tongbao_name = first_url(TONGBAO_URL_NAMES)
    return {
        "lesson_path": lesson.get_url() if lesson else None,
        "lesson_id": lesson.pk if lesson else None,
        "baseline_path": baseline_path(lesson) if lesson else None,
        "reader_cookie": reader_cookie,
        "save_requests": save_requests,
        "burst_file": str(burst_file),
        "burst_quiz_id": burst_quiz.pk,
        "burst_student_ids": [s["student_id"] for s in burst_data["students"]],
        "signin_file": str(signin_file),
        "micro_student_ids": [s.pk for s in micro],
        "save_quiz_id": save_quiz.pk,
        "bureau_cookie": bureau_cookie,
        "bureau_user_id": bureau.pk,
        "district_id": district.pk,
        "dashboard_path": dashboard,
        "dashboard_name": dashboard_name,
        "tongbao_path": tongbao,
        "tongbao_name": tongbao_name,
        "level_pages": level_pages(seed),
    }


def baseline_path(lesson) -> str:
    """The baseline URL of `lesson`: its path below its site's root page, which the baseline routes as Wagtail does."""
    site = lesson.get_site()
    return "/bench/baseline/" + lesson.url_path[len(site.root_page.url_path) :]
