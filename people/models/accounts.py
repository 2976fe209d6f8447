from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import School


class InitialPassword(models.Model):
    """A password the school issued, kept readable only so it can be printed on a sign-in slip.

    The row is deleted as soon as the person chooses her own password, so a slip never shows a password that
    still works after the student changed it, and nothing readable is kept for anyone who did.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initial_password", verbose_name=_("user")
    )
    password = models.CharField(_("initial password"), max_length=32)
    issued_at = models.DateTimeField(_("issued at"), auto_now=True)

    class Meta:
        verbose_name = _("initial password")
        verbose_name_plural = _("initial passwords")

    def __str__(self):
        return str(self.user)


class RosterUpload(models.Model):
    """An uploaded roster waiting between its preview and its commit; deleted once committed or stale."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    # Which import the file is for: the preview and commit run that import's checks.
    kind = models.CharField(_("import"), max_length=20, default="students")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")

    def __str__(self):
        return self.filename


class KnownNetwork(models.Model):
    """A network (its keyed hash, never the address) a user has signed in from with her password.

    The per-name sign-in limit does not apply on these, nor on networks a member of her school signed in from:
    a stranger guessing her password from elsewhere cannot keep her out at school or at home. A few recent ones
    are kept per user (people.security.KNOWN_NETWORKS_KEPT) and go with the account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_networks", verbose_name=_("user")
    )
    network = models.CharField(_("network"), max_length=32, db_index=True)
    last_seen = models.DateTimeField(_("last signed in from it"))

    class Meta:
        verbose_name = _("known network")
        verbose_name_plural = _("known networks")
        constraints = [models.UniqueConstraint(fields=["user", "network"], name="known_network_once_per_user")]

    def __str__(self):
        return f"{self.user} @ {self.network[:8]}"
