"""Operational endpoints."""

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": connection.vendor})
    except Exception as exc:  # any database failure means "not ready"
        return JsonResponse({"status": "error", "error": type(exc).__name__}, status=503)


def ping(request):
    """The cheapest Django response: no database, no template. The baseline for bench/bench_pages.py."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")
