import copy
import datetime
import threading
import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.grades import GRADE_BAND_CHOICES, grade_band, grade_label


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")


class Region(models.Model):
    """A province or a city above the county bureaus: it sees, ranks and sums the districts below it.

    The tree is province → city → district (the county bureau, `District`) → school; a township is an attribute
    of a school. A county-level city directly under a province (省直管县) hangs its district on the province.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("province"),
        limit_choices_to={"level": RegionLevel.PROVINCE},
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            # Two levels only: a province has no parent, a city has one. The parent's level is checked in clean().
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | Q(level="city", parent__isnull=False),
                name="region_level_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.level == RegionLevel.PROVINCE and self.parent_id:
            raise ValidationError({"parent": _("A province sits under no other region.")})
        if self.level == RegionLevel.CITY and (self.parent is None or self.parent.level != RegionLevel.PROVINCE):
            raise ValidationError({"parent": _("A city sits under a province.")})


def regions_under(region_ids) -> Q:
    """Regions that are, or sit below, the given ones (the tree has two levels)."""
    return Q(id__in=region_ids) | Q(parent_id__in=region_ids)


def districts_under(region_ids) -> Q:
    """Districts below the given regions, directly or through a city."""
    return Q(region_id__in=region_ids) | Q(region__parent_id__in=region_ids)


class District(models.Model):
    """A county-level education bureau (区县教育局) and the schools it audits."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("city or province"),
        help_text=_("The city (or, for a county under the province itself, the province) this bureau reports to."),
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self):
        return self.name


class OrganisationKind(models.TextChoices):
    MEMBER_UNIT = "member_unit", _("Member unit")
    SOCIAL = "social", _("Social organisation")


class Organisation(models.Model):
    """A member unit of the district's drug-control committee (区公安分局, 团区委, 司法局…) or a social
    organisation working with it: it carries plan tasks and ledger items as a school does, and its officers
    answer for them to the district's bureau."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("district")
    )
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["district", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_organisation_name_per_district")
        ]

    def __str__(self):
        return self.name


class SchoolKind(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    SENIOR = "senior", _("Senior secondary school")
    COMPLETE = "complete", _("Complete secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    VOCATIONAL = "vocational", _("Vocational school")


# The grades each kind of school teaches; 中职 years are stored as grades 10–12 so age bands line up.
SCHOOL_KIND_GRADES = {
    SchoolKind.PRIMARY: range(1, 7),
    SchoolKind.JUNIOR: range(7, 10),
    SchoolKind.SENIOR: range(10, 13),
    SchoolKind.COMPLETE: range(7, 13),
    SchoolKind.NINE_YEAR: range(1, 10),
    SchoolKind.VOCATIONAL: range(10, 13),
}


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("district"))
    code = models.CharField(
        _("school code"),
        max_length=20,
        unique=True,
        help_text=_("Letters and digits; student sign-in names start with it."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=SchoolKind.choices)
    township = models.CharField(_("township"), max_length=50, blank=True)
    require_password_change = models.BooleanField(
        _("students change the initial password at first sign-in"), default=True
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["district", "code"]

    def __str__(self):
        return self.name

    @property
    def grades(self) -> range:
        return SCHOOL_KIND_GRADES[SchoolKind(self.kind)]

    @property
    def is_vocational(self) -> bool:
        return self.kind == SchoolKind.VOCATIONAL


class SchoolYear(models.Model):
    """A school year, such as 2026–2027, starting on 1 September."""

    start_year = models.PositiveSmallIntegerField(_("first calendar year"), unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["start_year"]

    def __str__(self):
        return f"{self.start_year}–{self.start_year + 1}"

    @classmethod
    def for_date(cls, day: datetime.date) -> "SchoolYear":
        start = day.year if day.month >= 8 else day.year - 1
        return cls.get_or_create_for(start)

    @classmethod
    def get_or_create_for(cls, start_year: int) -> "SchoolYear":
        held = _held_years.get(start_year)
        if held is not None and time.monotonic() - held[0] < YEAR_HELD_SECONDS:
            # A copy: a caller that edits its year must not edit every other request's.
            return copy.copy(held[1])
        year = cls._get_or_create_for(start_year)
        held = copy.copy(year)
        if transaction.get_connection(cls.objects.db).in_atomic_block:
            # Read or made inside a transaction that may yet roll back: held once it is committed.
            transaction.on_commit(lambda: _hold(start_year, held), using=cls.objects.db)
        else:
            _hold(start_year, held)
        return year

    @classmethod
    def _get_or_create_for(cls, start_year: int) -> "SchoolYear":
        year, created = cls.objects.get_or_create(
            start_year=start_year,
            defaults={
                "starts_on": datetime.date(start_year, 9, 1),
                "ends_on": datetime.date(start_year + 1, 8, 31),
            },
        )
        if created:
            Term.objects.bulk_create(
                [
                    Term(
                        school_year=year,
                        number=1,
                        starts_on=year.starts_on,
                        ends_on=datetime.date(start_year + 1, 1, 31),
                    ),
                    Term(
                        school_year=year, number=2, starts_on=datetime.date(start_year + 1, 2, 1), ends_on=year.ends_on
                    ),
                ]
            )
        return year

    @classmethod
    def current(cls) -> "SchoolYear":
        from django.utils import timezone

        return cls.for_date(timezone.localdate())


# The school year of a start year, held in this process: nearly every page a student opens asks for the current
# one (her classes, her quizzes, the figures), and a year's row changes perhaps once a year. Saving or deleting a
# year drops it here at once (people.signals); another process sees an edited year's dates within
# YEAR_HELD_SECONDS.
YEAR_HELD_SECONDS = 60.0
_held_years: dict[int, tuple[float, SchoolYear]] = {}
_held_lock = threading.Lock()


def _hold(start_year: int, year: SchoolYear) -> None:
    with _held_lock:
        _held_years[start_year] = (time.monotonic(), year)


def forget_held_years() -> None:
    """Drop the school years this process holds (a year was saved or deleted; a test's rollback)."""
    with _held_lock:
        _held_years.clear()


class Term(models.Model):
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="terms", verbose_name=_("school year")
    )
    number = models.PositiveSmallIntegerField(_("term"), validators=[MinValueValidator(1), MaxValueValidator(2)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["school_year__start_year", "number"]
        constraints = [models.UniqueConstraint(fields=["school_year", "number"], name="unique_term_per_year")]

    def __str__(self):
        return _("%(year)s term %(number)s") % {"year": self.school_year, "number": self.number}

    @classmethod
    def for_date(cls, day: datetime.date) -> "Term":
        year = SchoolYear.for_date(day)
        return year.terms.filter(starts_on__lte=day, ends_on__gte=day).first() or year.terms.first()


class SchoolClass(models.Model):
    """One class in one school year. Promotion makes a new row, so last year's records keep their class."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes", verbose_name=_("school"))
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="classes", verbose_name=_("school year")
    )
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    number = models.PositiveSmallIntegerField(_("class number"))
    promoted_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promoted_to",
        verbose_name=_("promoted from"),
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "school_year", "grade", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "grade", "number"], name="unique_class_per_year"),
        ]
        indexes = [models.Index(fields=["school_year", "school"])]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return _("%(grade)s class %(number)s") % {
            "grade": grade_label(self.grade, vocational=self.school.is_vocational),
            "number": self.number,
        }

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade, vocational=self.school.is_vocational)

    @property
    def grade_band(self) -> str:
        return grade_band(self.grade, vocational=self.school.is_vocational)


__all__ = [
    "GRADE_BAND_CHOICES",
    "District",
    "Organisation",
    "OrganisationKind",
    "Region",
    "RegionLevel",
    "districts_under",
    "regions_under",
    "School",
    "SchoolClass",
    "SchoolKind",
    "SchoolYear",
    "Term",
]
