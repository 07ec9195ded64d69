"""Placeholder: the dashboard is being built."""

from django.http import Http404


def dashboard(request):
    raise Http404
