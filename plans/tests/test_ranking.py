"""The 通报 table as a ranking: 排名 with ties (1, 2, 2, 4) by the one rule of plans.report, sortable by column
without changing a rank, a column choice that fits the screen, and the same ranks in the exports."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import SchoolClass, SchoolYear
from people.testing import make_school, make_student
from plans.dashboard import Row
from plans.metrics import Figures
from plans.planning import copy_plan, national_template
from plans.report import REPORT_COLUMNS, rank_lines, shown_columns
from plans.rollup import refresh_district

from .builders import attempt, make_quiz

pytestmark = pytest.mark.django_db


def line(name, composite, participants=0):
    return Row(key={}, name=name, figures=Figures(on_roll=10, participants=participants), composite=composite)


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    lines = rank_lines(
        [
            line("丁", 70.0),
            line("乙", 80.0, participants=3),
            line("无", None),
            line("甲", 90.0),
            line("丙", 80.0, participants=5),
        ]
    )
    assert [(row.name, row.extra["rank"]) for row in lines] == [
        ("甲", 1),
        ("丙", 2),  # tied with 乙; listed first for its higher participation rate
        ("乙", 2),
        ("丁", 4),
        ("无", None),  # no composite: unranked, last
    ]


def test_scores_are_compared_as_published():
    # 85.04 and 84.96 are both published as 85.0: they share the rank a reader sees they share.
    lines = rank_lines([line("a", 85.04), line("b", 84.96), line("c", 84.94)])
    assert [row.extra["rank"] for row in lines] == [1, 1, 3]


def test_ties_by_name_when_participation_is_equal_too():
    lines = rank_lines([line("b", 50.0), line("a", 50.0), line("c", 60.0)])
    assert [(row.name, row.extra["rank"]) for row in lines] == [("c", 1), ("a", 2), ("b", 2)]


def test_the_compact_column_choice_keeps_rank_name_and_composite():
    compact = [REPORT_COLUMNS[i].key for i in shown_columns("compact")]
    assert compact[:2] == ["rank", "name"] and "composite" in compact and "flagged" in compact
    assert len(compact) == 10 and len(shown_columns("all")) == 15


@pytest.fixture
def ranked(world):
    """Three schools of one district: two tie on the composite, one is ahead."""
    year = SchoolYear.current()
    copy_plan(national_template(), world.district, year.start_year, "青山区三年规划")
    quiz = make_quiz()
    now = timezone.now()
    third = make_school(world.district, "R3", township="南镇", name="青山三中")
    third_class = SchoolClass.objects.create(school=third, school_year=year, grade=8, number=1)
    # 青山一中 (3 on roll) and 青山三中 (1) have everyone taking part, all at full marks: equal figures.
    attempt(world.student, quiz, 1, 100, now, world.class_a)
    attempt(world.student_2, quiz, 1, 100, now, world.class_a)
    attempt(world.student_b, quiz, 1, 100, now, world.class_b)
    attempt(make_student(third_class, "r3-1"), quiz, 1, 100, now, third_class)
    refresh_district(world.district, year.start_year)
    return world


def test_the_report_ranks_sorts_and_keeps_ranks(client, ranked):
    client.force_login(ranked.auditor)
    response = client.get(reverse("plans:report"))
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [cells[0] for cells in lines] == sorted(cells[0] for cells in lines), "rank order by default"
    ranks = {cells[1]: cells[0] for cells in lines}
    page = response.content.decode()
    assert [h["key"] for h in response.context["headers"]][:2] == ["rank", "name"]
    assert 'aria-sort="ascending"' in page and "sort=composite" in page and 'id="rank-rule"' in page

    by_name = client.get(reverse("plans:report"), {"sort": "name", "dir": "asc"})
    names = [cells[1] for cells in by_name.context["lines"]]
    assert names == sorted(names)
    assert {cells[1]: cells[0] for cells in by_name.context["lines"]} == ranks, "a sort never changes a rank"
    reverse_rank = client.get(reverse("plans:report"), {"sort": "rank", "dir": "desc"})
    ranked_only = [cells[0] for cells in reverse_rank.context["lines"] if cells[0] is not None]
    assert ranked_only == sorted(ranked_only, reverse=True)

    everything = client.get(reverse("plans:report"), {"cols": "all"})
    assert len(everything.context["headers"]) == 15 and len(response.context["headers"]) == 10
    assert "cols=all" in everything.content.decode(), "the sort links keep the column choice"

    csv_response = client.get(reverse("plans:report_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "排名"
    assert {row[1]: row[0] for row in rows[1:-1]} == {name: str(rank or "") for name, rank in ranks.items()}


def test_two_schools_with_equal_figures_share_a_rank(client, ranked):
    client.force_login(ranked.auditor)
    lines = client.get(reverse("plans:report"), {"cols": "all"}).context["lines"]
    by_name = {cells[1]: cells for cells in lines}
    first, third = by_name["青山一中"], by_name["青山三中"]
    assert first[-4] == third[-4], "same composite"
    assert first[0] == third[0] == 1
    assert by_name["青山二中"][0] == 3
