"""Year-end promotion: the rules of people.promotion and its page, with the clock frozen at chosen days."""

import datetime
import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from people.models import ClassTeacher, Enrollment, Promotion, SchoolClass, SchoolKind, SchoolYear, Student
from people.promotion import (
    PromotionRefused,
    opens_on,
    promote_school,
    promotion_state,
    undo_blockers,
    undo_promotion,
)
from people.testing import frozen_time, make_class, make_role_user, make_school, make_student, make_teacher

pytestmark = pytest.mark.django_db

AFTER_YEAR = datetime.date(2026, 9, 2)  # the 2025–2026 year and its second term ended on 31 August
DECEMBER = datetime.date(2025, 12, 15)  # the measured bug: promotion in the middle of the year


@pytest.fixture
def year():
    return SchoolYear.get_or_create_for(2025)


@pytest.fixture
def next_year(year):
    return SchoolYear.get_or_create_for(2026)


def snapshot(school):
    """Every class, enrollment and graduation of the school, as comparable rows."""
    return (
        sorted(SchoolClass.objects.filter(school=school).values_list("pk", "school_year_id", "grade", "number")),
        sorted(
            Enrollment.objects.filter(student__school=school).values_list(
                "pk", "student_id", "school_class_id", "joined_on", "left_on"
            )
        ),
        sorted(Student.objects.filter(school=school).values_list("pk", "graduated_on", "left_on")),
    )


def junior_school(year, code="P1"):
    school = make_school(code=code, kind=SchoolKind.JUNIOR)
    c7 = make_class(school, grade=7, number=1, year=year)
    c8 = make_class(school, grade=8, number=2, year=year)
    c9 = make_class(school, grade=9, number=1, year=year)
    s7 = [make_student(c7) for _ in range(3)]
    s8 = make_student(c8)
    s9 = [make_student(c9) for _ in range(2)]
    return school, (c7, c8, c9), (s7, s8, s9)


def test_promotion_moves_classes_up_graduates_top_grade_and_keeps_last_year(year, next_year):
    school, (c7, c8, _c9), (s7, s8, s9) = junior_school(year)
    left = make_student(c7)
    Student.objects.filter(pk=left.pk).update(left_on="2026-03-01")
    before = sorted(Enrollment.objects.filter(school_year=year).values_list("school_class_id", "student_id"))

    with frozen_time(AFTER_YEAR):
        state = promotion_state(school)
        assert (state.from_year, state.to_year, state.is_open) == (year, next_year, True)
        result = promote_school(school, year, next_year)

    assert (result.classes_created, result.students_promoted, result.students_graduated) == (2, 4, 2)
    assert sorted(Enrollment.objects.filter(school_year=year).values_list("school_class_id", "student_id")) == before
    new8 = SchoolClass.objects.get(school=school, school_year=next_year, grade=8, number=1)
    assert new8.promoted_from == c7
    assert set(new8.enrollments.values_list("student_id", flat=True)) == {s.pk for s in s7}
    assert SchoolClass.objects.get(school=school, school_year=next_year, grade=9, number=2).promoted_from == c8
    assert Enrollment.objects.get(student=s8, school_year=next_year).school_class.grade == 9
    # Graduated on the year's last day, so they stay on the roll of the year they finished, to its end.
    assert {Student.objects.get(pk=s.pk).graduated_on for s in s9} == {year.ends_on}
    assert not Enrollment.objects.filter(student=left, school_year=next_year).exists()
    assert not SchoolClass.objects.filter(school=school, school_year=next_year, grade=10).exists()


def test_promotion_touches_only_its_school(year, next_year):
    school = make_school(code="P2")
    other = make_school(code="P3")
    make_student(make_class(school, grade=7, year=year))
    make_student(make_class(other, grade=7, year=year))
    with frozen_time(AFTER_YEAR):
        promote_school(school, year, next_year)
    assert not SchoolClass.objects.filter(school=other, school_year=next_year).exists()
    assert not Promotion.objects.filter(school=other).exists()


@pytest.mark.parametrize("day", [DECEMBER, datetime.date(2026, 8, 31)])
def test_promotion_is_refused_before_the_last_term_ends(year, next_year, day):
    school, _classes, _students = junior_school(year)
    before = snapshot(school)
    with frozen_time(day), pytest.raises(PromotionRefused):
        promote_school(school, year, next_year)
    assert snapshot(school) == before
    assert not Promotion.objects.exists()
    with frozen_time(day):
        assert promotion_state(school).is_open is False


def test_promotion_opens_the_day_after_an_edited_last_term(year, next_year):
    year.terms.filter(number=2).update(ends_on=datetime.date(2026, 7, 10))
    school, _classes, _students = junior_school(year)
    assert opens_on(year) == datetime.date(2026, 7, 11)
    with frozen_time(datetime.date(2026, 7, 10)), pytest.raises(PromotionRefused):
        promote_school(school, year, next_year)
    with frozen_time(datetime.date(2026, 7, 11)):
        assert promote_school(school, year, next_year).students_promoted == 4


def test_promotion_goes_into_the_next_year_only(year):
    school, _classes, _students = junior_school(year)
    with frozen_time(AFTER_YEAR), pytest.raises(PromotionRefused):
        promote_school(school, year, SchoolYear.get_or_create_for(2027))


def test_a_second_run_is_a_no_op(year, next_year):
    school, _classes, _students = junior_school(year)
    with frozen_time(AFTER_YEAR):
        first = promote_school(school, year, next_year)
        after_first = snapshot(school)
        again = promote_school(school, year, next_year)
    assert first.changed and not again.changed
    assert again.already_done and again.promotion == first.promotion
    assert snapshot(school) == after_first
    assert Promotion.objects.filter(school=school).count() == 1
    assert AuditEvent.objects.filter(action="people.promotion").count() == 1


def test_the_database_refuses_a_second_live_promotion(year, next_year):
    school = make_school(code="P4")
    row = {"school": school, "from_year": year, "to_year": next_year, "performed_at": timezone.now()}
    Promotion.objects.create(**row, undone_at=timezone.now())  # an undone one does not count
    Promotion.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(**row)


@pytest.fixture
def admin_client(client, year):
    school, classes, students = junior_school(year, code="P5")
    admin = make_role_user("school_admin", school=school)
    client.force_login(admin)
    client.school, client.classes, client.students = school, classes, students
    return client


def test_a_repeated_post_of_the_form_changes_nothing(admin_client, year, next_year):
    """The measured bug: the second POST promoted 2026→2027 again and graduated the pupils just promoted."""
    school = admin_client.school
    url = reverse("people:promote", args=[school.code])
    with frozen_time(AFTER_YEAR):
        page = admin_client.get(url)
        assert b'name="from_year" value="2025"' in page.content and b'name="to_year" value="2026"' in page.content
        form = {"from_year": "2025", "to_year": "2026"}
        assert admin_client.post(url, form).status_code == 302
        after_first = snapshot(school)
        assert admin_client.post(url, form).status_code == 302
        assert admin_client.post(url, form).status_code == 302
        page = admin_client.get(url)
    assert snapshot(school) == after_first
    assert not SchoolClass.objects.filter(school=school, school_year__start_year=2027).exists()
    promoted = Enrollment.objects.filter(school_year=next_year).values_list("student_id", flat=True)
    assert promoted and not Student.objects.filter(pk__in=promoted, graduated_on__isnull=False).exists()
    assert b"data-promotion-done" in page.content and b'name="from_year"' not in page.content


def test_the_form_for_other_years_is_refused(admin_client, year, next_year):
    school = admin_client.school
    url = reverse("people:promote", args=[school.code])
    before = snapshot(school)
    with frozen_time(AFTER_YEAR):
        for form in (
            {},
            {"from_year": "2024", "to_year": "2025"},
            {"from_year": "2026", "to_year": "2027"},
            {"from_year": "x"},
        ):
            assert admin_client.post(url, form).status_code == 302
    assert snapshot(school) == before and not Promotion.objects.exists()


def test_the_page_offers_no_promotion_in_december(admin_client, year):
    school = admin_client.school
    url = reverse("people:promote", args=[school.code])
    with frozen_time(DECEMBER):
        page = admin_client.get(url)
        assert b"data-promotion-closed" in page.content and b'name="from_year"' not in page.content
        admin_client.post(url, {"from_year": "2025", "to_year": "2026"})
    assert not Promotion.objects.exists()
    assert not Student.objects.filter(school=school, graduated_on__isnull=False).exists()


def test_a_new_intake_in_the_coming_year_does_not_move_the_year_to_promote(year, next_year):
    school, _classes, _students = junior_school(year, code="P6")
    make_student(make_class(school, grade=7, number=1, year=next_year))
    with frozen_time(AFTER_YEAR):
        state = promotion_state(school)
        assert (state.from_year, state.to_year) == (year, next_year)
        result = promote_school(school, year, next_year)
    assert result.classes_created == 2  # 8-1 and 9-2; the imported 7-1 is left as it is


def test_undo_restores_classes_enrollments_and_graduates_exactly(admin_client, year, next_year):
    school = admin_client.school
    # A new intake imported into the coming year before promotion stays through promotion and its undoing.
    make_student(make_class(school, grade=7, number=1, year=next_year))
    before = snapshot(school)
    with frozen_time(AFTER_YEAR):
        admin_client.post(reverse("people:promote", args=[school.code]), {"from_year": "2025", "to_year": "2026"})
        promotion = Promotion.objects.get(school=school)
        assert snapshot(school) != before
        page = admin_client.get(reverse("people:promote", args=[school.code]))
        assert b"promote/undo/" in page.content
        response = admin_client.post(reverse("people:promote_undo", args=[school.code]), {"promotion": promotion.pk})
    assert response.status_code == 302
    assert snapshot(school) == before
    promotion.refresh_from_db()
    assert promotion.undone_at is not None
    assert AuditEvent.objects.filter(action="people.promotion_undone").count() == 1
    # Undone, the year can be promoted again, once.
    with frozen_time(AFTER_YEAR + datetime.timedelta(days=1)):
        assert promotion_state(school).is_open
        assert promote_school(school, year, next_year).students_promoted == 4
        assert promote_school(school, year, next_year).already_done


def test_undo_is_refused_once_teachers_or_students_join_the_new_classes(year, next_year):
    school, _classes, _students = junior_school(year, code="P7")
    with frozen_time(AFTER_YEAR):
        promotion = promote_school(school, year, next_year).promotion
    assert undo_blockers(promotion) == []
    new_class = SchoolClass.objects.get(pk=promotion.created_classes[0])
    link = ClassTeacher.objects.create(teacher=make_teacher(school), school_class=new_class)
    assert undo_blockers(promotion)
    link.delete()
    newcomer = make_student(new_class)
    before = snapshot(school)
    with pytest.raises(PromotionRefused):
        undo_promotion(promotion)
    assert snapshot(school) == before
    Enrollment.objects.filter(student=newcomer).delete()
    undo_promotion(promotion)
    with pytest.raises(PromotionRefused):
        undo_promotion(promotion)  # already undone


def test_only_the_schools_administrator_may_promote_or_undo(client, year, next_year):
    school, _classes, _students = junior_school(year, code="P8")
    other_school = make_school(code="P9")
    with frozen_time(AFTER_YEAR):
        promotion = promote_school(school, year, next_year).promotion
    teacher = make_teacher(school)
    student = Student.objects.filter(school=school, graduated_on__isnull=True).first()
    refused = {
        make_role_user("school_admin", school=other_school): 404,
        teacher: 404,
        student.user: 404,
    }
    before = snapshot(school)
    for user, status in refused.items():
        client.force_login(user)
        with frozen_time(AFTER_YEAR):
            assert client.get(reverse("people:promote", args=[school.code])).status_code == status
            form = {"from_year": "2025", "to_year": "2026"}
            assert client.post(reverse("people:promote", args=[school.code]), form).status_code == status
            undo = {"promotion": promotion.pk}
            assert client.post(reverse("people:promote_undo", args=[school.code]), undo).status_code == status
    # Another school's administrator cannot reach this promotion through her own school either.
    client.force_login(make_role_user("school_admin", school=other_school))
    assert client.post(reverse("people:promote_undo", args=[other_school.code]), undo).status_code == 404
    assert snapshot(school) == before
    promotion.refresh_from_db()
    assert promotion.undone_at is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_promotions_promote_once():
    year, next_year = SchoolYear.get_or_create_for(2025), SchoolYear.get_or_create_for(2026)
    school, _classes, _students = junior_school(year, code="PC")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(promote_school(school, year, next_year))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    # One frozen clock for all four threads: patching it per thread would race.
    with frozen_time(AFTER_YEAR):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(r.already_done for r in results) == [False, True, True, True]
    assert Promotion.objects.filter(school=school).count() == 1
    assert Enrollment.objects.filter(school_year=next_year).count() == 4
    assert SchoolClass.objects.filter(school=school, school_year=next_year).count() == 2
