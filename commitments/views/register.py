"""Placeholder: the register is being built."""

from django.http import Http404
from django.views import View


class RegisterView(View):
    def get(self, request):
        raise Http404


def register_export(request, fmt):
    raise Http404
