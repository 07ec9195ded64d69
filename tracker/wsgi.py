"""WSGI entry point for the tracker."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# The objects loaded at start (Django, the apps, the URL and template machinery) live as long as
# the process; moved out of the collector's sight, they no longer make the occasional full
# collection during a request take 50–160 ms (docs/benchmarks.md).
gc.collect()
gc.freeze()
