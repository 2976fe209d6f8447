from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .people import Student


class SignInToken(models.Model):
    """A student's sign-in code, printed as a QR code on her slip; only its SHA-256 digest is kept.

    The code itself is random (people.slip_codes.TOKEN_BYTES), so a plain digest is as hard to reverse as the
    code is to guess, and a stolen table signs nobody in. A student has at most one live (unrevoked) code:
    printing her slip again revokes the one before.
    """

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="sign_in_tokens", verbose_name=_("student")
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(revoked_at__isnull=True), name="one_live_sign_in_token_per_student"
            )
        ]

    def __str__(self):
        return f"{self.student} · {self.issued_at:%Y-%m-%d}"
