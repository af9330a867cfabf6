import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

# filesystem:// (the embedded default) with each message written whole before a
# worker can see it: config/filesystem_broker.py. kombu's aliases are its way to
# name a transport by URL scheme; a redis:// URL is untouched.
TRANSPORT_ALIASES["filesystem"] = "config.filesystem_broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# config.worker: the worker's signals and housekeeping, imported by workers only
# (it needs Django set up, which the worker does before importing includes).
app = Celery("grader", include=["config.worker"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
