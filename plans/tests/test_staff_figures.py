"""师资 as plan tasks: "每校至少 N 名教师完成培训" and 法治副校长配备率, computed from the training records and the
instructor roster, summed from school to district, shown where the plan's targets are, and refused outside
the reader's scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import training
from classroom.models import TrainingCompletion
from lessons.models import TrainingCoursePage
from lessons.tests.factories import chinese_index
from people.models import Instructor, InstructorKind, School, SchoolKind, SchoolYear
from people.testing import make_teacher
from plans import dashboard, ledger, metrics
from plans.evidence import auto_evidence
from plans.models import LedgerItem, PlanTask, TaskKind, TaskTarget
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district
from quizzes.tests.factories import question

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    page = TrainingCoursePage(title="不靠恐吓的预防教育", slug="training-staff", hours=Decimal("2.5"), pass_mark=60)
    chinese_index().add_child(instance=page)
    q = question(text="恐吓式宣传有效吗？", options=(("无效", 100), ("有效", 0)))
    page.test_questions.create(question=q, sort_order=0)
    page.save_revision().publish()
    return TrainingCoursePage.objects.get(pk=page.pk)


def _pass(teacher, school, course, right=True):
    q = course.questions()[0]
    option = q.options.get(weight=100 if right else 0)
    return training.take_test(teacher, school, course, {q.pk: [option.pk]})


@pytest.fixture
def staffed(world):
    year = SchoolYear.current()
    plan = copy_plan(national_template(), world.district, year.start_year, "青山区三年规划")
    trained = PlanTask.objects.create(
        plan=plan, order=50, kind=TaskKind.TRAINED_TEACHERS, title="每校至少2名教师完成培训"
    )
    TaskTarget.objects.create(task=trained, year_index=1, target=2)
    staffing = PlanTask.objects.create(
        plan=plan, order=51, kind=TaskKind.LEGAL_VICE_PRINCIPAL, title="法治副校长配备率"
    )
    TaskTarget.objects.create(task=staffing, year_index=1, target=100)
    ledger.open_items(plan, year.start_year)
    refresh_district(world.district, year.start_year)
    refresh_district(world.other_district, year.start_year)
    world.plan, world.year, world.trained_task, world.staffing_task = plan, year, trained, staffing
    return world


def _district_figures(world, schools=None):
    schools = schools or School.objects.filter(district=world.district)
    staff = metrics.staff_for(schools, world.year.start_year)
    return metrics.add_up_schools([({}, metrics.Figures(staff=(one,))) for one in staff.values()])


def test_training_counts_teachers_with_a_pass_at_the_school_and_their_hours(staffed, course):
    world = staffed
    _pass(world.teacher, world.school, course, right=False)
    staff = metrics.staff_for(School.objects.filter(district=world.district), world.year.start_year)
    assert (staff[world.school.pk].teachers_trained, staff[world.school.pk].training_hours) == (0, 0.0)
    _pass(world.teacher, world.school, course)
    _pass(world.other_teacher, world.other_school, course)
    staff = metrics.staff_for(School.objects.filter(district=world.district), world.year.start_year)
    assert (staff[world.school.pk].teachers_trained, staff[world.school.pk].training_hours) == (1, 2.5)
    assert (staff[world.other_school.pk].teachers_trained, staff[world.other_school.pk].training_hours) == (1, 2.5)
    assert set(staff) == {world.school.pk, world.other_school.pk}, "no school of another district"


def test_a_pass_after_the_year_is_not_counted_in_it(staffed, course):
    world = staffed
    completion = _pass(world.teacher, world.school, course)
    later = timezone.make_aware(datetime.datetime.combine(world.year.ends_on, datetime.time(12)))
    TrainingCompletion.objects.filter(pk=completion.pk).update(completed_at=later + datetime.timedelta(days=1))
    schools = School.objects.filter(pk=world.school.pk)
    assert metrics.staff_for(schools, world.year.start_year)[world.school.pk].teachers_trained == 0
    TrainingCompletion.objects.filter(pk=completion.pk).update(completed_at=later)
    assert metrics.staff_for(schools, world.year.start_year)[world.school.pk].teachers_trained == 1


def test_each_school_owes_n_teachers_and_is_credited_at_most_n(staffed, course):
    world, task, year = staffed, staffed.trained_task, staffed.year.start_year
    # School 1: three trained (credited 2 of 2); school 2: none (0 of 2). District: 2 of 4, not the 75 % a
    # count of trained teachers (3 of 4) would give: one busy school does not hide an empty one.
    third = make_teacher(world.school, username="teacher_c")
    for teacher in (world.teacher, world.teacher_b, third):
        _pass(teacher, world.school, course)
    district = _district_figures(world)
    assert metrics.staff_counts(district, task, year) == metrics.StaffCounts(
        schools=2, done=1, credited=2, owed=4, teachers=3, hours=7.5
    )
    assert metrics.task_value(district, task, year) == 50.0
    assert metrics.task_target(task, year) == 100.0
    one = _district_figures(world, School.objects.filter(pk=world.school.pk))
    assert metrics.task_value(one, task, year) == 100.0
    _pass(world.other_teacher, world.other_school, course)
    assert metrics.task_value(_district_figures(world), task, year) == 75.0


def _staff_sentence(world, target: int, language: str) -> str:
    from django.utils import translation

    TaskTarget.objects.filter(task=world.trained_task, year_index=1).update(target=target)
    task = PlanTask.objects.get(pk=world.trained_task.pk)
    figures = _district_figures(world, School.objects.filter(pk=world.school.pk))
    with translation.override(language):
        return metrics.staff_text(figures, task, world.year.start_year)


def test_the_staff_sentence_is_plural_by_its_own_numbers(staffed, course):
    world = staffed
    _pass(world.teacher, world.school, course)
    assert _staff_sentence(world, 1, "en") == (
        "1 of 1 schools have at least 1 trained teacher. 1 teacher trained, 2.5 training hours."
    )
    _pass(world.teacher_b, world.school, course)
    assert _staff_sentence(world, 2, "en") == (
        "1 of 1 schools have at least 2 trained teachers. 2 teachers trained, 5 training hours."
    )
    assert (
        _staff_sentence(world, 2, "zh-hans")
        == "1 所学校中有 1 所至少有 2 名教师完成培训。共 2 名教师完成培训，培训 5 学时。"
    )


def test_a_fractional_target_asks_for_the_next_whole_teacher(staffed):
    target = staffed.trained_task.targets.get()
    target.target = Decimal("1.5")
    assert metrics.teachers_owed(target) == 2


def test_legal_vice_principal_rate_is_staffed_schools_over_schools(staffed):
    world, task, year = staffed, staffed.staffing_task, staffed.year.start_year
    assert metrics.task_value(_district_figures(world), task, year) == 0.0
    Instructor.objects.create(school=world.school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="王警官")
    Instructor.objects.create(
        school=world.other_school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="李法官", active=False
    )
    Instructor.objects.create(school=world.other_school, kind=InstructorKind.OUTSIDE, name="禁毒社工")
    Instructor.objects.create(school=world.far_school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="赵检察官")
    district = _district_figures(world)
    assert metrics.staff_counts(district, task, year).done == 1
    assert metrics.task_value(district, task, year) == 50.0


def test_a_task_for_other_school_types_has_no_figure_here(staffed):
    world, task, year = staffed, staffed.staffing_task, staffed.year.start_year
    task.school_kinds = [SchoolKind.SENIOR]
    assert metrics.staff_counts(_district_figures(world), task, year).schools == 0
    assert metrics.task_value(_district_figures(world), task, year) is None


def test_staff_shortfalls_only_where_the_records_were_read(staffed, course):
    world, year = staffed, staffed.year.start_year
    _pass(world.teacher, world.school, course)
    figures = _district_figures(world, School.objects.filter(pk=world.school.pk))
    gaps = {gap.task.kind: gap.points for gap in metrics.shortfalls(figures, world.plan, year)}
    assert gaps[TaskKind.TRAINED_TEACHERS] == 50.0 and gaps[TaskKind.LEGAL_VICE_PRINCIPAL] == 100.0
    bare = {gap.task.kind for gap in metrics.shortfalls(metrics.Figures(), world.plan, year)}
    assert not bare & metrics.STAFF_KINDS


def test_the_school_page_shows_the_staff_tasks_against_their_targets(client, staffed, course):
    world = staffed
    _pass(world.teacher, world.school, course)
    Instructor.objects.create(school=world.school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="王警官")
    client.force_login(world.school_admin)
    response = client.get(reverse("plans:school", args=[world.school.pk]))
    lines = {line.task.kind: line for line in response.context["targets"]}
    trained, staffing = lines[TaskKind.TRAINED_TEACHERS], lines[TaskKind.LEGAL_VICE_PRINCIPAL]
    assert (trained.value, trained.target, trained.met) == (50.0, 100.0, False)
    assert (staffing.value, staffing.met) == (100.0, True)
    html = response.content.decode()
    assert trained.target_label in html and trained.detail in html
    # The page reads zh-Hans, as it is served.
    assert trained.detail == "1 所学校中有 0 所至少有 2 名教师完成培训。共 1 名教师完成培训，培训 2.5 学时。"


def test_the_dashboard_sums_the_schools_and_names_the_school_behind(client, staffed, course):
    world = staffed
    _pass(world.teacher, world.school, course)
    _pass(world.teacher_b, world.school, course)
    client.force_login(world.auditor)
    response = client.get(reverse("plans:dashboard"))
    lines = {line.task.kind: line for line in response.context["targets"]}
    assert lines[TaskKind.TRAINED_TEACHERS].value == 50.0  # 2 of 4 owed in two schools
    assert lines[TaskKind.LEGAL_VICE_PRINCIPAL].value == 0.0
    behind = {row.name: {gap.task.kind for gap in row.shortfalls} for row in response.context["behind"]}
    assert TaskKind.TRAINED_TEACHERS in behind[world.other_school.name]
    assert TaskKind.TRAINED_TEACHERS not in behind.get(world.school.name, set())


def test_the_staff_figures_are_refused_outside_the_readers_scope(client, staffed):
    world = staffed
    for user in (world.other_school_admin, world.far_auditor):
        client.force_login(user)
        assert client.get(reverse("plans:school", args=[world.school.pk])).status_code == 404
    for user in (world.teacher, world.student.user):
        client.force_login(user)
        assert client.get(reverse("plans:school", args=[world.school.pk])).status_code == 403
    client.force_login(world.far_auditor)
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 200
    assert world.school.name not in response.content.decode()


def test_dashboard_queries_stay_constant_with_staff_tasks(client, staffed, django_assert_max_num_queries):
    from people.testing import make_class, make_school, make_student

    world = staffed
    client.force_login(world.auditor)
    client.get(reverse("plans:dashboard"))
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("plans:dashboard"))
    for index in range(6):
        school = make_school(world.district, f"X{index}")
        make_student(make_class(school))
    refresh_district(world.district, world.year.start_year)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("plans:dashboard"))
    assert len(response.context["table"]) == 8


def test_the_ledger_item_of_a_training_task_gathers_the_schools_figure(staffed, course):
    world = staffed
    _pass(world.teacher, world.school, course)
    item = LedgerItem.objects.get(task=world.trained_task, school=world.school)
    auto = auto_evidence(item)
    assert (auto.value, auto.target) == (50.0, 100.0)
    assert ledger.shortfall(item).points == 50.0
    other = LedgerItem.objects.get(task=world.staffing_task, school=world.other_school)
    assert auto_evidence(other).value == 0.0


def test_target_lines_without_staff_read_show_no_figure(staffed):
    lines = dashboard.target_lines(staffed.plan, staffed.year.start_year, metrics.Figures())
    trained = next(line for line in lines if line.task.kind == TaskKind.TRAINED_TEACHERS)
    assert (trained.value, trained.detail) == (None, "")


def test_the_plan_page_writes_a_training_target_as_teachers_not_a_percentage(client, staffed):
    client.force_login(staffed.auditor)
    html = client.get(reverse("plans:plan", args=[staffed.plan.pk])).content.decode()
    assert "2 teachers per school" in html or "每校 2 名教师" in html


def test_the_bulletin_names_a_school_behind_on_trained_teachers(staffed, course):
    from plans.bulletin import build_content
    from plans.models import Bulletin

    world = staffed
    # The first school has its two trained teachers, the second none: only the second is behind on training.
    _pass(world.teacher, world.school, course)
    _pass(world.teacher_b, world.school, course)
    bulletin = Bulletin.objects.create(
        district=world.district, school_year=world.year, title="通报", period_label="本学年"
    )
    behind = {entry["school"]: [gap["task"] for gap in entry["gaps"]] for entry in build_content(bulletin)["behind"]}
    assert world.trained_task.title in behind[world.other_school.name]
    assert world.trained_task.title not in behind.get(world.school.name, [])
