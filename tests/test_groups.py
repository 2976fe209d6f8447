"""Every group's rights, exactly as the migrations leave them on a fresh database.

A change to any group's rights must change this table too, so it is a decision someone wrote down, not a
side effect of a migration.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

pytestmark = pytest.mark.django_db

ADMIN = "wagtailadmin.access_admin"
TRANSLATE = "simple_translation.submit_translation"
QUIZ_EDIT = [
    f"quizzes.{action}_{model}" for model in ("category", "question", "quiz") for action in ("add", "change", "view")
]
QUIZ_REVIEW = [
    *QUIZ_EDIT,
    "quizzes.delete_category",
    *[f"quizzes.{action}_{model}" for model in ("question", "quiz") for action in ("lock", "publish", "unlock")],
]
MEDIA = [
    f"{app}.{action}_{model}"
    for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
    for action in ("add", "change", "choose")
]
LETTER_EDIT = [f"lessons.{action}_parentletter" for action in ("add", "change", "view")]
LETTER_REVIEW = [*LETTER_EDIT, "lessons.delete_parentletter", "lessons.publish_parentletter"]
ROOT_MEDIA = [("Root", codename.split(".")[1]) for codename in MEDIA]

EXPECTED = {
    "Bureau administrators": {"model": [ADMIN], "page": [], "collection": []},
    "Bureau auditors": {"model": [ADMIN], "page": [], "collection": []},
    "School administrators": {"model": [ADMIN], "page": [], "collection": []},
    "Teachers": {"model": [], "page": [], "collection": []},
    "Organisation officers": {"model": [], "page": [], "collection": []},
    "Students": {"model": [], "page": [], "collection": []},
    "Content editors": {
        "model": [ADMIN, TRANSLATE, *QUIZ_EDIT, *LETTER_EDIT, *MEDIA],
        "page": [("/", "add_page"), ("/", "change_page"), ("/", "lock_page")],
        "collection": ROOT_MEDIA,
    },
    "Content reviewers": {
        "model": [ADMIN, TRANSLATE, *QUIZ_REVIEW, *LETTER_REVIEW, *MEDIA],
        "page": [
            (path, f"{action}_page")
            for path in ["/"]
            for action in ("add", "change", "delete", "lock", "publish", "unlock")
        ],
        "collection": ROOT_MEDIA,
    },
}


def _rights(group: Group) -> dict:
    return {
        "model": sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
        ),
        "page": sorted(
            (row.page.url_path, row.permission.codename)
            for row in GroupPagePermission.objects.filter(group=group).select_related("page", "permission")
        ),
        "collection": sorted(
            (row.collection.name, row.permission.codename)
            for row in GroupCollectionPermission.objects.filter(group=group).select_related("collection", "permission")
        ),
    }


def test_the_groups_are_exactly_ours():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_group_has_exactly_its_rights(name):
    expected = {kind: sorted(rows) for kind, rows in EXPECTED[name].items()}
    assert _rights(Group.objects.get(name=name)) == expected


def test_nobody_but_a_superuser_may_delete_images_or_documents():
    for group in Group.objects.all():
        rights = _rights(group)
        assert not [r for r in rights["model"] if r.endswith(("delete_image", "delete_document"))], group.name
        assert not [r for r in rights["collection"] if r[1] in ("delete_image", "delete_document")], group.name
