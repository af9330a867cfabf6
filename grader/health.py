"""GET /healthz: 200 when the database, the broker and a worker answer; 503 naming what failed."""

from datetime import timedelta

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from grader.models import WorkerHeartbeat

WORKER_SILENCE = timedelta(minutes=1)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _worker() -> str:
    last = WorkerHeartbeat.objects.order_by("-seen").values_list("seen", flat=True).first()
    if last is None or timezone.now() - last > WORKER_SILENCE:
        raise RuntimeError("no worker has reported in the last minute")
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (("database", _database), ("broker", _broker), ("worker", _worker)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001  (any failure is the answer)
            checks[name] = f"failed: {exc}" if isinstance(exc, RuntimeError) else f"failed: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failed", "checks": checks}, status=200 if healthy else 503)
