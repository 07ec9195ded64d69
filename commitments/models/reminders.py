"""The reminders the secretariat sends, from the reminders page or the send_reminders command."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tracking import Organisation


class ReminderSendingQuerySet(models.QuerySet):
    def latest_first(self) -> ReminderSendingQuerySet:
        return self.order_by("-sent_at", "-pk")


class ReminderSending(models.Model):
    """One sending of reminders: who sent it (no one for the scheduled command), when, to which
    bodies and addresses, and the addresses the mail server did not take."""

    class Source(models.TextChoices):
        PAGE = "page", _("Reminders page")
        COMMAND = "command", _("Scheduled command")

    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    source = models.CharField(_("sent from"), max_length=10, choices=Source.choices)
    organisations = models.ManyToManyField(Organisation, verbose_name=_("bodies"), related_name="+")
    recipients = models.JSONField(_("addresses written to"), default=list)
    failed = models.JSONField(_("addresses not reached"), default=list)

    objects = ReminderSendingQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sending of reminders")
        verbose_name_plural = _("sendings of reminders")

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} ({len(self.recipients)})"

    @property
    def sent_count(self) -> int:
        return len(self.recipients) - len(self.failed)
