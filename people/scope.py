"""The scope rules: the one place that answers "may this user see or change this?".

Every view and query that shows schools, classes, students or their results goes through these functions.
Rules:
- bureau admins and auditors see every school of their district; only bureau admins manage school admins;
- a city or province officer (a bureau role on a Region) audits every district below her region: she sees and
  ranks their schools' figures as an auditor does, and manages nothing that belongs to a county;
- a school admin sees and manages everything of her school;
- a teacher sees the classes she teaches, and a grade leader every class of her grade in her school;
- a student sees only himself;
- content editors and reviewers see the curriculum, not people;
- an organisation officer (a member unit's or social organisation's staff) sees her organisation's ledger
  items only; the district's bureau sees every organisation of the district, and its admins manage them.
Querysets are the primary form; the `can_*` helpers are for single objects and use the same rules.
Every queryset rule lives here: the Wagtail policies (people.permissions) and the apps' permission modules
only ask yes/no questions built on them. Other apps' records are scoped through the generic functions at the
end of the module, which take the records and the field that leads to their class or school.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import (
    ApiToken,
    ClassTeacher,
    District,
    Organisation,
    Region,
    Role,
    RoleKind,
    School,
    SchoolClass,
    Student,
    User,
)
from .models.organisations import districts_under, regions_under
from .models.people import CONTENT_ROLES, DISTRICT_ROLES

_CACHE_ATTR = "_qingdun_roles"


@dataclass(frozen=True)
class Roles:
    """Everything the scope rules need to know about one user, read in one or two queries."""

    bureau_admin_districts: frozenset = field(default_factory=frozenset)
    bureau_auditor_districts: frozenset = field(default_factory=frozenset)  # includes the districts below regions
    bureau_admin_regions: frozenset = field(default_factory=frozenset)
    bureau_auditor_regions: frozenset = field(default_factory=frozenset)
    school_admin_schools: frozenset = field(default_factory=frozenset)
    teacher_schools: frozenset = field(default_factory=frozenset)
    grade_leader: frozenset = field(default_factory=frozenset)  # {(school_id, grade)}
    content_editor: bool = False
    content_reviewer: bool = False
    organisation_officer: frozenset = field(default_factory=frozenset)  # organisation ids
    student_id: int | None = None
    student_school_id: int | None = None
    superuser: bool = False

    @property
    def bureau_districts(self) -> frozenset:
        return self.bureau_admin_districts | self.bureau_auditor_districts

    @property
    def bureau_regions(self) -> frozenset:
        """The regions (cities, provinces) the user holds a bureau role on, as granted (not their children)."""
        return self.bureau_admin_regions | self.bureau_auditor_regions

    @property
    def is_bureau(self) -> bool:
        return bool(self.bureau_districts or self.bureau_regions)

    @property
    def is_region_officer(self) -> bool:
        return bool(self.bureau_regions)

    @property
    def is_school_admin(self) -> bool:
        return bool(self.school_admin_schools)

    @property
    def is_teacher(self) -> bool:
        return bool(self.teacher_schools or self.grade_leader)

    @property
    def is_organisation_officer(self) -> bool:
        return bool(self.organisation_officer)

    @property
    def is_student(self) -> bool:
        return self.student_id is not None

    @property
    def is_content_staff(self) -> bool:
        return self.content_editor or self.content_reviewer or self.superuser

    @property
    def is_staff_role(self) -> bool:
        """Roles that hold other people's data or publish content: these get two-factor and shorter sessions."""
        return self.is_bureau or self.is_school_admin or self.is_content_staff


def roles_of(user) -> Roles:
    if user is None or not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    sets: dict[str, set] = {kind: set() for kind in RoleKind.values}
    grade_leader = set()
    region_sets: dict[str, set] = {RoleKind.BUREAU_ADMIN: set(), RoleKind.BUREAU_AUDITOR: set()}
    for kind, district_id, region_id, school_id, organisation_id, grade in Role.objects.filter(user=user).values_list(
        "kind", "district_id", "region_id", "school_id", "organisation_id", "grade"
    ):
        if kind == RoleKind.GRADE_LEADER:
            grade_leader.add((school_id, grade))
        if region_id is not None:
            region_sets[kind].add(region_id)
        else:
            sets[kind].add(district_id or school_id or organisation_id)
    regions = region_sets[RoleKind.BUREAU_ADMIN] | region_sets[RoleKind.BUREAU_AUDITOR]
    if regions:
        # Asked only for city and province officers, so the other roles keep their query count.
        sets[RoleKind.BUREAU_AUDITOR] |= set(
            District.objects.filter(districts_under(regions)).values_list("id", flat=True)
        )
    # The whole row with its school, without the model's ordering (a join to the district for one row): a
    # student's pages ask `user.student` (and its school) next, and the row in hand answers without a query.
    student = (
        Student.objects.filter(user=user, anonymised_at__isnull=True).select_related("school").order_by("pk").first()
    )
    if student is not None:
        user.student = student
    roles = Roles(
        bureau_admin_districts=frozenset(sets[RoleKind.BUREAU_ADMIN]),
        bureau_auditor_districts=frozenset(sets[RoleKind.BUREAU_AUDITOR]),
        bureau_admin_regions=frozenset(region_sets[RoleKind.BUREAU_ADMIN]),
        bureau_auditor_regions=frozenset(region_sets[RoleKind.BUREAU_AUDITOR]),
        school_admin_schools=frozenset(sets[RoleKind.SCHOOL_ADMIN]),
        teacher_schools=frozenset(sets[RoleKind.TEACHER]),
        grade_leader=frozenset(grade_leader),
        content_editor=bool(sets[RoleKind.CONTENT_EDITOR]),
        content_reviewer=bool(sets[RoleKind.CONTENT_REVIEWER]),
        organisation_officer=frozenset(sets[RoleKind.ORGANISATION_OFFICER]),
        student_id=student.pk if student else None,
        student_school_id=student.school_id if student else None,
        superuser=bool(user.is_superuser),
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- districts and schools -------------------------------------------------------------------------------


def regions_for(user) -> QuerySet:
    """Cities and provinces whose roll-ups the user may see: her own regions and the cities below them."""
    roles = roles_of(user)
    if roles.superuser:
        return Region.objects.all()
    if not roles.bureau_regions:
        return Region.objects.none()
    return Region.objects.filter(regions_under(roles.bureau_regions))


def can_view_region(user, region: Region) -> bool:
    return regions_for(user).filter(pk=region.pk).exists()


def districts_below(user, region_id: int) -> QuerySet:
    """The districts she may see that lie below a region, whether or not she may see the region itself (a county
    bureau below a city reads the city's plan template, not the city's figures)."""
    return districts_for(user).filter(districts_under([region_id]))


def districts_of_region(user, region: Region) -> QuerySet:
    """The districts below a region the user may see (none when she may not see the region)."""
    if not can_view_region(user, region):
        return District.objects.none()
    return districts_below(user, region.pk)


def districts_for(user) -> QuerySet:
    roles = roles_of(user)
    if roles.superuser:
        return District.objects.all()
    return District.objects.filter(id__in=roles.bureau_districts)


def schools_for(user) -> QuerySet:
    """Schools whose figures the user may see."""
    roles = roles_of(user)
    if roles.superuser:
        return School.objects.all()
    return School.objects.filter(Q(district_id__in=roles.bureau_districts) | Q(id__in=roles.school_admin_schools))


def managed_schools_for(user) -> QuerySet:
    """Schools whose rosters, classes and teachers the user may change."""
    roles = roles_of(user)
    if roles.superuser:
        return School.objects.all()
    return School.objects.filter(id__in=roles.school_admin_schools)


def can_view_school(user, school: School) -> bool:
    roles = roles_of(user)
    return roles.superuser or school.district_id in roles.bureau_districts or school.id in roles.school_admin_schools


def can_manage_school(user, school: School) -> bool:
    roles = roles_of(user)
    return roles.superuser or school.id in roles.school_admin_schools


def can_audit_school(user, school: School) -> bool:
    """Bureau auditors and admins decide ledger items; a school never closes its own."""
    roles = roles_of(user)
    return roles.superuser or school.district_id in roles.bureau_districts


# --- member units and social organisations ---------------------------------------------------------------


def organisations_for(user) -> QuerySet:
    """Organisations whose ledger items the user may see: the bureau's (and the cities' and provinces' above
    it) every organisation of their districts; an officer her own."""
    roles = roles_of(user)
    if roles.superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(Q(district_id__in=roles.bureau_districts) | Q(id__in=roles.organisation_officer))


def managed_organisations_for(user) -> QuerySet:
    """Organisations the user may add, rename and staff: the district bureau's admins only."""
    roles = roles_of(user)
    if roles.superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(district_id__in=roles.bureau_admin_districts)


def can_view_organisation(user, organisation: Organisation) -> bool:
    roles = roles_of(user)
    return (
        roles.superuser
        or organisation.district_id in roles.bureau_districts
        or organisation.id in roles.organisation_officer
    )


def can_act_for_organisation(user, organisation: Organisation) -> bool:
    """Add evidence and submit the organisation's items: its officers (the school admin's part for a school)."""
    roles = roles_of(user)
    return roles.superuser or organisation.id in roles.organisation_officer


def can_audit_organisation(user, organisation: Organisation) -> bool:
    """Close, return or reopen the organisation's items: the bureau of its district, never its own officer."""
    roles = roles_of(user)
    if organisation.id in roles.organisation_officer:
        return False
    return roles.superuser or organisation.district_id in roles.bureau_districts


def review_schools_for(user) -> QuerySet:
    """Schools whose integrity flags the user may confirm or clear: bureau staff for every school of their
    district, a school admin for her own. The same people who answer for the school's figures decide whether a
    doubtful record behind them stands; teachers may read their classes' flags but decide none."""
    return schools_for(user)


def can_review_school(user, school: School) -> bool:
    return can_view_school(user, school)


# --- classes ---------------------------------------------------------------------------------------------


def _teacher_class_q(user, roles: Roles) -> Q:
    q = Q(id__in=ClassTeacher.objects.filter(teacher=user).values("school_class_id"))
    for school_id, grade in roles.grade_leader:
        q |= Q(school_id=school_id, grade=grade)
    return q


def classes_for(user) -> QuerySet:
    """Classes whose students and results the user may see."""
    roles = roles_of(user)
    if roles.superuser:
        return SchoolClass.objects.all()
    q = Q(pk__in=[])
    if roles.bureau_districts:
        q |= Q(school__district_id__in=roles.bureau_districts)
    if roles.school_admin_schools:
        q |= Q(school_id__in=roles.school_admin_schools)
    if roles.is_teacher:
        q |= _teacher_class_q(user, roles)
    return SchoolClass.objects.filter(q)


def taught_classes_for(user) -> QuerySet:
    """Classes the user may assign work to and log class hours for: her own, her grade's, or her school's."""
    roles = roles_of(user)
    if roles.superuser:
        return SchoolClass.objects.all()
    q = Q(pk__in=[])
    if roles.school_admin_schools:
        q |= Q(school_id__in=roles.school_admin_schools)
    if roles.is_teacher:
        q |= _teacher_class_q(user, roles)
    return SchoolClass.objects.filter(q)


def can_view_class(user, school_class: SchoolClass) -> bool:
    return classes_for(user).filter(pk=school_class.pk).exists()


def can_teach_class(user, school_class: SchoolClass) -> bool:
    return taught_classes_for(user).filter(pk=school_class.pk).exists()


# --- students ------------------------------------------------------------------------------------------


def students_for(user) -> QuerySet:
    roles = roles_of(user)
    if roles.superuser:
        return Student.objects.all()
    q = Q(pk__in=[])
    if roles.student_id:
        q |= Q(pk=roles.student_id)
    if roles.bureau_districts:
        q |= Q(school__district_id__in=roles.bureau_districts)
    if roles.school_admin_schools:
        q |= Q(school_id__in=roles.school_admin_schools)
    if roles.is_teacher:
        q |= Q(enrollments__school_class__in=SchoolClass.objects.filter(_teacher_class_q(user, roles)))
    return Student.objects.filter(q).distinct()


def can_view_student(user, student: Student) -> bool:
    return students_for(user).filter(pk=student.pk).exists()


# --- people management ---------------------------------------------------------------------------------


def can_reset_password(actor, target: User) -> bool:
    """Teacher → her students; school admin → teachers and students of her school; bureau admin → school admins."""
    if actor.pk == target.pk:
        return False
    roles = roles_of(actor)
    if roles.superuser:
        return True
    target_student = Student.objects.filter(user=target).first()
    if target_student is not None:
        if target_student.school_id in roles.school_admin_schools:
            return True
        if roles.is_teacher:
            return students_for(actor).filter(pk=target_student.pk).exists()
        return False
    target_roles = roles_of(target)
    if target_roles.is_bureau or target_roles.is_content_staff:
        return False
    if target_roles.school_admin_schools:
        return bool(
            School.objects.filter(
                id__in=target_roles.school_admin_schools, district_id__in=roles.bureau_admin_districts
            ).exists()
        )
    if target_roles.teacher_schools:
        return bool(target_roles.teacher_schools & roles.school_admin_schools)
    return False


def resettable_staff_roles(actor) -> list[Role]:
    """The school admin and teacher roles of people whose passwords `actor` may reset, one row per person.

    The same answer as can_reset_password for each of them, read in three queries for the whole list, so the
    staff page costs the same for ten teachers or five hundred.
    """
    roles = roles_of(actor)
    if not (roles.superuser or roles.bureau_admin_districts or roles.school_admin_schools):
        return []
    rows = list(
        Role.objects.filter(school__in=schools_for(actor), kind__in=[RoleKind.SCHOOL_ADMIN, RoleKind.TEACHER])
        .exclude(user=actor)
        .select_related("user", "school")
        .order_by("school__code", "kind", "user__username")
    )
    user_ids = {role.user_id for role in rows}
    held: dict[int, list] = {}
    for user_id, kind, district_id in Role.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "kind", "school__district_id"
    ):
        held.setdefault(user_id, []).append((kind, district_id))
    students = set(Student.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    staff_kinds = DISTRICT_ROLES | CONTENT_ROLES

    def may_reset(role: Role) -> bool:
        if role.user_id in students:  # a student account holding a staff role: the general rule decides
            return can_reset_password(actor, role.user)
        if roles.superuser:
            return True
        kinds = held.get(role.user_id, [])
        if role.user.is_superuser or any(kind in staff_kinds for kind, _d in kinds):
            return False
        admin_districts = {d for kind, d in kinds if kind == RoleKind.SCHOOL_ADMIN}
        if admin_districts:
            return bool(admin_districts & roles.bureau_admin_districts)
        return role.kind == RoleKind.TEACHER and role.school_id in roles.school_admin_schools

    accounts, seen = [], set()
    for role in rows:
        if role.user_id not in seen and may_reset(role):
            seen.add(role.user_id)
            accounts.append(role)
    return accounts


# --- changing schools, classes, students and roles ------------------------------------------------------


def changeable_schools_for(user) -> QuerySet:
    """Schools whose details the user may change: a bureau admin those of her district (a school's admin
    manages what is in it, not the school's record)."""
    roles = roles_of(user)
    if roles.superuser:
        return School.objects.all()
    return School.objects.filter(district_id__in=roles.bureau_admin_districts)


def changeable_classes_for(user) -> QuerySet:
    """Classes the user may create and change: those of the schools she manages."""
    return SchoolClass.objects.filter(school__in=managed_schools_for(user))


def changeable_students_for(user) -> QuerySet:
    """Students whose records the user may change: those of the schools she manages."""
    return Student.objects.filter(school__in=managed_schools_for(user))


def manageable_roles_for(user) -> QuerySet:
    """Roles the user may grant or remove: school admin → teachers and grade leaders of her school;
    bureau admin → school admins of her district's schools."""
    roles = roles_of(user)
    if roles.superuser:
        return Role.objects.filter(kind__in=[RoleKind.SCHOOL_ADMIN, RoleKind.TEACHER, RoleKind.GRADE_LEADER])
    return Role.objects.filter(
        Q(kind__in=[RoleKind.TEACHER, RoleKind.GRADE_LEADER], school_id__in=roles.school_admin_schools)
        | Q(kind=RoleKind.SCHOOL_ADMIN, school__district_id__in=roles.bureau_admin_districts)
    )


def grantable_schools_for(user) -> QuerySet:
    """Schools in which the user may grant a role: her own (school admin) or her district's (bureau admin)."""
    roles = roles_of(user)
    if roles.superuser:
        return School.objects.all()
    return School.objects.filter(Q(id__in=roles.school_admin_schools) | Q(district_id__in=roles.bureau_admin_districts))


# --- other apps' records, by the field that names their class or school ------------------------------------
#
# people may not import the apps above it (quizzes, lessons, classroom, plans), yet their records are scoped by
# the same rules. So these functions take the records as a queryset and the name of the field that leads to a
# class or a school, and filter it by the rules above: `in_classes_for(user, Assignment.objects.all())`. The
# rule stays here, written once; the model stays in its app; and a new kind of record needs no new rule, only
# the path to its class or school. The apps' permission modules keep yes/no predicates built on these.


def staff_school_ids(user) -> set[int]:
    """Schools the user works in: as teacher, grade leader or school administrator."""
    roles = roles_of(user)
    return set(roles.teacher_schools) | {school for school, _ in roles.grade_leader} | set(roles.school_admin_schools)


def in_classes_for(user, records: QuerySet, class_field: str = "school_class") -> QuerySet:
    """Records of classes whose students and results the user may see (`classes_for`)."""
    return records.filter(**{f"{class_field}__in": classes_for(user)})


def in_taught_classes_for(user, records: QuerySet, class_field: str = "school_class") -> QuerySet:
    """Records of classes the user teaches, leads or manages (`taught_classes_for`): the ones she may change."""
    return records.filter(**{f"{class_field}__in": taught_classes_for(user)})


def recording_schools_for(user) -> QuerySet:
    """Schools for which the user may record school records (五个一 activities): those she works in."""
    if roles_of(user).superuser:
        return School.objects.all()
    return School.objects.filter(id__in=staff_school_ids(user))


def in_schools_for(user, records: QuerySet, school_field: str = "school") -> QuerySet:
    """Records of a school the user works in or audits: school staff see their schools', bureau staff their
    district's (they audit them)."""
    if roles_of(user).superuser:
        return records.all()
    return records.filter(
        Q(**{f"{school_field}__in": schools_for(user)}) | Q(**{f"{school_field}_id__in": staff_school_ids(user)})
    )


def changeable_in_schools_for(
    user, records: QuerySet, school_field: str = "school", author_field: str = "recorded_by"
) -> QuerySet:
    """School records the user may change: any of her school's as its admin, her own as its staff."""
    roles = roles_of(user)
    if roles.superuser:
        return records.all()
    return records.filter(
        Q(**{f"{school_field}_id__in": roles.school_admin_schools})
        | Q(**{f"{school_field}_id__in": staff_school_ids(user), author_field: user})
    )


def inside_school_for(
    user, records: QuerySet, school_field: str = "school", student_field: str = "student"
) -> QuerySet:
    """Records that stay inside their school (a student's works): its staff see them, and the student whose
    record it is; bureau staff do not."""
    roles = roles_of(user)
    if roles.superuser:
        return records.all()
    q = Q(**{f"{school_field}_id__in": staff_school_ids(user)})
    if roles.student_id:
        q |= Q(**{f"{student_field}_id": roles.student_id})
    return records.filter(q)


# --- the API (config/api.py) ---------------------------------------------------------------------------
# Whoever calls /api/v1/ is a principal: an API key (people.models.ApiToken), which belongs to a region (a city or
# a province), a district bureau or a school and sees that organisation and what lies under it, or a signed-in
# user, who sees what her roles show her on the site's own screens. Every API endpoint asks these functions with
# its principal. A region's key is a city's or a province's collector: it reads the regions, districts, schools
# and classes below it and their figures, as the region's officer does on the region pages; it reads no student
# rows (the figures are counts; a student's number is the school's and its district's business) and writes
# nothing.


def _is_key(principal) -> bool:
    return isinstance(principal, ApiToken)


def _key_districts(key: ApiToken) -> QuerySet:
    """The districts a key sees: its region's, its own, or its school's."""
    if key.region_id:
        return District.objects.filter(districts_under([key.region_id]))
    return District.objects.filter(pk=key.district_id or key.school.district_id)


def api_regions(principal) -> QuerySet:
    """Cities and provinces whose figures the principal may read: a region's key its region and the cities
    below it; a signed-in user those of regions_for. A district's or a school's key reads no region."""
    if _is_key(principal):
        if principal.region_id:
            return Region.objects.filter(regions_under([principal.region_id]))
        return Region.objects.none()
    return regions_for(principal)


def api_districts_of_region(principal, region: Region) -> QuerySet:
    """The districts below a region the principal may read (none when she may not read the region), as
    districts_of_region does for the region pages."""
    if not _is_key(principal):
        return districts_of_region(principal, region)
    if not api_regions(principal).filter(pk=region.pk).exists():
        return District.objects.none()
    return _key_districts(principal).filter(districts_under([region.pk]))


def api_districts(principal) -> QuerySet:
    """Districts whose name and code the principal may read (a school's key: its own district)."""
    if _is_key(principal):
        return _key_districts(principal)
    return District.objects.filter(
        Q(pk__in=districts_for(principal)) | Q(schools__in=schools_for(principal))
    ).distinct()


def api_schools(principal) -> QuerySet:
    if _is_key(principal):
        if principal.school_id:
            return School.objects.filter(pk=principal.school_id)
        return School.objects.filter(district__in=_key_districts(principal))
    return schools_for(principal)


def api_classes(principal) -> QuerySet:
    if _is_key(principal):
        return SchoolClass.objects.filter(school__in=api_schools(principal))
    return classes_for(principal)


def api_reads_students(principal) -> bool:
    """Whether the principal may read student rows at all: not a region's key (see above)."""
    return not (_is_key(principal) and principal.region_id)


def api_students(principal) -> QuerySet:
    if _is_key(principal):
        if not api_reads_students(principal):
            return Student.objects.none()
        return Student.objects.filter(school__in=api_schools(principal))
    return students_for(principal)


def api_sees_names(principal, school: School) -> bool:
    """Students' names go only to the school's own systems and staff (PIPL: a district's collector needs counts,
    student numbers at most; a region's, counts only); everyone else gets the student number alone."""
    if _is_key(principal):
        return principal.school_id is not None and principal.school_id == school.pk
    return can_manage_school(principal, school) or taught_classes_for(principal).filter(school=school).exists()


def api_can_write(principal, school: School) -> bool:
    """Feeding a school's data: a read-write key of the school or its district (a region's key never writes,
    ApiToken.can_write), or the school's administrator."""
    if _is_key(principal):
        return principal.can_write and api_schools(principal).filter(pk=school.pk).exists()
    return can_manage_school(principal, school)


def api_user(principal):
    """The signed-in user behind a call, or None for an API key: a key is a system, not a person, so rules that
    ask about a person's roles (teacher-only content) treat it as no one in particular."""
    return None if _is_key(principal) else principal


def api_district_ids(principal) -> set[int]:
    """Districts whose own figures (a whole district's, its 通报 table, its plan) the principal may read: a
    district's key and its bureau staff, and a region's key and officers those below the region; a school's key
    and staff read their school, not the district."""
    if _is_key(principal):
        if principal.school_id:
            return set()
        return set(_key_districts(principal).values_list("pk", flat=True))
    return set(districts_for(principal).values_list("pk", flat=True))


def api_in_classes(principal, records: QuerySet, class_field: str = "school_class") -> QuerySet:
    """Other apps' records of classes the principal may read (api_classes), by the field that leads there."""
    return records.filter(**{f"{class_field}__in": api_classes(principal)})


def api_in_schools(principal, records: QuerySet, school_field: str = "school") -> QuerySet:
    """Other apps' records of schools the principal may read (api_schools), by the field that leads there."""
    return records.filter(**{f"{school_field}__in": api_schools(principal)})


def api_writable_classes(principal) -> QuerySet:
    """Classes for which the principal may feed records (class hours): a read-write key's classes, or the classes
    a signed-in user teaches, leads or manages (taught_classes_for, as the forms)."""
    if _is_key(principal):
        return api_classes(principal) if principal.can_write else SchoolClass.objects.none()
    return taught_classes_for(principal)


def api_writable_schools(principal) -> QuerySet:
    """Schools for which the principal may feed school records (activities): a read-write key's schools, or the
    schools a signed-in user works in (recording_schools_for, as the forms)."""
    if _is_key(principal):
        return api_schools(principal) if principal.can_write else School.objects.none()
    return recording_schools_for(principal)


# --- managing API keys (people/views/api_keys.py) -----------------------------------------------------------


def api_key_organisations_for(user) -> tuple[QuerySet, QuerySet, QuerySet]:
    """(regions, districts, schools) for which the user may make and revoke API keys: a city's or province's
    officer (a bureau admin role on the region) her region's own keys, a bureau admin her district's, a school
    admin her school's. Each hands out keys of her own organisation only, not of those below it (a county's key
    is the county's to give). Auditors read; they do not hand out access."""
    roles = roles_of(user)
    if roles.superuser:
        return Region.objects.all(), District.objects.all(), School.objects.all()
    return (
        Region.objects.filter(pk__in=roles.bureau_admin_regions),
        District.objects.filter(pk__in=roles.bureau_admin_districts),
        School.objects.filter(pk__in=roles.school_admin_schools),
    )


def may_manage_api_keys(user) -> bool:
    """Whether api_key_organisations_for gives the user any organisation (the navigation asks, without a query)."""
    roles = roles_of(user)
    return roles.superuser or bool(
        roles.bureau_admin_regions or roles.bureau_admin_districts or roles.school_admin_schools
    )


def manageable_api_keys_for(user) -> QuerySet:
    """API keys the user may list and revoke: those of the organisations of api_key_organisations_for."""
    regions, districts, schools = api_key_organisations_for(user)
    return ApiToken.objects.filter(Q(region__in=regions) | Q(district__in=districts) | Q(school__in=schools))
