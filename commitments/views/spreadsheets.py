"""Placeholder: the reporting template and uploads are being built."""

from django.http import Http404


def template_download(request, pk):
    raise Http404


def upload(request, pk):
    raise Http404


def upload_preview(request, pk):
    raise Http404
