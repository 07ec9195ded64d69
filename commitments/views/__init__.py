"""The commitments app's pages: reading the plans, reporting, reviewing, and running the tracking."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request, default, *args):
    """Redirect to the page the form came from ("next"), if it is on this site, else to ``default``."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default, *args)
