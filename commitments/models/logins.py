"""Failed log-ins as django-axes records them, seen from the tracker: who is locked out, and unlocking.

Axes keeps one row per user name, address and browser, with its count of failures and the time
of the last one; a row counts until the cool-off has passed since then. A user name or an address
is locked out while its rows that count add up to the limit (tracker/settings.py).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import models
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

security_log = logging.getLogger("commitments.security")

# Who may unlock (migration 0012 gives it to secretariat officers and administrators).
UNLOCK_ACCOUNTS = "commitments.unlock_account"


@dataclass(frozen=True)
class Lockout:
    """A user name or an address that may not log in now, with the other side of its failures."""

    username: str | None  # the user name locked out, or None when it is an address
    ip_address: str | None  # the address locked out, or None when it is a user name
    failures: int
    last_failure: datetime.datetime
    tried: tuple[str, ...]  # the addresses the user name was tried from, or the user names tried

    @property
    def until(self) -> datetime.datetime:
        return self.last_failure + settings.AXES_COOLOFF_TIME


class LoginAttemptQuerySet(models.QuerySet):
    def counting(self) -> LoginAttemptQuerySet:
        """The rows that still count: their last failure is within the cool-off."""
        return self.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)

    def lockouts(self) -> list[Lockout]:
        """Every user name and every address locked out now, the latest failure first."""
        counting = self.counting()
        locked = {}
        for field in ("username", "ip_address"):
            groups = (
                counting.exclude(**{f"{field}__isnull": True})
                .values(field)
                .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
                .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
                .order_by()
            )
            locked[field] = {group[field]: group for group in groups}
        tried = {("username", name): set() for name in locked["username"]}
        tried |= {("ip_address", address): set() for address in locked["ip_address"]}
        rows = counting.filter(
            Q(username__in=list(locked["username"])) | Q(ip_address__in=list(locked["ip_address"]))
        ).values_list("username", "ip_address")
        for username, ip_address in rows:
            if ("username", username) in tried and ip_address:
                tried["username", username].add(ip_address)
            if ("ip_address", ip_address) in tried and username:
                tried["ip_address", ip_address].add(username)
        lockouts = [
            Lockout(
                username=group["username"] if field == "username" else None,
                ip_address=group["ip_address"] if field == "ip_address" else None,
                failures=group["failures"],
                last_failure=group["last_failure"],
                tried=tuple(sorted(tried[field, key])),
            )
            for field, groups in locked.items()
            for key, group in groups.items()
        ]
        return sorted(lockouts, key=lambda lockout: lockout.last_failure, reverse=True)

    def lockout(self, *, username: str | None = None, ip_address: str | None = None) -> Lockout | None:
        """The lock-out of this user name or this address, if it is locked out now.

        Reads only the failures of that user name and that address, not every lock-out's.
        """
        mine = Q(pk__in=[])
        if username is not None:
            mine |= Q(username=username)
        if ip_address is not None:
            mine |= Q(ip_address=ip_address)
        for lockout in self.filter(mine).lockouts():
            if (lockout.username is not None and lockout.username == username) or (
                lockout.ip_address is not None and lockout.ip_address == ip_address
            ):
                return lockout
        return None

    def unlock(self, lockout: Lockout, *, by) -> int:
        """Forget the failures of the lock-out's user name or address, and log who did it.

        Returns how many rows of failures were forgotten. Through axes' own reset, so that its
        handler does what it does on a reset.
        """
        if lockout.username is not None:
            count = reset(username=lockout.username)
            what = f"the user name {lockout.username!r}"
        else:
            count = reset(ip=lockout.ip_address)
            what = f"the address {lockout.ip_address}"
        security_log.warning("%s unlocked %s after %d failed log-ins", by, what, lockout.failures)
        return count


class LoginAttempt(AccessAttempt):
    """Axes' record of failed log-ins, as a proxy that carries the tracker's permission to unlock."""

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [("unlock_account", _("Can unlock accounts locked after failed log-ins"))]
