"""``Idempotency-Key`` on POST: the first complete response is stored and replayed.

Used by every POST of the REST API and Open311 (issue #4). The rules follow the IETF
draft "The Idempotency-Key HTTP Header Field":
- same key, same request, first one finished → the stored response again, with
  ``Idempotent-Replayed: true``;
- same key while the first is still running → 409;
- same key, different request → 422;
- a 5xx or a 429 is not stored (the request was not processed), so the client may retry
  with the same key.
Records are kept ``IDEMPOTENCY_TTL`` (24 h) and pruned by ``idempotency_prune``.

A response that shows a credential once (a new API key, a citizen's bearer token) sets
``idempotency_stored_content`` to a copy without it: that copy is what is stored and
replayed, so no credential rests in this table. (A new report's tracking token is replayed
as it is: a retrying app needs it, and it already sits in the confirmation's outbox row.)

The fingerprint of a multipart request is built from its fields and the SHA-256 of each
file (streamed), never from the raw body, so large uploads are not held twice in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)
REPLAYED_HEADERS = ("Location", "Content-Language")


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"?" + request.META.get("QUERY_STRING", "").encode())
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"\0{name}={value}".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"\0file:{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(b"\0" + request.body)
    return digest.hexdigest()


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def idempotent(request: HttpRequest, *, scope: str, handler: Callable[[], HttpResponse],
               error: Callable[[int, str, str], HttpResponse] = _error) -> HttpResponse:
    """Run ``handler`` once per (scope, Idempotency-Key); without the header, just run it."""
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST":
        return handler()
    key = key.strip()
    if not key or len(key) > 255 or not key.isprintable():
        return error(400, "invalid_idempotency_key", _("Idempotency-Key harus 1–255 karakter yang dapat dicetak."))
    fingerprint = request_fingerprint(request)
    record = None
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(scope=scope[:80], key=key, fingerprint=fingerprint)
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(scope=scope[:80], key=key).first()
        if existing is None:  # pruned in between: treat as new
            return idempotent(request, scope=scope, handler=handler, error=error)
        if existing.fingerprint != fingerprint:
            return error(422, "idempotency_key_reused",
                         _("Idempotency-Key ini sudah dipakai untuk permintaan lain. Gunakan kunci baru."))
        if existing.state != IdempotencyRecord.State.DONE:
            return error(409, "idempotency_in_progress",
                         _("Permintaan dengan Idempotency-Key ini masih diproses. Coba lagi sebentar lagi."))
        response = HttpResponse(bytes(existing.body), status=existing.status_code, content_type=existing.content_type)
        for name, value in existing.headers.items():
            response[name] = value
        response["Idempotent-Replayed"] = "true"
        return response
    try:
        response = handler()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    if response.status_code >= 500 or response.status_code == 429 or getattr(response, "streaming", False):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    stored = getattr(response, "idempotency_stored_content", None)
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.State.DONE, status_code=response.status_code,
        content_type=response.get("Content-Type", ""), body=response.content if stored is None else stored,
        headers={h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)},
    )
    return response


def idempotency_prune(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()
    return deleted
