"""The teacher's and student's screens: the class summaries, the progress grid, quiz results, the class XLSX,
the late marker, the activity with its evidence, and error summaries that link to their fields."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image

from classroom import progress, services
from classroom.models import Activity, ActivityEvidence, LessonProgress
from lessons.tests.factories import make_lesson
from people.testing import make_student

from .helpers import take_quiz


@pytest.fixture(autouse=True)
def english():
    # The English pages (/en/…), so the assertions hold whatever the Chinese catalogue says.
    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 100, 0)).save(out, format="PNG")
    return out.getvalue()


def _finish(student, lesson, when):
    LessonProgress.objects.create(
        student=student, lesson=lesson, first_opened_at=when, last_seen_at=when, active_seconds=900, completed_at=when
    )


# time-machine is not installed: each test reads "today" once, and the functions under test take it.
TODAY = timezone.localdate()


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


# --- short titles and the late marker ---------------------------------------------------------------------


def test_short_title_keeps_short_titles_and_cuts_long_ones():
    assert progress.short_title("拒绝的技巧") == "拒绝的技巧"
    assert progress.short_title("认识毒品：常见毒品及其危害") == "认识毒品：常见…"
    assert len(progress.short_title("认识毒品：常见毒品及其危害")) == progress.SHORT_TITLE_CHARS


def test_work_finished_after_the_due_date_is_marked_late(world, module):
    early = make_lesson(module, slug="early", title="早")
    assignment = services.assign(world.teacher, [world.class_a], lesson=early, starts_on=_days(-10), due_on=_days(-5))[
        0
    ]
    _finish(world.student, early, timezone.now() - datetime.timedelta(days=6))  # before the due date
    _finish(world.student_2, early, timezone.now() - datetime.timedelta(days=1))  # after it
    data = progress.class_progress(world.class_a)
    on_time = data.cells[(world.student.pk, assignment.pk)]
    late = data.cells[(world.student_2.pk, assignment.pk)]
    assert (on_time.finished, on_time.late) == (True, False)
    assert (late.finished, late.late) == (True, True)


def test_finishing_on_the_due_date_is_not_late(world, module):
    lesson = make_lesson(module, slug="today", title="今天")
    (assignment,) = services.assign(world.teacher, [world.class_a], lesson=lesson, starts_on=_days(-3), due_on=_days(0))
    _finish(world.student, lesson, timezone.now())
    assert progress.class_progress(world.class_a).cells[(world.student.pk, assignment.pk)].late is False


# --- the progress grid ------------------------------------------------------------------------------------


def test_grid_is_headed_by_short_titles_with_the_whole_title_for_screen_readers(client, world, module):
    long_title = "认识毒品：常见毒品及其危害"
    lesson = make_lesson(module, slug="long", title=long_title)
    services.assign(world.teacher, [world.class_a], lesson=lesson, starts_on=_days(-10), due_on=_days(-5))
    _finish(world.student, lesson, timezone.now())
    client.force_login(world.teacher)
    page = client.get(reverse("classroom:class_progress", args=[world.class_a.pk])).content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert '<span aria-hidden="true">认识毒品：常见…</span>' in head
    assert f'<span class="visually-hidden">{long_title}</span>' in head
    assert f'<span class="col-tip" aria-hidden="true">{long_title}</span>' in head
    assert 'tabindex="0"' in head, "the whole title shows on focus too, not only on hover"
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert body.count('<td class="cell">') == 2, "one cell per student under the one heading"
    assert "badge warn" in body, "the late marker"


# --- the teacher's home -----------------------------------------------------------------------------------


def test_class_summary_counts_completion_due_soon_and_overdue(world, module):
    past = make_lesson(module, slug="past", title="过去")
    soon = make_lesson(module, slug="soon", title="快到")
    later = make_lesson(module, slug="later", title="以后")
    done = make_lesson(module, slug="done", title="完成")
    unstarted = make_lesson(module, slug="unstarted", title="未开始")
    services.assign(world.teacher, [world.class_a], lesson=past, starts_on=_days(-10), due_on=_days(-1))
    services.assign(world.teacher, [world.class_a], lesson=soon, starts_on=_days(-1), due_on=_days(2))
    services.assign(world.teacher, [world.class_a], lesson=later, starts_on=_days(-1), due_on=_days(20))
    services.assign(world.teacher, [world.class_a], lesson=done, starts_on=_days(-10), due_on=_days(-2))
    # Not started yet: not counted anywhere.
    services.assign(world.teacher, [world.class_a], lesson=unstarted, starts_on=_days(1), due_on=_days(3))
    for student in (world.student, world.student_2):
        _finish(student, done, timezone.now() - datetime.timedelta(days=3))
    _finish(world.student, past, timezone.now())
    (summary, other) = progress.classes_summary([world.class_a, world.class_b], TODAY)
    assert summary.students == 2
    assert (summary.finished, summary.expected, summary.percent) == (3, 8, 38)
    assert [(plan.assignment.lesson_id, left) for plan, left in summary.overdue] == [(past.pk, 1)]
    assert [(plan.assignment.lesson_id, left) for plan, left in summary.due_soon] == [(soon.pk, 2)]
    assert (other.students, other.expected, other.percent, other.overdue) == (1, 0, None, [])


def test_class_summaries_cost_the_same_queries_for_more_classes_students_and_work(world, module, quiz):
    lesson = make_lesson(module, slug="q1", title="一", quiz=quiz)
    services.assign(world.teacher, [world.class_a], lesson=lesson, starts_on=_days(-1), due_on=_days(1))
    services.assign(world.teacher, [world.class_a], module=module, starts_on=_days(-1), due_on=_days(1))
    progress.classes_summary([world.class_a], TODAY)  # once unmeasured: per-process caches fill on first use
    with CaptureQueriesContext(connection) as small:
        progress.classes_summary([world.class_a], TODAY)
    for i in range(20):
        make_student(world.class_a, f"9{i:03d}")
        make_student(world.class_b, f"8{i:03d}")
    for i in range(5):
        extra = make_lesson(module, slug=f"x{i}", title=f"加{i}")
        services.assign(
            world.teacher, [world.class_a, world.class_b], lesson=extra, starts_on=_days(-1), due_on=_days(4)
        )
    services.assign(world.teacher, [world.class_b], quiz=quiz, starts_on=_days(-1), due_on=_days(1))
    take_quiz(world.student, quiz, right=True)
    with CaptureQueriesContext(connection) as big:
        summaries = progress.classes_summary([world.class_a, world.class_b], TODAY)
    assert [s.students for s in summaries] == [22, 21]
    assert len(big) == len(small) == 6


def test_teacher_home_and_class_work_show_each_class_summary(client, world, module):
    lesson = make_lesson(module, slug="due", title="快交的课")
    services.assign(world.teacher, [world.class_a], lesson=lesson, starts_on=_days(-1), due_on=_days(1))
    _finish(world.student, lesson, timezone.now())
    client.force_login(world.teacher)
    for url in (reverse("core:home"), reverse("classroom:my_classes")):
        page = client.get(url).content.decode()
        assert "快交的课" in page and "50% finished (1 of 2 student tasks)" in page, url
        assert "1 not finished" in page
    client.force_login(world.teacher_b)
    assert "快交的课" not in client.get(reverse("core:home")).content.decode(), "another class's work"


# --- the student's home -----------------------------------------------------------------------------------


def test_student_home_panel_lists_every_open_task_as_a_link_with_due_date_and_progress(client, world, module, quiz):
    lessons = [make_lesson(module, slug=f"s{i}", title=f"第{i}课") for i in range(3)]
    services.assign(world.teacher, [world.class_a], lesson=lessons[0], starts_on=_days(-9), due_on=_days(-2))
    services.assign(world.teacher, [world.class_a], lesson=lessons[1], starts_on=_days(-1), due_on=_days(2))
    services.assign(world.teacher, [world.class_a], lesson=lessons[2], starts_on=_days(-1), due_on=_days(30))
    services.assign(world.teacher, [world.class_a], quiz=quiz, starts_on=_days(-9), due_on=_days(-1))
    services.assign(world.teacher, [world.class_b], lesson=lessons[2], starts_on=_days(-1), due_on=_days(9))
    client.force_login(world.student.user)
    response = client.get(reverse("core:home"))
    panel = response.content.decode()
    panel = panel[panel.index('id="panel-my-lessons"') :]
    assert "4 assignments to do" in panel
    for lesson in lessons:
        assert f'<a href="{reverse("classroom:read", args=[lesson.pk])}">{lesson.title}</a>' in panel
    assert f'<a href="{reverse("quizzes:detail", args=[quiz.pk])}">' in panel
    assert panel.count('role="progressbar"') == 4 and panel.count("0% finished") == 4
    assert f"due {_days(30).isoformat()}" in panel and _days(9).isoformat() not in panel


# --- quiz results -----------------------------------------------------------------------------------------


def test_quiz_results_use_whole_percents_and_name_each_flag_with_its_reason(client, world, lesson_with_quiz, quiz):
    (assignment,) = services.assign(
        world.teacher, [world.class_a], lesson=lesson_with_quiz, starts_on=_days(-1), due_on=_days(3)
    )
    attempt = take_quiz(world.student, quiz, right=True)
    take_quiz(world.student_2, quiz, right=False)
    attempt.flags = ["too_fast"]
    attempt.save(update_fields=["flags"])
    take_quiz(world.other_student, quiz, right=True)  # another school: neither counted nor named
    client.force_login(world.teacher)
    response = client.get(reverse("classroom:quiz_results", args=[assignment.pk]))
    page = response.content.decode()
    assert response.context["results"]["percents"] == {"mean": 50, "pass": 50, "full": 50}
    assert "mean score 50%." in page and "Pass rate: 50%." in page and "Full marks: 50%." in page
    assert "0.50" not in page and "50.0" not in page
    (flag,) = response.context["results"]["flags"]
    flags = page[page.index('id="flags-heading"') :]
    assert "张三" in flags and "Implausibly fast for this quiz" in flags and "李四" not in flags
    assert reverse("classroom:integrity_flag", args=[flag["flag"].pk]) in flags
    assert "赵六" not in page


# --- the class XLSX ---------------------------------------------------------------------------------------


def test_class_xlsx_has_a_row_per_student_and_the_long_table_second(client, world, module, quiz):
    first = make_lesson(module, slug="x-first", title="第一课")
    second = make_lesson(module, slug="x-second", title="第二课")
    services.assign(world.teacher, [world.class_a], lesson=first, starts_on=_days(-9), due_on=_days(-3))
    services.assign(world.teacher, [world.class_a], lesson=second, starts_on=_days(-1), due_on=_days(5))
    _finish(world.student, first, timezone.now())
    _finish(world.student_2, second, timezone.now())
    client.force_login(world.teacher)
    response = client.get(reverse("classroom:class_export", args=[world.class_a.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    grid, long = book.worksheets
    rows = [[cell.value for cell in row] for row in grid.iter_rows()]
    assert rows[0] == [
        "Student number",
        "Name",
        f"第一课 (due {_days(-3).isoformat()})",
        f"第二课 (due {_days(5).isoformat()})",
        "Finished",
    ]
    assert rows[1:] == [
        ["1001", "张三", "finished late", "not started", "1/2"],
        ["1002", "李四", "not started", "finished", "1/2"],
    ]
    assert long.max_row == 1 + 2 * 2 and long.cell(1, 3).value == "Name"
    assert [c.value for c in long[1]].index("Finished late") == 10


def test_the_export_heads_names_with_the_word_for_a_persons_name(settings):
    from django.utils import translation

    from classroom.exports import student_name_header

    with translation.override("en"):
        assert student_name_header() == "Name"
    # The context tells translators it is a person's name (姓名), not the name of a thing (名称).
    from django.utils.translation import pgettext

    assert student_name_header() == pgettext("person's name", "Name")


# --- activities with their evidence -------------------------------------------------------------------------


def _activity_data(world, **extra):
    data = {
        "school": world.school.pk,
        "type": "class_meeting",
        "title": "主题班会",
        "held_on": timezone.localdate().isoformat(),
        "participants": "",
        "classes": [world.class_a.pk],
        "description": "",
    }
    data.update(extra)
    return data


def test_an_activity_is_recorded_with_its_evidence_on_one_screen(client, world):
    client.force_login(world.teacher)
    form = client.get(reverse("classroom:activity_new")).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="files"' in form
    data = _activity_data(world, files=[SimpleUploadedFile("签到表.png", _png()), SimpleUploadedFile("b.png", _png())])
    response = client.post(reverse("classroom:activity_new"), data)
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("classroom:activity", args=[activity.pk])
    assert sorted(activity.evidence.values_list("original_name", flat=True)) == ["b.png", "签到表.png"]


def test_a_refused_evidence_file_saves_nothing_and_is_named_at_its_field(client, world):
    client.force_login(world.teacher)
    data = _activity_data(world, files=[SimpleUploadedFile("ok.png", _png()), SimpleUploadedFile("x.png", b"MZ")])
    response = client.post(reverse("classroom:activity_new"), data)
    assert response.status_code == 200
    assert not Activity.objects.exists() and not ActivityEvidence.objects.exists()
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') :]
    assert 'href="#id_files"' in summary[: summary.index("</div>")] and "x.png" in summary


# --- error summaries --------------------------------------------------------------------------------------


def test_form_error_summary_takes_focus_and_links_to_each_field(client, world):
    client.force_login(world.teacher)
    response = client.post(reverse("classroom:class_hour_new"), {"school_class": world.class_a.pk})
    page = response.content.decode()
    assert response.status_code == 200
    summary = page[page.index('<div class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'role="alert" tabindex="-1" autofocus' in summary
    for field in ("taught_on", "students_present", "minutes", "topic"):
        assert f'href="#id_{field}"' in summary, field
    assert f'id="id_{field}"' in page
    assert page.index('class="error-summary"') < page.index('name="school_class"'), "at the top of the form"


def test_a_choice_field_error_links_to_its_first_choice(client, world):
    client.force_login(world.teacher)
    response = client.post(reverse("classroom:activity_new"), _activity_data(world, classes=[world.other_class.pk]))
    page = response.content.decode()
    summary = page[page.index('<div class="error-summary"') :]
    assert 'href="#id_classes_0"' in summary[: summary.index("</div>")]
    assert 'id="id_classes_0"' in page
