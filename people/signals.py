"""Keep each user's Django groups in step with the roles they hold, so Wagtail permissions follow roles; and the
signals people sends for the floors above it to hear (people imports none of them)."""

import time

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from core import audit

from .models import InitialPassword, Role, SchoolYear, Student, User
from .models.organisations import forget_held_years
from .roles import GROUP_FOR_ROLE, STUDENT_GROUP
from .scope import roles_of

# Sent after a school's enrollments were written in bulk (a roster import, a promotion), which sends no model
# signal: school_id, school_year_id (the year whose classes changed) and student_ids (students whose earlier
# years' rolls changed too: those who came back or graduated). Sent inside the writing transaction.
roster_changed = Signal()


def sync_groups(user) -> None:
    wanted = {GROUP_FOR_ROLE[kind] for kind in Role.objects.filter(user=user).values_list("kind", flat=True)}
    if Student.objects.filter(user=user).exists():
        wanted.add(STUDENT_GROUP)
    managed = set(GROUP_FOR_ROLE.values()) | {STUDENT_GROUP}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))


@receiver(post_save, sender=SchoolYear)
@receiver(post_delete, sender=SchoolYear)
def school_year_changed(sender, instance, **kwargs):
    # The years this process holds (SchoolYear.get_or_create_for); other processes within a minute.
    forget_held_years()


@receiver(post_save, sender=Role)
@receiver(post_delete, sender=Role)
def role_changed(sender, instance, **kwargs):
    sync_groups(instance.user)


@receiver(post_save, sender=Student)
def student_saved(sender, instance, created, **kwargs):
    if created:
        sync_groups(instance.user)


@receiver(post_save, sender=User)
def password_chosen(sender, instance, **kwargs):
    """Drop the printable initial password once the person sets her own.

    `_password` holds the new raw password during the save that follows set_password(). Django also calls
    set_password() to re-hash an issued password at its first sign-in; that is the same password, so the
    slip stays printable until it really changes.
    """
    raw = getattr(instance, "_password", None)
    if raw is None:
        return
    InitialPassword.objects.filter(user=instance).exclude(password=raw).delete()


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    from .districts import district_of_user

    audit.record("signin", request=request, actor=user, target=user.get_username(), district_id=district_of_user(user))
    if request is not None and hasattr(request, "session"):
        # Start the idle clock and the staff flag now, while the session is being written anyway, so the first
        # page after signing in does not pay for another session write and role lookup.
        from . import security

        request.session[security.LAST_ACTIVITY_KEY] = int(time.time())
        request.session[security.STAFF_KEY] = [roles_of(user).is_staff_role, int(time.time())]


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    from .districts import district_of_username

    username = str(credentials.get("username", ""))[:150]
    audit.record("signin_failed", request=request, target=username, district_id=district_of_username(username))
