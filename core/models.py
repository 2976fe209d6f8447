from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    """An append-only record of something an inspector or a parent may ask about: who, when, what, from where."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=64, db_index=True)
    target = models.CharField(_("about"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(pgettext_lazy("network", "from address"), null=True, blank=True)
    # The district the event belongs to, so a bureau admin sees only her district's trail.
    district_id = models.BigIntegerField(_("district"), null=True, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"
