"""The scope querysets moved into people.scope refuse another school, class, district and role.

Each rule is asked for the world's users (two districts; two schools in the first; a teacher per class, a
grade leader, school and bureau admins, an auditor, a far district's auditor, content staff and a student).
"""

import pytest
from django.utils import timezone

from classroom.models import Activity, ClassHourLog, StudentWork
from people import scope
from people.models import Enrollment, Role, RoleKind, SchoolYear, Term

pytestmark = pytest.mark.django_db


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _pks(*objects) -> set[int]:
    return {o.pk for o in objects}


def test_schools_a_user_may_change_are_a_bureau_admins_district_only(world):
    assert _ids(scope.changeable_schools_for(world.bureau_admin)) == _pks(world.school, world.other_school)
    for user in (world.auditor, world.far_auditor, world.school_admin, world.teacher, world.student.user):
        assert not scope.changeable_schools_for(user).exists(), user


def test_classes_and_students_a_user_may_change_are_her_managed_schools_only(world):
    assert _ids(scope.changeable_classes_for(world.school_admin)) == _pks(world.class_a, world.class_b)
    assert _ids(scope.changeable_classes_for(world.other_school_admin)) == _pks(world.other_class)
    assert _ids(scope.changeable_students_for(world.school_admin)) == _pks(
        world.student, world.student_2, world.student_b
    )
    for user in (world.bureau_admin, world.auditor, world.teacher, world.grade_leader, world.student.user):
        assert not scope.changeable_classes_for(user).exists(), user
        assert not scope.changeable_students_for(user).exists(), user


def test_roles_a_user_may_grant_stay_in_her_school_or_district_and_below_her(world):
    school_roles = scope.manageable_roles_for(world.school_admin)
    assert set(school_roles.values_list("kind", flat=True)) == {RoleKind.TEACHER, RoleKind.GRADE_LEADER}
    assert set(school_roles.values_list("school_id", flat=True)) == {world.school.pk}
    bureau_roles = scope.manageable_roles_for(world.bureau_admin)
    assert set(bureau_roles.values_list("kind", flat=True)) == {RoleKind.SCHOOL_ADMIN}
    assert set(bureau_roles.values_list("user_id", flat=True)) == _pks(world.school_admin, world.other_school_admin)
    assert not Role.objects.filter(kind=RoleKind.SCHOOL_ADMIN).filter(pk__in=school_roles).exists()
    for user in (world.auditor, world.far_auditor, world.teacher, world.grade_leader, world.editor):
        assert not scope.manageable_roles_for(user).exists(), user
    assert _ids(scope.grantable_schools_for(world.school_admin)) == _pks(world.school)
    assert _ids(scope.grantable_schools_for(world.bureau_admin)) == _pks(world.school, world.other_school)
    for user in (world.auditor, world.far_auditor, world.teacher, world.student.user):
        assert not scope.grantable_schools_for(user).exists(), user


def test_records_of_classes_follow_the_class_rules(world):
    records = Enrollment.objects.all()
    of = {e.student_id: e.pk for e in records}
    assert _ids(scope.in_classes_for(world.teacher, records)) == {of[world.student.pk], of[world.student_2.pk]}
    assert _ids(scope.in_classes_for(world.grade_leader, records)) == {
        of[world.student.pk],
        of[world.student_2.pk],
        of[world.student_b.pk],
    }
    auditor_sees = _ids(scope.in_classes_for(world.auditor, records))
    assert of[world.other_student.pk] in auditor_sees and of[world.far_student.pk] not in auditor_sees
    assert not scope.in_classes_for(world.other_teacher, records).filter(school_class=world.class_a).exists()
    assert not scope.in_classes_for(world.student.user, records).exists()
    # Changing: only who teaches, leads or manages the class; bureau staff audit, they do not change.
    assert _ids(scope.in_taught_classes_for(world.teacher_b, records)) == {of[world.student_b.pk]}
    assert not scope.in_taught_classes_for(world.auditor, records).exists()
    assert not scope.in_taught_classes_for(world.bureau_admin, records).exists()
    # A longer path to the class works the same (logs of the teacher's class only).
    assert not scope.in_classes_for(world.teacher, ClassHourLog.objects.all()).exists()


@pytest.fixture
def records(world):
    term = Term.for_date(timezone.localdate())
    year = SchoolYear.current()
    assert term.school_year == year

    def activity(school, by):
        return Activity.objects.create(
            school=school, type="film", title="禁毒影片", held_on=term.starts_on, term=term, recorded_by=by
        )

    made = {
        "own": activity(world.school, world.teacher),
        "colleague": activity(world.school, world.teacher_b),
        "other_school": activity(world.other_school, world.other_teacher),
        "far": activity(world.far_school, world.far_auditor),
    }

    def work(student, on):
        return StudentWork.objects.create(
            school=student.school,
            activity=on,
            student=student,
            title="手抄报",
            file="works/x.png",
            file_kind="image",
            original_name="x.png",
            size=10,
            uploaded_by=world.teacher,
        )

    made["work"] = work(world.student, made["own"])
    made["work_2"] = work(world.student_2, made["own"])
    made["far_work"] = work(world.far_student, made["far"])
    return made


def test_school_records_follow_the_school_rules(world, records):
    activities = Activity.objects.all()
    own_school = _pks(records["own"], records["colleague"])
    assert _ids(scope.in_schools_for(world.teacher, activities)) == own_school
    assert _ids(scope.in_schools_for(world.auditor, activities)) == own_school | _pks(records["other_school"])
    assert _ids(scope.in_schools_for(world.far_auditor, activities)) == _pks(records["far"])
    assert not scope.in_schools_for(world.editor, activities).exists()
    assert not scope.in_schools_for(world.student.user, activities).exists()
    # Changing: her own as staff, all of her school's as its admin; never another school's, never an auditor.
    assert _ids(scope.changeable_in_schools_for(world.teacher, activities)) == _pks(records["own"])
    assert _ids(scope.changeable_in_schools_for(world.school_admin, activities)) == own_school
    assert not scope.changeable_in_schools_for(world.auditor, activities).exists()
    assert (
        not scope.changeable_in_schools_for(world.other_school_admin, activities).filter(school=world.school).exists()
    )
    assert _ids(scope.recording_schools_for(world.teacher)) == _pks(world.school)
    assert not scope.recording_schools_for(world.auditor).exists()


def test_records_that_stay_inside_the_school(world, records):
    works = StudentWork.objects.all()
    assert _ids(scope.inside_school_for(world.teacher_b, works)) == _pks(records["work"], records["work_2"])
    assert _ids(scope.inside_school_for(world.student.user, works)) == _pks(records["work"])
    for user in (world.auditor, world.bureau_admin, world.other_teacher, world.far_auditor, world.editor):
        assert not scope.inside_school_for(user, works).exists(), user
