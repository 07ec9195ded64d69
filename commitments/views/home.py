"""Where each role starts after log-in (settings.LOGIN_REDIRECT_URL)."""

from django.shortcuts import redirect

from ..permissions import Roles


def home(request):
    """Send the user to their work: ``Roles.home`` decides by role. A ``next`` given at log-in
    never reaches here: the log-in view follows it instead."""
    return redirect(Roles(request.user).home())
