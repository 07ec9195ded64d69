"""The commitments app's pages: reading the plans, reporting, reviewing, and running the tracking."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request, default, *args):
    """Redirect to the page the form came from ("next"), if it is a path on this site, else to ``default``.

    Only a path ("/review/"): ``redirect()`` would take a bare word ("review") for the name of a URL
    and fail, after the change the form made was saved.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default, *args)
