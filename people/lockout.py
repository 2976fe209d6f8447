"""django-axes' database handler (AXES_HANDLER), without the two statements a right password does not need.

On every successful sign-in axes' own handler deletes every expired attempt in its table, then the attempts of
the name on this network; each delete reads its rows first (axes listens to their deletion). A room typing its
passwords right at an exam's start has nothing to delete: that was two statements per student for nothing.
Here, on a successful sign-in only:
- the expired attempts are left to the next wrong password, whose handler deletes them before it counts (axes
  does that on every failure, so an old attempt never adds to a new count; the lockout check itself counts only
  attempts within the cool-off, AXES_COOLOFF_TIME);
- the name's attempts on this network are reset when the lockout check, just before the password was checked,
  counted some; when it counted none there are none to reset, and when it did not run (a slip's sign-in,
  people.views.slip_sign_in) they are reset as axes resets them.
Failures, lockouts and their records are axes' own, unchanged.
"""

from axes.handlers.database import AxesDatabaseHandler

# Set on the request: the failures the lockout check counted for this name and network, and that the sign-in
# succeeded (axes' user_logged_in is running).
COUNTED_ATTR = "qingdun_axes_failures_counted"
SIGNED_IN_ATTR = "qingdun_axes_signed_in"


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if request is not None:
            setattr(request, COUNTED_ATTR, failures)
        return failures

    def user_logged_in(self, sender, request, user, **kwargs):
        setattr(request, SIGNED_IN_ATTR, True)
        return super().user_logged_in(sender, request, user, **kwargs)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        if getattr(request, SIGNED_IN_ATTR, False):
            return 0
        return super().clean_expired_user_attempts(request, credentials)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, SIGNED_IN_ATTR, False) and getattr(request, COUNTED_ATTR, None) == 0:
            return 0
        return super().reset_user_attempts(request, credentials)
