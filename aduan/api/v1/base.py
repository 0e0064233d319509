"""Base view for the REST API: every POST honours ``Idempotency-Key`` (issue #4)."""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from ..idempotency import idempotent
from ..models import ApiKey
from .errors import error_body


def idempotency_scope(request) -> str:
    """Who sent the request: the API key, else the account, else the address."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiKey):
        return f"key:{auth.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


class IdempotentAPIView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # No slug, code or reference holds a NUL, and PostgreSQL refuses one in a query.
        if any("\x00" in str(value) for value in kwargs.values()):
            raise NotFound()

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or "HTTP_IDEMPOTENCY_KEY" not in request.META:
            return super().dispatch(request, *args, **kwargs)
        # Authenticate first so the scope is the client, not just the address.
        drf_request = self.initialize_request(request, *args, **kwargs)
        try:
            drf_request.user  # noqa: B018  (runs the authenticators)
        except Exception:  # bad credentials: let the normal path answer with its error
            return super().dispatch(request, *args, **kwargs)
        scope = idempotency_scope(drf_request)

        def error(status, code, message):
            from django.http import JsonResponse
            return JsonResponse(error_body(code, message), status=status)

        return idempotent(request, scope=scope, handler=lambda: super(IdempotentAPIView, self).dispatch(request, *args, **kwargs),
                          error=error)
