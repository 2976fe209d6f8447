"""Wagtail admin screens for schools, classes, students and staff roles, scoped by people.permissions.

Bureau admins manage their district's schools and school admins; school admins manage their school's classes,
students, teachers and grade leaders. Every listing and every object view goes through the scoped policies,
and an object outside the user's scope is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core import audit
from core.sanitize import NameField

from . import passwords, scope
from .models import Instructor, Organisation, Role, RoleKind, School, SchoolClass, SchoolYear, Student
from .permissions import grantable_kinds


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(self.request.user, ["view", "change"])


class _ScopedObject:
    object_actions = ("change",)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_any_permission_for_instance(self.request.user, self.object_actions, obj):
            raise Http404
        return obj


class ScopedEditView(_ScopedObject, generic.EditView):
    pass


class ScopedDeleteView(_ScopedObject, generic.DeleteView):
    object_actions = ("delete",)


class ScopedInspectView(_ScopedObject, generic.InspectView):
    object_actions = ("view", "change")


class ScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False


# --- schools -------------------------------------------------------------------------------------------


class SchoolForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["district"].queryset = (
            scope.districts_for(user).filter(id__in=scope.roles_of(user).bureau_admin_districts)
            if not user.is_superuser
            else scope.districts_for(user)
        )


class SchoolViewSet(ScopedViewSet):
    model = School
    name = "people_schools"
    icon = "home"
    menu_label = _("Schools")
    list_display = ["name", "code", "kind", "township", "district"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "township"]
    form_fields = ["district", "code", "name", "kind", "township", "require_password_change"]
    inspect_view_fields = form_fields

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(self.model, form=SchoolForm, fields=self.form_fields)


# --- member units and social organisations ----------------------------------------------------------------


class OrganisationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["district"].queryset = (
            scope.districts_for(user).filter(id__in=scope.roles_of(user).bureau_admin_districts)
            if not user.is_superuser
            else scope.districts_for(user)
        )


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    name = "people_organisations"
    icon = "site"
    menu_label = _("Member units and organisations")
    list_display = ["name", "kind", "district"]
    list_filter = ["kind"]
    search_fields = ["name"]
    form_fields = ["district", "kind", "name"]
    inspect_view_fields = form_fields

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(self.model, form=OrganisationForm, fields=self.form_fields)


# --- classes ---------------------------------------------------------------------------------------------


class SchoolClassForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope.managed_schools_for(self.for_user)
        current = SchoolYear.current()
        self.fields["school_year"].queryset = SchoolYear.objects.filter(start_year__gte=current.start_year - 1)
        self.fields["school_year"].initial = current.pk

    def clean(self):
        cleaned = super().clean()
        school, grade = cleaned.get("school"), cleaned.get("grade")
        if school and grade and grade not in school.grades:
            self.add_error("grade", _("This school does not teach grade %(grade)s.") % {"grade": grade})
        return cleaned


class SchoolClassViewSet(ScopedViewSet):
    model = SchoolClass
    name = "people_classes"
    icon = "group"
    menu_label = _("Classes")
    list_display = ["__str__", "school", "school_year", "grade", "number"]
    list_filter = ["school_year", "grade"]
    form_fields = ["school", "school_year", "grade", "number"]
    inspect_view_fields = form_fields

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(self.model, form=SchoolClassForm, fields=self.form_fields)


# --- students --------------------------------------------------------------------------------------------


class StudentForm(WagtailAdminModelForm):
    full_name = NameField(label=pgettext_lazy("person", "Name"), max_length=100)

    class Meta:
        model = Student
        fields = ["gender", "left_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["full_name"].initial = self.instance.user.full_name

    def save(self, commit=True):
        student = super().save(commit)
        student.user.full_name = self.cleaned_data["full_name"]
        student.user.save(update_fields=["full_name"])
        return student


class StudentViewSet(ScopedViewSet):
    model = Student
    name = "people_students"
    icon = "user"
    menu_label = _("Students")
    add_to_admin_menu = False
    list_display = ["student_number", "__str__", "school", "gender", "left_on"]
    list_filter = ["gender"]
    search_fields = ["student_number", "user__full_name"]
    inspect_view_fields = ["student_number", "school", "gender", "left_on", "graduated_on"]

    def get_form_class(self, for_update=False):
        return StudentForm


# --- staff roles ---------------------------------------------------------------------------------------


class RoleForm(WagtailAdminModelForm):
    """Grant a role to a person found or created by sign-in name; only people of the actor's scope qualify."""

    username = forms.CharField(label=_("Sign-in name"), max_length=150)
    full_name = NameField(label=_("Full name"), max_length=100, required=False)

    class Meta:
        model = Role
        fields = ["kind", "school", "grade"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = grantable_kinds(self.for_user)
        self.fields["kind"].choices = [(k, label) for k, label in RoleKind.choices if k in kinds]
        self.fields["school"].queryset = scope.grantable_schools_for(self.for_user)
        self.fields["school"].required = True
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username
            self.fields["username"].disabled = True
            self.fields["full_name"].initial = self.instance.user.full_name
        self.issued_password = None

    def clean(self):
        cleaned = super().clean()
        kind, school = cleaned.get("kind"), cleaned.get("school")
        if kind and school:
            roles = scope.roles_of(self.for_user)
            allowed = roles.superuser or (
                school.id in roles.school_admin_schools
                if kind != RoleKind.SCHOOL_ADMIN
                else school.district_id in roles.bureau_admin_districts
            )
            if not allowed:
                self.add_error("school", _("You cannot give this role at this school."))
        if kind == RoleKind.GRADE_LEADER and not cleaned.get("grade"):
            self.add_error("grade", _("A grade leader leads a grade."))
        if not self.instance.pk and cleaned.get("username"):
            user = get_user_model().objects.filter(username=cleaned["username"]).first()
            if user is not None and not self._may_take(user, school):
                self.add_error("username", _("This sign-in name belongs to someone outside your school."))
        return cleaned

    def _may_take(self, user, school) -> bool:
        """An existing account may get a role only if it is no student and already works at that school
        (or has no role at all yet)."""
        if Student.objects.filter(user=user).exists():
            return False
        held = Role.objects.filter(user=user)
        return not held.exists() or (school is not None and held.filter(school=school).exists())

    def save(self, commit=True):
        role = super().save(commit=False)
        if not role.pk:
            User = get_user_model()
            username = self.cleaned_data["username"]
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(username=username, full_name=self.cleaned_data["full_name"])
                self.issued_password = passwords.issue(user)
            role.user = user
        elif self.cleaned_data.get("full_name"):
            role.user.full_name = self.cleaned_data["full_name"]
            role.user.save(update_fields=["full_name"])
        if commit:
            role.save()
        return role


class _AuditRole:
    def _audit(self, role, change: str):
        audit.record(
            "people.role_changed",
            request=self.request,
            target=role.user.get_username(),
            district_id=role.school.district_id if role.school_id else role.district_id,
            change=change,
            kind=role.kind,
            school=role.school.code if role.school_id else "",
        )


class RoleCreateView(_AuditRole, generic.CreateView):
    def form_valid(self, form):
        response = super().form_valid(form)
        self._audit(self.object, "granted")
        if form.issued_password:
            messages.warning(
                self.request,
                _("New account %(username)s: initial password %(password)s (shown once).")
                % {"username": self.object.user.username, "password": form.issued_password},
            )
        return response


class RoleEditView(_AuditRole, ScopedEditView):
    def form_valid(self, form):
        response = super().form_valid(form)
        self._audit(self.object, "changed")
        return response


class RoleDeleteView(_AuditRole, ScopedDeleteView):
    def form_valid(self, form):
        self._audit(self.object, "removed")
        return super().form_valid(form)


class RoleViewSet(ScopedViewSet):
    model = Role
    name = "people_roles"
    add_view_class = RoleCreateView
    edit_view_class = RoleEditView
    delete_view_class = RoleDeleteView
    icon = "key"
    menu_label = _("Staff roles")
    list_display = ["user", "kind", "school", "grade"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__full_name"]
    inspect_view_fields = ["user", "kind", "school", "grade", "created_at"]

    def get_form_class(self, for_update=False):
        return RoleForm


# --- instructors (法治副校长 and outside instructors) ---------------------------------------------------


class InstructorForm(WagtailAdminModelForm):
    name = NameField(label=pgettext_lazy("person", "Name"), max_length=100)
    unit = NameField(label=_("Unit"), max_length=100, required=False)
    contact = NameField(label=_("Contact"), max_length=100, required=False)

    class Meta:
        model = Instructor
        fields = ["school", "kind", "name", "unit", "contact", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope.managed_schools_for(self.for_user)


class InstructorViewSet(ScopedViewSet):
    model = Instructor
    name = "people_instructors"
    icon = "user"
    menu_label = _("Instructors")
    list_display = ["name", "kind", "unit", "contact", "school", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "unit"]
    inspect_view_fields = ["school", "kind", "name", "unit", "contact", "active"]

    def get_form_class(self, for_update=False):
        return InstructorForm


class PeopleViewSetGroup(ModelViewSetGroup):
    menu_label = _("People and schools")
    menu_icon = "group"
    menu_order = 300
    items = (SchoolViewSet, OrganisationViewSet, SchoolClassViewSet, StudentViewSet, RoleViewSet, InstructorViewSet)
