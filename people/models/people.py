from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .organisations import District, Organisation, Region, School, SchoolClass, SchoolYear


class User(AbstractUser):
    """Everyone who signs in. Students' usernames are `<school code>-<student number>`."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)
    # Kept by people.notifications (raised with each new row, recounted when she reads): the header's inbox
    # badge reads it off the user row the session already loads, so no signed-in page pays a query for it.
    unread_notifications = models.PositiveIntegerField(_("unread notifications"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self):
        return self.full_name or self.username


class RoleKind(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    BUREAU_AUDITOR = "bureau_auditor", _("Bureau auditor")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    TEACHER = "teacher", _("Teacher")
    GRADE_LEADER = "grade_leader", _("Grade leader")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    CONTENT_REVIEWER = "content_reviewer", _("Content reviewer")
    ORGANISATION_OFFICER = "organisation_officer", _("Organisation officer")


# Which organisation each role is attached to.
DISTRICT_ROLES = {RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_AUDITOR}
SCHOOL_ROLES = {RoleKind.SCHOOL_ADMIN, RoleKind.TEACHER, RoleKind.GRADE_LEADER}
CONTENT_ROLES = {RoleKind.CONTENT_EDITOR, RoleKind.CONTENT_REVIEWER}
ORGANISATION_ROLES = {RoleKind.ORGANISATION_OFFICER}


class Role(models.Model):
    """One role a person holds; a person may hold several. Students are not roles: see Student."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    kind = models.CharField(_("role"), max_length=30, choices=RoleKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("district")
    )
    # A bureau role of a city or province: it sees and ranks every district below it (see people.scope).
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("region")
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("school")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("organisation"),
    )
    grade = models.PositiveSmallIntegerField(_("grade (grade leaders)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        # One constraint per shape of role, because NULLs are distinct in a plain unique constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "district"], condition=Q(district__isnull=False), name="unique_district_role"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "school"],
                condition=Q(school__isnull=False, grade__isnull=True),
                name="unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "school", "grade"], condition=Q(grade__isnull=False), name="unique_grade_role"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "region"], condition=Q(region__isnull=False), name="unique_region_role"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "organisation"],
                condition=Q(organisation__isnull=False),
                name="unique_organisation_role",
            ),
            # An organisation officer's role carries her organisation and nothing else.
            models.CheckConstraint(
                condition=Q(organisation__isnull=True)
                | Q(kind="organisation_officer", district__isnull=True, school__isnull=True, region__isnull=True),
                name="organisation_role_shape",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(district__isnull=True, school__isnull=True, region__isnull=True, organisation__isnull=True),
                name="unique_global_role",
            ),
        ]

    def __str__(self):
        where = self.school or self.district or self.region or self.organisation or ""
        return f"{self.get_kind_display()} {where}".strip()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind in DISTRICT_ROLES and (
            (self.district_id is None) == (self.region_id is None) or self.school_id is not None
        ):
            raise ValidationError(_("A bureau role belongs to one district, city or province, and no school."))
        if self.kind not in DISTRICT_ROLES and self.region_id is not None:
            raise ValidationError(_("Only bureau roles belong to a city or province."))
        if self.kind in SCHOOL_ROLES and self.school_id is None:
            raise ValidationError(_("A school role belongs to a school."))
        if (self.kind in ORGANISATION_ROLES) != (self.organisation_id is not None):
            raise ValidationError(_("An organisation officer's role belongs to one organisation, and only hers."))
        if self.kind in ORGANISATION_ROLES and (self.district_id or self.school_id or self.region_id):
            raise ValidationError(_("An organisation officer's role belongs to one organisation, and only hers."))
        if self.kind == RoleKind.GRADE_LEADER and not self.grade:
            raise ValidationError(_("A grade leader leads a grade."))


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Student(models.Model):
    """A student of one school. Only what the work needs is kept: no ID-card number, phone or address."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="student", verbose_name=_("user"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students", verbose_name=_("school"))
    student_number = models.CharField(_("student number"), max_length=32)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["school", "student_number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "student_number"], name="unique_student_number"),
        ]

    def __str__(self):
        return f"{self.user.full_name} ({self.student_number})"

    @property
    def is_active(self) -> bool:
        return self.left_on is None and self.graduated_on is None and self.anonymised_at is None


class Enrollment(models.Model):
    """A student's class for one school year. Past enrollments stay, so past figures stay true."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("student")
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("class")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year"], name="one_class_per_school_year"),
        ]
        indexes = [models.Index(fields=["school_class", "student"])]

    def __str__(self):
        return f"{self.student} → {self.school_class}"


class ClassTeacher(models.Model):
    """A teacher who teaches a class; the head teacher (班主任) is marked."""

    teacher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="class_links", verbose_name=_("teacher"))
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="teacher_links", verbose_name=_("class")
    )
    is_head_teacher = models.BooleanField(_("head teacher"), default=False)
    subject = models.CharField(pgettext_lazy("school subject", "subject"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("class teacher")
        verbose_name_plural = _("class teachers")
        constraints = [models.UniqueConstraint(fields=["teacher", "school_class"], name="unique_class_teacher")]

    def __str__(self):
        return f"{self.teacher} · {self.school_class}"
