import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

# filesystem:// (the embedded default) with each message written whole before a
# worker can see it: config/filesystem_broker.py. kombu's aliases are its way to
# name a transport by URL scheme; a redis:// URL is untouched.
TRANSPORT_ALIASES["filesystem"] = "config.filesystem_broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("grader")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
