"""Demo classroom work: assignments for the demo classes, some reading progress, class-hour logs and one
activity of each 五个一 type with a small generated photo. Idempotent: a class that already has assignments,
or a school that already has its activities, is left alone."""

import datetime
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.seeding import SeedContext
from lessons.activities import ActivityType
from lessons.models import LessonPage, ModulePage
from people.models import ClassTeacher, Enrollment, SchoolClass, SchoolYear, Term
from quizzes.models import Quiz, QuizKind

from . import completion, letters, services
from .integrity.records import enrolled
from .models import Activity, Assignment, ClassHourLog, InstructorKind, LessonProgress, LetterSend, TeachingMethod


def _photo(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), colour)
    ImageDraw.Draw(image).rectangle((20, 20, 300, 180), outline=(255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _teaching_day(today: datetime.date, days_back: int) -> datetime.date:
    """A day `days_back` before today, moved into the current term when that falls in a holiday or last year:
    records dated outside a term, or in the future, are refused (classroom.integrity.records)."""
    wanted = today - datetime.timedelta(days=days_back)
    term = Term.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    if term is None:
        return today
    return min(max(wanted, term.starts_on), term.ends_on, today)


def _module_for(school_class: SchoolClass) -> ModulePage | None:
    # A class and a module name their band with the same code (people.grades.GradeBand).
    band = school_class.grade_band
    return ModulePage.objects.live().filter(grade_band=band, locale__language_code__startswith="zh").first() or (
        ModulePage.objects.live().filter(grade_band=band).first()
    )


def _seed_class(school_class: SchoolClass, teacher, today: datetime.date, lesson_quiz) -> None:
    if Assignment.objects.filter(school_class=school_class).exists():
        return
    module = _module_for(school_class)
    if module is None:
        return
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    if not lessons:
        return
    starts = today - datetime.timedelta(days=10)
    services.assign(
        teacher,
        [school_class],
        lesson=lessons[0],
        starts_on=starts,
        due_on=today + datetime.timedelta(days=2),
        note="<p>请认真阅读，读到最后。</p>",
    )
    if school_class.number == 1:
        services.assign(
            teacher, [school_class], module=module, starts_on=starts, due_on=today + datetime.timedelta(days=20)
        )
    # A lesson's quiz comes with its lesson: assigned again on its own it would be refused as a duplicate.
    if lesson_quiz is not None and not services.duplicates(school_class, quiz=lesson_quiz):
        services.assign(
            teacher, [school_class], quiz=lesson_quiz, starts_on=starts, due_on=today - datetime.timedelta(days=1)
        )
    # Half the class read the first lesson as the rule asks; a few only opened it.
    students = list(
        Enrollment.objects.filter(school_class=school_class)
        .order_by("student__student_number")
        .values_list("student_id", flat=True)
    )
    now = timezone.now()
    lesson = lessons[0]
    needed = completion.minimum_seconds(lesson)
    rows = []
    for index, student_id in enumerate(students[:9]):
        finished = index < 6 and not lesson.quiz_id
        rows.append(
            LessonProgress(
                student_id=student_id,
                lesson=lesson,
                first_opened_at=now - datetime.timedelta(days=3, minutes=40),
                last_seen_at=now - datetime.timedelta(days=3),
                active_seconds=needed + 120 if index < 6 else 20,
                reached_end_at=now - datetime.timedelta(days=3) if index < 6 else None,
                completed_at=now - datetime.timedelta(days=3) if finished else None,
            )
        )
    LessonProgress.objects.bulk_create(rows, ignore_conflicts=True)
    log = ClassHourLog(
        school_class=school_class,
        lesson=lesson,
        taught_on=_teaching_day(today, 5),
        class_hours=Decimal("1.0"),
        instructor_kind=InstructorKind.TEACHER,
        teacher=teacher,
        method=TeachingMethod.CLASSROOM if school_class.number == 1 else TeachingMethod.CLASS_MEETING,
        students_present=min(len(students), enrolled([school_class], _teaching_day(today, 5))[school_class.pk]),
        parts_covered="导入、认识毒品、案例讨论、小结",
        minutes=40,
        engagement=4,
    )
    try:
        services.save_class_hour(teacher, log)
    except ValidationError:
        # In a holiday long after the last term (late summer) no day is plausible; the demo logs none then.
        return


def _seed_activities(school, teacher, today: datetime.date, contest) -> int:
    if Activity.objects.filter(school=school).exists():
        return 0
    titles = {
        ActivityType.EXHIBITION: "参观禁毒教育基地",
        ActivityType.CLASS_MEETING: "“珍爱生命 远离毒品”主题班会",
        ActivityType.QUIZ: "禁毒知识竞赛",
        ActivityType.WORKS: "禁毒手抄报征集",
        ActivityType.FILM: "观看禁毒影片《门徒》片段",
    }
    colours = [(31, 111, 92), (21, 77, 64), (138, 75, 0), (74, 90, 99), (28, 43, 51)]
    classes = list(SchoolClass.objects.filter(school=school, school_year=SchoolYear.current()))
    for index, (kind, title) in enumerate(titles.items()):
        held_on = _teaching_day(today, 20 - 3 * index)
        activity = Activity(
            school=school,
            type=kind,
            title=title,
            held_on=held_on,
            participants=0,
            quiz=contest if kind == ActivityType.QUIZ else None,
            description="<p>活动按计划开展，学生积极参与。</p>",
        )
        roll = enrolled(classes, held_on)
        counts = {c: roll[c.pk] for c in classes}
        try:
            services.save_activity(teacher, activity, counts)
        except ValidationError:
            continue  # no plausible day in a long holiday (see _seed_class)
        photo = SimpleUploadedFile(f"{kind}.png", _photo(colours[index]), content_type="image/png")
        services.add_evidence(teacher, activity, [photo])
    return Activity.objects.filter(school=school).count()


def seed_classroom(ctx: SeedContext) -> None:
    today = timezone.localdate()
    year = SchoolYear.current()
    lesson_quiz = Quiz.objects.filter(live=True, kind=QuizKind.LESSON_CHECK).order_by("pk").first()
    contest = Quiz.objects.filter(live=True, kind=QuizKind.CONTEST).order_by("pk").first()
    links = ClassTeacher.objects.filter(school_class__school_year=year).select_related(
        "teacher", "school_class__school"
    )
    seen_schools = {}
    for link in links.order_by("school_class__school__code", "school_class__grade", "school_class__number"):
        _seed_class(link.school_class, link.teacher, today, lesson_quiz)
        seen_schools.setdefault(link.school_class.school, link.teacher)
    activities = sum(_seed_activities(school, teacher, today, contest) for school, teacher in seen_schools.items())
    _seed_letter(ctx.shared.get("parent_letter"), links, today)
    ctx.say(
        f"classroom: {Assignment.objects.count()} assignments, {ClassHourLog.objects.count()} class-hour logs, "
        f"{activities} new activities"
    )


def _seed_letter(letter, links, today) -> None:
    """The demo's 告家长书 goes to the first class, so its teacher sees the rates and its students the QR code."""
    first = links.order_by("school_class__school__code", "school_class__grade", "school_class__number").first()
    if letter is None or first is None:
        return
    if not LetterSend.objects.filter(
        letter=letter, school_class=first.school_class, withdrawn_at__isnull=True
    ).exists():
        letters.send_letter(
            letter=letter,
            school_class=first.school_class,
            closes_on=today + datetime.timedelta(days=7),
            by=first.teacher,
        )
