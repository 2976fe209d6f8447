"""Who may read the curriculum and who may see teacher-only content. Roles come from people.scope."""

from people.scope import roles_of


def can_see_teacher_content(user) -> bool:
    """Teachers (grade leaders included), content editors, reviewers and superusers; never students."""
    roles = roles_of(user)
    return roles.is_teacher or roles.is_content_staff


def can_read_curriculum(user) -> bool:
    """Any signed-in user may read non-public modules; their teacher-only parts are judged separately."""
    return bool(getattr(user, "is_authenticated", False))
