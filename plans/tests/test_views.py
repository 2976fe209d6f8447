"""The audit pages: who reaches them, what they show, and that screen and exports agree."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from people.models import SchoolClass, SchoolYear
from people.testing import make_school, make_student
from plans import ledger
from plans.models import LedgerItem, LedgerState, TableExport
from plans.planning import copy_plan, national_template
from plans.report import HEADERS
from plans.rollup import refresh_district

from .builders import attempt, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(world):
    year = SchoolYear.current()
    plan = copy_plan(national_template(), world.district, year.start_year, "青山区三年规划")
    ledger.open_items(plan, year.start_year)
    quiz = make_quiz()
    when = timezone.now()
    attempt(world.student, quiz, 1, 100, when, world.class_a)
    attempt(world.student_b, quiz, 1, 40, when, world.class_b)
    attempt(world.far_student, quiz, 1, 90, when, world.far_class)
    refresh_district(world.district, year.start_year)
    refresh_district(world.other_district, year.start_year)
    world.plan = plan
    return world


def login(client, user):
    client.force_login(user)


def test_anonymous_is_sent_to_sign_in(client):
    for name in ("plans:dashboard", "plans:report", "plans:ledger", "plans:samples", "plans:my_school"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/signin/" in response["Location"]


def test_only_bureau_reaches_dashboard_and_report(client, audited):
    for user in (audited.school_admin, audited.teacher, audited.student.user, audited.editor):
        client.force_login(user)
        assert client.get(reverse("plans:dashboard")).status_code == 403
        assert client.get(reverse("plans:report")).status_code == 403
        assert client.get(reverse("plans:report_csv")).status_code == 403


def test_dashboard_shows_own_district_only(client, audited):
    login(client, audited.auditor)
    response = client.get(reverse("plans:dashboard"), {"sort": "participation", "dir": "desc"})
    assert response.status_code == 200
    names = [row.name for row, _cells in response.context["table"]]
    assert names == ["青山一中", "青山二中"]  # 2 of 3 on roll took part vs 0 of 1
    assert "绿水一中" not in response.content.decode()
    # The far auditor sees her district and cannot open a school of ours.
    client.force_login(audited.far_auditor)
    page = client.get(reverse("plans:dashboard")).content.decode()
    assert "绿水一中" in page and "青山一中" not in page
    assert client.get(reverse("plans:school", args=[audited.school.pk])).status_code == 404
    item = LedgerItem.objects.filter(school=audited.school).first()
    assert client.get(reverse("plans:ledger_item", args=[item.pk])).status_code == 404


def test_dashboard_queries_do_not_grow_with_schools(client, audited, django_assert_max_num_queries):
    login(client, audited.auditor)
    client.get(reverse("plans:dashboard"))  # warm the session and caches
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("plans:dashboard"))
    # 12: the freshness line costs two (the newest row's time, the classes waiting for a refresh).
    with django_assert_max_num_queries(12) as small_report:
        client.get(reverse("plans:report"))
    for index in range(12):
        school = make_school(audited.district, f"X{index}", township=f"镇{index % 3}")
        make_student(SchoolClass.objects.create(school=school, school_year=SchoolYear.current(), grade=8, number=1))
    refresh_district(audited.district, SchoolYear.current().start_year)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("plans:dashboard"))
    assert len(response.context["table"]) == 14
    with django_assert_max_num_queries(len(small_report.captured_queries)):
        report = client.get(reverse("plans:report"), {"by": "township", "cols": "all"})
    assert report.context["total"][3] == 14


def test_school_table_and_report_are_paged_after_sorting_every_school(client, audited, monkeypatch):
    from plans.views import dashboard as dashboard_views
    from plans.views import report as report_views

    monkeypatch.setattr(dashboard_views, "SCHOOLS_PER_PAGE", 5)
    monkeypatch.setattr(report_views, "LINES_PER_PAGE", 5)
    for index in range(10):
        school = make_school(audited.district, f"Y{index:02d}", township="镇")
        make_student(SchoolClass.objects.create(school=school, school_year=SchoolYear.current(), grade=8, number=1))
    refresh_district(audited.district, SchoolYear.current().start_year)
    login(client, audited.auditor)
    seen = []
    for number in (1, 2, 3):
        response = client.get(reverse("plans:dashboard"), {"sort": "participation", "dir": "desc", "page": number})
        seen += [row.name for row, _cells in response.context["table"]]
    # The sort runs over all 12 schools before the cut: the two schools with participants lead page 1.
    assert len(seen) == 12 and len(set(seen)) == 12
    assert seen[:2] == ["青山一中", "青山二中"]
    page = response.content.decode()
    assert "sort=participation" in page and "page=2" in page and 'rel="prev"' in page
    # The total line counts every school, not the page's.
    assert response.context["total"].figures.on_roll == 14
    lines = []
    for number in (1, 2, 3):
        report = client.get(reverse("plans:report"), {"page": number, "sort": "name", "dir": "asc", "cols": "all"})
        lines += [line[1] for line in report.context["lines"]]
    assert len(lines) == 12 and lines == sorted(lines)
    assert report.context["total"][3] == 12
    # A page number past the end shows the last page rather than an error.
    assert client.get(reverse("plans:report"), {"page": 99}).context["page"].number == 3


def test_school_drill_down_to_class_and_records(client, audited):
    login(client, audited.auditor)
    school = client.get(reverse("plans:school", args=[audited.school.pk]))
    assert school.status_code == 200
    class_page = client.get(reverse("plans:class", args=[audited.class_a.pk]))
    assert class_page.status_code == 200
    names = [line.name for line in class_page.context["students"]]
    assert names == ["张三", "李四"]
    records = client.get(reverse("plans:records", args=[audited.class_a.pk, "attempts"]))
    assert list(records.context["attempts"].values_list("percent", flat=True)) == [100]


def test_school_admin_sees_own_school_figures_only(client, audited):
    login(client, audited.school_admin)
    response = client.get(reverse("plans:my_school"))
    assert response["Location"] == reverse("plans:school", args=[audited.school.pk])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("plans:school", args=[audited.other_school.pk])).status_code == 404
    client.force_login(audited.teacher)
    assert client.get(reverse("plans:school", args=[audited.school.pk])).status_code == 403


def test_xlsx_export_totals_equal_the_dashboard(client, audited):
    login(client, audited.auditor)
    dashboard = client.get(reverse("plans:dashboard")).context
    total = dashboard["total"].figures
    response = client.post(reverse("plans:export_create"), {"year": SchoolYear.current().start_year, "period": "year"})
    export = TableExport.objects.get()
    assert response["Location"] == reverse("plans:export", args=[export.pk])
    status = client.get(reverse("plans:export_status", args=[export.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    download = client.get(reverse("plans:export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "名称", "参与学校数", "学校总数")
    assert totals_rank_is_blank(rows[-1])
    totals = rows[-1][1:]
    assert totals[0] == "合计"
    assert totals[1:7] == (1, 2, 50.0, total.participants, total.on_roll, round(total.participation_rate, 1))
    assert totals[7] == round(total.pass_rate, 1) and totals[9] == round(total.average, 1)
    assert totals[10] == round(dashboard["total"].composite, 1)
    # Someone else cannot fetch it.
    client.force_login(audited.bureau_admin)
    assert client.get(reverse("plans:export_download", args=[export.pk])).status_code == 404


def totals_rank_is_blank(row) -> bool:
    return row[0] is None


def test_csv_by_township_streams_with_chinese_headers(client, audited):
    login(client, audited.auditor)
    response = client.get(reverse("plans:report_csv"), {"by": "township"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("排名,名称,参与学校数,学校总数,学校参与率(%)")
    assert lines[-1].startswith(",合计,1,2,50.0,2,4,50.0")
    assert len(HEADERS) + 1 == len(lines[0].split(","))


def test_ledger_flow_through_the_pages(client, audited):
    item = LedgerItem.objects.filter(school=audited.school).order_by("task__order").first()
    url = reverse("plans:ledger_item", args=[item.pk])
    login(client, audited.school_admin)
    assert client.get(url).status_code == 200
    client.post(reverse("plans:ledger_action", args=[item.pk, "evidence"]), {"evidence-note": "签到表已上传"})
    client.post(reverse("plans:ledger_action", args=[item.pk, "submit"]), {"submit-comment": "完成"})
    # The school admin's close is refused by the state machine, whatever she posts.
    client.post(reverse("plans:ledger_action", args=[item.pk, "close"]))
    item.refresh_from_db()
    assert item.state == LedgerState.SUBMITTED
    login(client, audited.auditor)
    returned = {"return-comment": "缺照片", "return-deadline": "2027-05-01"}
    client.post(reverse("plans:ledger_action", args=[item.pk, "return"]), returned)
    item.refresh_from_db()
    assert item.state == LedgerState.RETURNED
    login(client, audited.school_admin)
    assert "缺照片" in client.get(url).content.decode()


def test_a_ledger_item_carries_the_audit_navigation_for_the_bureau_only(client, audited):
    item = LedgerItem.objects.filter(school=audited.school).order_by("task__order").first()
    url = reverse("plans:ledger_item", args=[item.pk])
    login(client, audited.auditor)
    assert 'class="plans-subnav"' in client.get(url).content.decode()
    login(client, audited.school_admin)
    assert 'class="plans-subnav"' not in client.get(url).content.decode()


def test_sample_draw_is_seeded_and_sized():
    from plans.sampling import draw, sample_size

    assert [sample_size(n, 10, 4) for n in (3, 10, 40, 41, 100)] == [3, 4, 4, 5, 10]
    assert draw(list(range(1, 101)), 10, 4, 7) == draw(list(range(100, 0, -1)), 10, 4, 7)
    assert draw(list(range(1, 101)), 10, 4, 7) != draw(list(range(1, 101)), 10, 4, 8)


def test_sample_is_reproducible_and_archive_is_a_zip(client, audited):
    for index in range(8):
        make_school(audited.district, f"Y{index}")
    login(client, audited.auditor)
    client.post(reverse("plans:samples"), {"percent": 10, "minimum": 4, "seed": 20260901})
    client.post(reverse("plans:samples"), {"percent": 10, "minimum": 4, "seed": 20260901})
    from plans.models import Sample

    first, second = Sample.objects.order_by("id")
    assert len(first.school_ids) == 4 and first.school_ids == second.school_ids
    school_id = first.school_ids[0]
    response = client.get(reverse("plans:sample_archive", args=[first.pk, school_id]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {"figures.csv", "ledger.csv", "class-hours.csv"} <= set(archive.namelist())
    client.force_login(audited.far_auditor)
    assert client.get(reverse("plans:sample", args=[first.pk])).status_code == 404
