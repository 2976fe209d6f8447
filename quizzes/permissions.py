"""Who may do what with quizzes beyond taking them; built on people.scope's role facts."""

from people.scope import roles_of


def can_preview(user) -> bool:
    roles = roles_of(user)
    return roles.is_content_staff or roles.is_teacher or roles.is_school_admin


def can_import(user) -> bool:
    roles = roles_of(user)
    return roles.is_content_staff or roles.is_teacher


def imports_need_review(user) -> bool:
    """Teachers' imports land as drafts for the reviewers; editors' and reviewers' go through the workflow too,
    unless the reviewer publishes them herself."""
    roles = roles_of(user)
    return not (roles.content_reviewer or roles.superuser)


def can_export(user) -> bool:
    return roles_of(user).is_content_staff


def can_see_results(user) -> bool:
    roles = roles_of(user)
    return roles.is_teacher or roles.is_school_admin or roles.is_bureau or roles.superuser
