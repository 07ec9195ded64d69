"""The invitation e-mail: a new person's user name and a link to choose their password.

The link is Django's password reset link (PasswordResetTokenGenerator, the password_reset_confirm
page), on SITE_URL like every link the tracker mails. It works once, until the person chooses a
password or PASSWORD_RESET_TIMEOUT has passed. The view calls this explicitly after the invitation.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .models import Person
from .notifications import HALF_SEPARATOR, LANGUAGES, TRACKER_NAME, _send_on_commit, _translated

SUBJECT = _("You are invited to the commitment tracker")


def send_invitation(person: Person, *, by, language: str = "both") -> None:
    """Write to ``person`` in ``language`` ("en", "zh-hans", or "both": English, then Chinese)."""
    languages = LANGUAGES if language not in LANGUAGES else (language,)
    context = {
        "person": person,
        "inviter": by.get_full_name() or by.get_username(),
        "roles": person.role_labels,
        "organisations": list(person.organisations.all()),
        "site_url": settings.SITE_URL,
        "uid": urlsafe_base64_encode(force_bytes(person.pk)),
        "token": default_token_generator.make_token(person),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    halves, subjects = [], []
    for each in languages:
        with translation.override(each):
            halves.append(render_to_string("commitments/email/invitation.txt", context).strip())
        subjects.append(_translated(SUBJECT, each, {}))
    subject = f"[{TRACKER_NAME}] {' / '.join(dict.fromkeys(subjects))}"
    _send_on_commit([EmailMessage(subject, HALF_SEPARATOR.join(halves) + "\n", to=[person.email])])
