"""Minors' data: export everything held about one student, and anonymise a student who left.

Higher apps (quizzes, classroom) hold records about students that `people` must not import. They add their part
of the export with `register_student_section` in their AppConfig.ready():

    register_student_section("quiz_attempts", _("Quiz attempts"), lambda student: [...rows as dicts...])
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import audit

from .models import InitialPassword, Student


@dataclass(frozen=True)
class StudentSection:
    key: str
    label: str
    rows: Callable  # (student) -> list[dict] of JSON-safe values


_sections: dict[str, StudentSection] = {}


def register_student_section(key: str, label, rows: Callable) -> None:
    _sections[key] = StudentSection(key, label, rows)


def student_data(student: Student) -> dict:
    """Everything about one student, as JSON-safe data (for a parent's or the student's own request)."""
    data = {
        "student": {
            "name": student.user.full_name,
            "student_number": student.student_number,
            "sign_in_name": student.user.username,
            "gender": student.get_gender_display(),
            "school": student.school.name,
            "school_code": student.school.code,
            "left_on": student.left_on.isoformat() if student.left_on else None,
            "graduated_on": student.graduated_on.isoformat() if student.graduated_on else None,
            "last_sign_in": student.user.last_login.isoformat() if student.user.last_login else None,
        },
        "classes": [
            {"school_year": str(e.school_year), "class": str(e.school_class.name)}
            for e in student.enrollments.select_related("school_year", "school_class__school").order_by(
                "school_year__start_year"
            )
        ],
    }
    for section in _sections.values():
        data[section.key] = section.rows(student)
    return data


def record_export(student: Student, actor, request=None) -> None:
    audit.record(
        "people.student_export",
        request=request,
        actor=actor,
        target=f"student {student.pk}",
        district_id=student.school.district_id,
    )


@transaction.atomic
def anonymise_student(student: Student, actor, request=None) -> None:
    """Remove name, number and sign-in; keep the rows, so every class and school total stays the same."""
    user = student.user
    marker = uuid.uuid4().hex[:12]
    today = timezone.localdate()
    student.student_number = f"anon-{marker}"
    student.gender = ""
    student.left_on = student.left_on or today
    student.anonymised_at = timezone.now()
    student.save(update_fields=["student_number", "gender", "left_on", "anonymised_at"])
    InitialPassword.objects.filter(user=user).delete()
    user.username = f"anon-{marker}"
    user.full_name = ""
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit.record(
        "people.student_anonymised",
        request=request,
        actor=actor,
        target=f"student {student.pk}",
        district_id=student.school.district_id,
    )
