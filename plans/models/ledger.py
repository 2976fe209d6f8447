"""The evidence ledger (台账): one item per school, task and school year, and its append-only history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.models import Organisation, School, SchoolYear

from .plan import PlanTask


class LedgerState(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for rectification")
    CLOSED = "closed", _("Closed")
    CARRIED = "carried", _("Carried into next year")


class AppendOnly(models.Model):
    """Rows that record what happened: written once, never changed or deleted by the application."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("ledger history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ledger history is append-only")


class LedgerItem(models.Model):
    """One school's, or one organisation's (member unit, social organisation), item for a task and year."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("organisation"),
    )
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="ledger_items", verbose_name=_("task"))
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    state = models.CharField(_("state"), max_length=10, choices=LedgerState.choices, default=LedgerState.OPEN)
    carried_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried from"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        ordering = ["school_year", "school", "task__order", "task_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "task", "school_year"], name="one_ledger_item_per_school_task_year"
            ),
            models.UniqueConstraint(
                fields=["organisation", "task", "school_year"],
                condition=Q(organisation__isnull=False),
                name="one_ledger_item_per_organisation_task_year",
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False, organisation__isnull=True)
                | Q(school__isnull=True, organisation__isnull=False),
                name="ledger_item_school_or_organisation",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "state"])]

    def __str__(self):
        return f"{self.holder} · {self.task} · {self.school_year}"

    @property
    def holder(self):
        """The school or organisation that answers for the item."""
        return self.school if self.school_id is not None else self.organisation

    @property
    def district_id(self) -> int:
        return self.holder.district_id

    def delete(self, *args, **kwargs):
        raise ValueError("ledger items are never deleted")

    @property
    def is_finished(self) -> bool:
        return self.state in (LedgerState.CLOSED, LedgerState.CARRIED)

    @property
    def badge_class(self) -> str:
        return {
            LedgerState.CLOSED: "",
            LedgerState.SUBMITTED: "",
            LedgerState.RETURNED: "bad",
            LedgerState.OPEN: "warn",
            LedgerState.CARRIED: "warn",
        }[LedgerState(self.state)]


class LedgerEvent(AppendOnly):
    """One state change of an item: who, when, from what to what, why, and the rectification deadline."""

    item = models.ForeignKey(
        LedgerItem, on_delete=models.PROTECT, related_name="events", verbose_name=pgettext_lazy("ledger", "item")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    from_state = models.CharField(_("from"), max_length=10, choices=LedgerState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=LedgerState.choices)
    comment = models.TextField(pgettext_lazy("ledger", "comment"), blank=True)
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        ordering = ["item", "at", "id"]

    def __str__(self):
        return f"{self.item_id}: {self.from_state} → {self.to_state}"

    @property
    def who(self) -> str:
        """The person who made the change, by name: the recorded name, or (for events recorded before names
        were kept) the account's current name."""
        if self.actor_id is not None and self.actor_name == self.actor.get_username():
            return self.actor.get_full_name()
        return self.actor_name


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    NOTE = "note", _("Note")
    RECORD = "record", _("Platform record")


def evidence_path(instance, filename: str) -> str:
    # Outside the public media folders: files are served only by the scoped download view.
    item = instance.item
    folder = item.school_id if item.school_id is not None else f"org-{item.organisation_id}"
    return f"private/ledger/{item.school_year.start_year}/{folder}/{filename}"


class LedgerEvidence(AppendOnly):
    item = models.ForeignKey(
        LedgerItem, on_delete=models.PROTECT, related_name="evidence", verbose_name=pgettext_lazy("ledger", "item")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=300)
    file_kind = models.CharField(_("file type"), max_length=10, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    note = models.TextField(_("note"), blank=True)
    record_label = models.CharField(_("record"), max_length=200, blank=True)
    record_url = models.CharField(_("record address"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger evidence")
        verbose_name_plural = _("ledger evidence")
        ordering = ["item", "added_at", "id"]

    def __str__(self):
        return self.original_name or self.record_label or self.note[:40]


class AccountabilityKind(models.TextChoices):
    CRITICISM = "criticism", _("Circulated criticism (通报批评)")
    RECTIFY = "rectify", _("Order to rectify (责令整改)")
    TALK = "talk", _("Admonitory talk (约谈)")


class Accountability(AppendOnly):
    """A 责任追究 measure the bureau took over one ledger item: a circulated criticism, an order to rectify by a
    deadline, or an admonitory talk with its minutes. Recorded once, never changed."""

    item = models.ForeignKey(
        LedgerItem,
        on_delete=models.PROTECT,
        related_name="accountability",
        verbose_name=pgettext_lazy("ledger", "item"),
    )
    kind = models.CharField(_("measure"), max_length=10, choices=AccountabilityKind.choices)
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    minutes = models.TextField(_("minutes of the talk"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_by_name = models.CharField(_("recorded by (as recorded)"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("accountability measure")
        verbose_name_plural = _("accountability measures")
        ordering = ["item", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="rectify") | Q(deadline__isnull=False), name="accountability_rectify_has_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.kind}"
