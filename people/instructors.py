"""Figures read from the instructor roster (people.models.Instructor); plans call these, never count rows."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from .models import Instructor, InstructorKind


@dataclass(frozen=True)
class Staffing:
    schools: int
    with_legal_vice_principal: int

    @property
    def rate(self) -> float | None:
        """法治副校长配备率: schools with at least one active 法治副校长 ÷ schools (None when there are none)."""
        return self.with_legal_vice_principal / self.schools if self.schools else None


def staffed_schools(schools: QuerySet) -> dict[int, bool]:
    """Per school id of `schools`: whether its roster has at least one active 法治副校长, in one query.

    The roster has no dates: this is the roster as it stands, whatever period a figure is for."""
    has_one = Instructor.objects.filter(school=OuterRef("pk"), kind=InstructorKind.LEGAL_VICE_PRINCIPAL, active=True)
    return dict(schools.annotate(staffed=Exists(has_one)).values_list("pk", "staffed"))


def legal_vice_principal_staffing(schools: QuerySet) -> Staffing:
    """How many of `schools` have at least one active 法治副校长 on their roster, in one query."""
    flags = staffed_schools(schools)
    return Staffing(schools=len(flags), with_legal_vice_principal=sum(flags.values()))
