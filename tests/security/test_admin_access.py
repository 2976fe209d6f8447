"""The Wagtail admin's entry points: students and teachers get no admin at all, and the people viewsets never
open another school's or district's records."""

import pytest

from .conftest import client_for

ENTRY_POINTS = [
    "/admin/",
    "/admin/pages/",
    "/admin/people_students/",
    "/admin/people_classes/",
    "/admin/people_schools/",
    "/admin/people_roles/",
    "/admin/people_instructors/",
    "/admin/snippets/quizzes/question/",
    "/admin/users/",
    "/admin/documents/",
]


def _refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    # Wagtail answers a signed-in user without admin access with a redirect to its login (our sign-in page).
    return response.status_code == 302 and "admin" not in response["Location"].split("?")[0].strip("/").split("/")[:1]


@pytest.mark.parametrize("role", ["anonymous", "student", "teacher"])
@pytest.mark.parametrize("path", ENTRY_POINTS)
def test_no_admin_for_students_teachers_and_visitors(fresh, role, path):
    response = client_for(fresh, role).get(path)
    assert _refused(response), f"{path} as {role}: {response.status_code} {response.get('Location', '')}"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/people_students/edit/{far.student.pk}/",
        "/admin/people_students/inspect/{far.student.pk}/",
        "/admin/people_classes/edit/{far.school_class.pk}/",
        "/admin/people_schools/edit/{far.school.pk}/",
    ],
)
@pytest.mark.parametrize("role", ["school_admin", "far_auditor", "editor"])
def test_admin_viewsets_keep_to_the_users_scope(fresh, role, path):
    """The far auditor is tried on our records, the others on the far district's."""
    side = fresh.own if role == "far_auditor" else fresh.far
    url = path.format(far=side)
    response = client_for(fresh, role).get(url)
    assert response.status_code != 200 or not any(
        name in response.content.decode() for name in ("孙七", "张三", "绿水一中")
    ), f"{url} as {role} shows another district's record"
    assert response.status_code in (302, 403, 404), f"{url} as {role}: {response.status_code}"
