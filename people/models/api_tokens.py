from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .organisations import District, Region, School


class ApiAccess(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A key for another system (a province's collector, a school information system) to use /api/v1/.

    It belongs to one organisation, a region (a province or a city), a district bureau or a school, and sees that
    organisation and what lies under it (people.scope.api_*). A region's key only reads: a province or a city sums
    and compares its counties' figures; it feeds no school's records and never sees a student's name.

    Only the SHA-256 digest of the key is kept: the key is random (people.api_tokens.TOKEN_BYTES), shown once when
    it is made, and a stolen table opens nothing. `prefix` (the key's first characters) lets an administrator tell
    her keys apart.
    """

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    access = models.CharField(_("access"), max_length=20, choices=ApiAccess.choices, default=ApiAccess.READ)
    prefix = models.CharField(_("key begins with"), max_length=16)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            # Exactly one organisation: a key of nobody, or of two at once, would have no scope to check.
            models.CheckConstraint(
                condition=Q(region__isnull=False, district__isnull=True, school__isnull=True)
                | Q(region__isnull=True, district__isnull=False, school__isnull=True)
                | Q(region__isnull=True, district__isnull=True, school__isnull=False),
                name="api_token_one_organisation",
            ),
            # Written into the table as well as checked by people.api_tokens.issue: no path (the admin, a shell,
            # a bulk update) gives a region's key write access.
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(access=ApiAccess.READ),
                name="api_token_region_reads_only",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def organisation(self):
        return self.school or self.district or self.region

    @property
    def can_write(self) -> bool:
        return self.access == ApiAccess.READ_WRITE and self.region_id is None


class ApiIdempotency(models.Model):
    """The answer to a write sent with an `Idempotency-Key`, kept a day: the same key and body again get the same
    answer without a second write, so a school information system may retry a sync whose answer it lost."""

    principal = models.CharField(_("caller"), max_length=40)  # "key:<id>" or "user:<id>"
    key = models.CharField(_("idempotency key"), max_length=100)
    request_digest = models.CharField(_("request digest"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    response = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotent API answer")
        verbose_name_plural = _("idempotent API answers")
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="api_idempotency_once_per_caller")]

    def __str__(self):
        return f"{self.principal} {self.key}"
