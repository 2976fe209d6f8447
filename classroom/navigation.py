from django.utils.translation import gettext_lazy as _

from core.navigation import HomePanel, NavItem, register_home_panel, register_nav
from people.scope import roles_of

from .integrity.review import may_open_queue
from .permissions import is_teaching_staff


def _is_student(user) -> bool:
    return roles_of(user).is_student


def _student_panel(request) -> dict:
    from .views.student import student_home_context

    return student_home_context(request.user.student)


def _teacher_panel(request) -> dict:
    from people.models import SchoolYear
    from people.scope import taught_classes_for

    from .progress import classes_summary

    classes = (
        taught_classes_for(request.user)
        .filter(school_year=SchoolYear.current())
        .select_related("school")
        .order_by("school__code", "grade", "number")[:12]
    )
    return {"summaries": classes_summary(classes)}


# people's "My classes" is the roster; this is the teaching workspace, so it has its own name.
register_nav(
    NavItem(
        key="classroom", label=_("Class work"), url_name="classroom:my_classes", order=205, visible=is_teaching_staff
    )
)
register_nav(
    NavItem(
        key="activities", label=_("Activities"), url_name="classroom:activities", order=206, visible=is_teaching_staff
    )
)
register_nav(
    NavItem(
        key="integrity",
        label=_("Integrity review"),
        url_name="classroom:integrity_queue",
        order=207,
        visible=may_open_queue,
    )
)
register_nav(
    NavItem(
        key="training", label=_("Teacher training"), url_name="classroom:training", order=208, visible=is_teaching_staff
    )
)
register_nav(
    NavItem(key="my_lessons", label=_("My lessons"), url_name="classroom:my_work", order=30, visible=_is_student)
)

register_home_panel(
    HomePanel(
        key="classroom_student",
        template="classroom/panels/student.html",
        order=10,
        visible=_is_student,
        context=_student_panel,
    )
)
register_home_panel(
    HomePanel(
        key="classroom_teacher",
        template="classroom/panels/teacher.html",
        order=20,
        visible=is_teaching_staff,
        context=_teacher_panel,
    )
)
