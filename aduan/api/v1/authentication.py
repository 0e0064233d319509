"""DRF authentication for agency systems: ``Authorization: Api-Key <key>`` (or the
``X-Api-Key`` header). The request then runs as the key's service account, and
``request.auth`` is the ``ApiKey``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from ..keys import api_key_authenticate


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        raw = None
        if header.startswith(self.keyword + " "):
            raw = header[len(self.keyword) + 1:].strip()
        elif request.META.get("HTTP_X_API_KEY"):
            raw = request.META["HTTP_X_API_KEY"].strip()
        if raw is None:
            return None
        key = api_key_authenticate(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Kunci API tidak dikenal atau sudah dicabut."))
        return key.service_user, key

    def authenticate_header(self, request):
        return self.keyword
