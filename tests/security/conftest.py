"""One populated district pair per test module: the World plus a record of every kind a URL can name.

Building it takes a second or two, so it is built once per module inside a transaction that is rolled back
at the end; each test runs in a savepoint inside it (pytest-django's `db`), so a test that changes rows
leaves the next one the same estate.
"""

import datetime
import hashlib
import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from PIL import Image

ROLES = ("anonymous", "student", "teacher", "school_admin", "far_auditor", "editor")

# Names only the other school (青山二中) and the other district (绿水一中) hold; see people/testing.py World.
OTHER_SCHOOL_STUDENT = "赵六"
FAR_STUDENT = "孙七"
CLASS_B_STUDENT = "王五"
OWN_STUDENTS = ("张三", "李四", "王五")

# What each role must never read on a page it is allowed to open.
FORBIDDEN_NAMES = {
    "anonymous": (*OWN_STUDENTS, OTHER_SCHOOL_STUDENT, FAR_STUDENT),
    "student": ("李四", CLASS_B_STUDENT, OTHER_SCHOOL_STUDENT, FAR_STUDENT),
    "teacher": (CLASS_B_STUDENT, OTHER_SCHOOL_STUDENT, FAR_STUDENT),
    "school_admin": (OTHER_SCHOOL_STUDENT, FAR_STUDENT, "绿水一中"),
    "far_auditor": (*OWN_STUDENTS, OTHER_SCHOOL_STUDENT, "青山一中", "青山二中"),
    "editor": (*OWN_STUDENTS, OTHER_SCHOOL_STUDENT, FAR_STUDENT),
}


def png_bytes(colour=(20, 110, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _side(world, *, school, school_class, student, teacher, admin, district, auditor, quiz, lesson, module, letter):
    """The records of one school: what a URL of that school names."""
    from classroom import hour_files, letters
    from classroom import services as classroom_services
    from classroom.models import Activity, ClassGroup, ClassHourLog
    from people.models import RosterUpload, SchoolYear
    from plans import ledger
    from plans.models import LedgerItem, PlanActivityType, TableExport
    from plans.planning import copy_plan, national_template
    from plans.sampling import draw_sample
    from quizzes import services as quiz_services

    today = timezone.localdate()
    year = SchoolYear.current()
    week = {"starts_on": today - datetime.timedelta(days=1), "due_on": today + datetime.timedelta(days=7)}
    (assignment,) = classroom_services.assign(teacher, [school_class], lesson=lesson, **week)
    (quiz_assignment,) = classroom_services.assign(teacher, [school_class], quiz=quiz, **week)
    (module_assignment,) = classroom_services.assign(teacher, [school_class], module=module, **week)
    group = classroom_services.save_group(teacher, ClassGroup(school_class=school_class, name="阅读小组"), [student])
    hour_log = classroom_services.save_class_hour(
        teacher,
        ClassHourLog(
            school_class=school_class,
            taught_on=today,
            class_hours=1,
            students_present=1,
            minutes=45,
            engagement=4,
            teacher=teacher,
            recorded_by=teacher,
        ),
    )
    activity = classroom_services.save_activity(
        teacher,
        Activity(school=school, type="class_meeting", title="禁毒主题班会", held_on=today),
        {school_class: 1},
    )
    (evidence,) = classroom_services.add_evidence(teacher, activity, [SimpleUploadedFile("班会照片.png", png_bytes())])
    (hour_file,) = hour_files.add_files(teacher, hour_log, [SimpleUploadedFile("签到表.png", png_bytes())])
    work = classroom_services.add_student_work(
        teacher, student=student, upload=SimpleUploadedFile("手抄报.pdf", PDF_BYTES), title="手抄报"
    )
    attempt = quiz_services.start_or_resume_attempt(student, quiz, check_access=False)
    roster = "姓名,学号,年级,班级\n新生,99001,8,1\n".encode()
    digest = hashlib.sha256(roster).hexdigest()
    upload = RosterUpload.objects.create(school=school, uploaded_by=admin, filename="r.csv", sha256=digest, data=roster)
    teacher_upload = RosterUpload.objects.create(
        school=school, uploaded_by=admin, filename="t.csv", sha256=digest, data=roster, kind="teachers"
    )
    plan = copy_plan(national_template(), district, year.start_year, f"{district.name}三年规划")
    ledger.open_items(plan, year.start_year)
    activity_type = PlanActivityType.objects.create(
        plan=plan, code="parent-letter", label_zh="告家长书", label_en="Letter to parents"
    )
    item = LedgerItem.objects.filter(school=school).order_by("pk").first()
    ledger_evidence = ledger.add_evidence(item, admin, upload=("台账.pdf", PDF_BYTES, "pdf"))
    sample = draw_sample(district, year, 100, 1, auditor, seed=7)
    export = TableExport.objects.create(requested_by=auditor, district=district, school_year=year)
    letter_send = letters.send_letter(letter=letter, school_class=school_class, closes_on=week["due_on"], by=teacher)
    from plans import bulletin as documents
    from plans.models import Bulletin

    bulletin = documents.publish(
        Bulletin.objects.create(district=district, school_year=year, title="通报", period_label="本学年"), auditor
    )
    bulletin.schools.add(school)  # published to the side's school, whatever its figures
    return SimpleNamespace(
        letter_send=letter_send,
        bulletin=bulletin,
        school=school,
        school_class=school_class,
        student=student,
        student_user=student.user,
        teacher=teacher,
        admin=admin,
        district=district,
        assignment=assignment,
        quiz_assignment=quiz_assignment,
        module_assignment=module_assignment,
        group=group,
        hour_log=hour_log,
        activity=activity,
        evidence=evidence,
        hour_file=hour_file,
        work=work,
        attempt=attempt,
        roster_upload=upload,
        teacher_upload=teacher_upload,
        plan=plan,
        activity_type=activity_type,
        task=plan.tasks.order_by("pk").first(),
        ledger_item=item,
        ledger_evidence=ledger_evidence,
        sample=sample,
        export=export,
        quiz=quiz,
        lesson=lesson,
        module=module,
    )


def build_estate(media_root):
    from wagtail.models import Locale

    from lessons.models import ParentLetter
    from lessons.tests.factories import make_lesson, make_module
    from people.models import RoleKind
    from people.testing import World, make_role_user, make_teacher
    from quizzes.tests import factories as quiz_factories

    world = World()
    far_teacher = make_teacher(world.far_school, [world.far_class], username="teacher_far")
    far_admin = make_role_user(RoleKind.SCHOOL_ADMIN, school=world.far_school, username="far_admin")
    module = make_module(slug="security-module")
    lesson = make_lesson(module, slug="security-lesson", estimated_minutes=10)
    questions = [quiz_factories.question(text=f"安全测试题{i}") for i in range(2)]
    quiz = quiz_factories.quiz(questions, title="安全测试小测", live=True, attempts_allowed=0, shuffle_questions=False)
    letter = ParentLetter(locale=Locale.get_default(), title="安全测试告家长书", body="<p>请阅读。</p>")
    letter.save()
    letter.save_revision().publish()
    common = {"quiz": quiz, "lesson": lesson, "module": module, "letter": letter}
    own = _side(
        world,
        school=world.school,
        school_class=world.class_a,
        student=world.student,
        teacher=world.teacher,
        admin=world.school_admin,
        district=world.district,
        auditor=world.auditor,
        **common,
    )
    far = _side(
        world,
        school=world.far_school,
        school_class=world.far_class,
        student=world.far_student,
        teacher=far_teacher,
        admin=far_admin,
        district=world.other_district,
        auditor=world.far_auditor,
        **common,
    )
    from lessons.models import TrainingCoursePage
    from lessons.tests.factories import chinese_index

    course = TrainingCoursePage(title="安全测试培训", slug="security-training", body=[])
    chinese_index().add_child(instance=course)
    course.test_questions.create(question=questions[0], sort_order=0)
    course.save_revision().publish()
    # Curriculum, the same on both sides: a teacher of either school may take it.
    own.training_course = far.training_course = course
    users = {
        "anonymous": None,
        "student": world.student.user,
        "teacher": world.teacher,
        "school_admin": world.school_admin,
        "far_auditor": world.far_auditor,
        "editor": world.editor,
    }
    return SimpleNamespace(world=world, own=own, far=far, users=users, media_root=media_root)


@pytest.fixture(scope="module")
def estate(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media_root = tmp_path_factory.mktemp("security-media")
    with override_settings(MEDIA_ROOT=str(media_root)), django_db_blocker.unblock():
        with transaction.atomic():
            built = build_estate(media_root)
            yield built
            transaction.set_rollback(True)


@pytest.fixture
def fresh(estate, db, settings):
    """The estate for one test: its own savepoint, its own media folder setting, an empty rate-limit cache."""
    settings.MEDIA_ROOT = str(estate.media_root)
    cache.clear()
    caches["ratelimit"].clear()  # the counters' table; the savepoint also undoes what the test counts
    yield estate
    cache.clear()


def client_for(estate, role: str) -> Client:
    client = Client()
    user = estate.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _project_models():
    from django.apps import apps

    # Lessons are Wagtail pages whose StreamField values print with memory addresses; no school POST changes them.
    labels = ("people", "quizzes", "classroom", "plans")
    return [
        model
        for label in labels
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def data_fingerprint() -> dict[str, int]:
    """A hash of every row of every project table: equal before and after means nothing was written."""
    return {
        model._meta.label: hash(repr(list(model.objects.order_by("pk").values_list()))) for model in _project_models()
    }
