"""The inbound endpoint for agency systems: parse, authenticate, call one service, answer.

``POST /dispatch/v1/updates/`` with ``Authorization: Api-Key <key>`` (or ``X-Api-Key``) and a
JSON body (docs/dispatch.md). Answers use the API's one error body. A replayed update is
answered from storage with ``Idempotent-Replayed: true``."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aduan.api.keys import api_key_authenticate

from .inbound import inbound_update_receive


def _raw_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Api-Key "):
        return header[len("Api-Key "):].strip()
    return request.META.get("HTTP_X_API_KEY", "").strip() or None


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


@csrf_exempt  # machine-to-machine, authenticated by the agency's API key, never by a cookie
@require_POST
def updates_receive(request):
    raw = _raw_key(request)
    key = api_key_authenticate(raw) if raw else None
    if key is None:
        response = _error(401, "authentication_failed", _("Kunci API tidak dikenal atau sudah dicabut."))
        response["WWW-Authenticate"] = "Api-Key"
        return response
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "malformed_request", _("Badan permintaan harus JSON."))
    result = inbound_update_receive(api_key=key, payload=payload)
    response = JsonResponse(result.body, status=result.status)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
