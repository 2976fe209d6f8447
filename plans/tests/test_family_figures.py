"""告家长书 in the figures: the share of students whose parents acknowledged a letter, and whose family did its
home activity, per class, summed exactly upward, moved by each 签收 with no rebuild, and usable as a plan target."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale

from classroom import letters
from classroom.models import ParentLink
from lessons.models import ParentLetter
from people.models import SchoolYear
from plans.metrics import TASK_FIGURE, Figures, figure_value
from plans.models import ClassFigures, Period, TaskKind
from plans.models.plan import RATE_KINDS
from plans.rollup import refresh_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(world):
    letter = ParentLetter(
        locale=Locale.get_default(),
        title="致家长的一封信",
        body="<p>请阅读。</p>",
        questions=[("question", "聊了什么？")],
    )
    letter.save()
    letter.save_revision().publish()
    return letters.send_letter(
        letter=letter,
        school_class=world.class_a,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        by=world.teacher,
    )


def _row(school_class) -> ClassFigures:
    return ClassFigures.objects.get(school_class=school_class, period=Period.YEAR)


def _ack(send, student, answers=()):
    token = letters.links_for(send, [student])[student.pk]
    found = ParentLink.objects.get(digest=letters.digest_of(token))
    return letters.acknowledge(found, parent_name="家长", relationship="mother", answers=list(answers))


def test_each_acknowledgement_moves_the_class_figures_with_no_rebuild(world, send, django_capture_on_commit_callbacks):
    refresh_district(world.district, SchoolYear.current().start_year)
    assert _row(world.class_a).families_acknowledged == 0
    with django_capture_on_commit_callbacks(execute=True):
        _ack(send, world.student, ["吃饭时聊了拒绝的办法"])
    row = _row(world.class_a)
    assert (row.on_roll, row.families_acknowledged, row.families_active) == (2, 1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        _ack(send, world.student_2)
    row = _row(world.class_a)
    assert (row.families_acknowledged, row.families_active) == (2, 1)
    figures = Figures.from_mapping(row.__dict__)
    assert (figures.family_rate, figures.family_activity_rate) == (100.0, 50.0)
    with django_capture_on_commit_callbacks(execute=True):
        letters.withdraw(send, by=world.teacher)
    assert _row(world.class_a).families_acknowledged == 0, "a withdrawn letter's 签收 stop counting"


def test_the_rebuild_gives_what_the_live_refresh_gave_and_other_classes_are_untouched(
    world, send, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ack(send, world.student, ["聊了"])
        _ack(send, world.student_2)
    live = _row(world.class_a)
    refresh_district(world.district, SchoolYear.current().start_year)
    rebuilt = _row(world.class_a)
    assert (live.families_acknowledged, live.families_active) == (
        rebuilt.families_acknowledged,
        rebuilt.families_active,
    )
    assert (rebuilt.families_acknowledged, rebuilt.families_active) == (2, 1)
    assert _row(world.class_b).families_acknowledged == 0


def test_the_rates_sum_exactly_as_counts_never_as_averages():
    class_a = Figures(on_roll=10, families_acknowledged=10)
    class_b = Figures(on_roll=30, families_acknowledged=0)
    school = class_a + class_b
    assert school.family_rate == 25.0  # 10 of 40, not the 50 an average of 100% and 0% would give


def test_the_family_rate_is_a_plan_target_kind():
    assert TaskKind.FAMILY in RATE_KINDS
    assert figure_value(Figures(on_roll=4, families_acknowledged=3), TASK_FIGURE[TaskKind.FAMILY]) == 75.0


def test_the_bureau_reads_the_family_rate_class_by_class_on_the_school_page(client, world, send):
    from django.urls import reverse

    _ack(send, world.student)
    refresh_district(world.district, SchoolYear.current().start_year)
    client.force_login(world.auditor)
    response = client.get(reverse("plans:school", args=[world.school.pk]))
    family = [cell for _row, row_cells in response.context["table"] for cell in row_cells if cell["key"] == "family"]
    assert [cell["text"] for cell in family] == ["50.0%", "0.0%"]  # class A: 1 of 2; class B: 0 of 1
    assert [c["text"] for c in response.context["total_cells"] if c["key"] == "family"] == ["33.3%"]
    for user in (world.far_auditor, world.other_school_admin):
        client.force_login(user)
        assert client.get(reverse("plans:school", args=[world.school.pk])).status_code == 404
