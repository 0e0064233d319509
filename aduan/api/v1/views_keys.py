"""Agency API keys: list, issue (the raw key is shown once) and revoke, for the people who
manage the agency (``membership_manage``: agency admins and the national admin).

Who may call: an official signed in to the back office with password *and* second factor
(the session cookie; unsafe methods need the CSRF token, as for any form). A key's service
account never manages keys, whatever its roles (a leaked key must not be able to mint
more); citizen tokens never do either. Both get 403. The services (``api.keys``) check the
permission again and write the audit rows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import authentication, permissions, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from aduan.accounts.policies import user_has_perm
from aduan.agencies.models import Agency
from aduan.core.errors import NotFound, PermissionDenied

from ..keys import api_key_issue, api_key_revoke
from ..models import ApiKey
from .authentication import ApiKeyAuthentication
from .base import IdempotentAPIView
from .citizen_auth import CitizenTokenAuthentication
from .pagination import PAGINATION_PARAMETERS, Key, paginate
from .serializers import (
    IDEMPOTENCY_PARAMETER,
    POST_ERRORS,
    ApiKeyIssuedSerializer,
    ApiKeyIssueSerializer,
    ApiKeyPage,
    ApiKeySerializer,
    auth_schema,
    error_responses,
    shown_once,
)
from .throttles import ClientRateThrottle

TAG_KEYS = "Kunci API"
NEWEST_KEY_FIRST = (Key("created_at", descending=True), Key("id", descending=True))


class OfficialSessionAuthentication(authentication.SessionAuthentication):
    """The back-office session, only once the second factor is passed (django-otp)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if not getattr(user, "is_verified", lambda: False)():
            return None
        return user, auth


class OfficialSessionScheme(OpenApiAuthenticationExtension):
    target_class = OfficialSessionAuthentication
    name = "officialSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "Sesi petugas di /petugas/ setelah kata sandi dan faktor kedua; POST/DELETE perlu token CSRF."}


class IsOfficialSession(permissions.BasePermission):
    message = gettext_lazy("Kunci API hanya dikelola petugas yang masuk ke halaman petugas dengan faktor kedua.")

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.auth is None


def _agency(slug: str) -> Agency:
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise NotFound()
    return agency


def _row(key: ApiKey) -> dict:
    return {"prefix": key.prefix, "name": key.name, "created_at": key.created_at, "last_used_at": key.last_used_at,
            "revoked_at": key.revoked_at}


class KeysView(IdempotentAPIView):
    # API keys and citizen tokens are recognised so that they get 403, not 401.
    authentication_classes = [ApiKeyAuthentication, CitizenTokenAuthentication, OfficialSessionAuthentication]
    schema = auth_schema("officialSession")
    parser_classes = [JSONParser]
    permission_classes = [IsOfficialSession]
    throttle_classes = [ClientRateThrottle]


class AgencyKeysView(KeysView):
    @extend_schema(
        operation_id="agency_keys_list", tags=[TAG_KEYS], summary="Kunci API instansi",
        description="Awalan, nama, waktu dibuat, terakhir dipakai dan dicabut; rahasia kunci tidak pernah ditampilkan lagi.",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH), *PAGINATION_PARAMETERS],
        responses={200: ApiKeyPage, **error_responses(400, 401, 403, 404, 429)},
    )
    def get(self, request, slug: str):
        agency = _agency(slug)
        if not user_has_perm(request.user, "membership_manage", agency):
            raise PermissionDenied()
        page = paginate(request, ApiKey.objects.filter(agency=agency), NEWEST_KEY_FIRST)
        return Response(page.envelope(ApiKeySerializer([_row(k) for k in page.items], many=True).data))

    @extend_schema(
        operation_id="agency_keys_issue", tags=[TAG_KEYS], summary="Terbitkan kunci API",
        description="Kunci lengkap ada di jawaban ini saja; yang disimpan hanya hash-nya.",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH), IDEMPOTENCY_PARAMETER],
        request=ApiKeyIssueSerializer,
        responses={201: ApiKeyIssuedSerializer, **error_responses(401, 403, 404, *POST_ERRORS)},
    )
    def post(self, request, slug: str):
        agency = _agency(slug)
        data = ApiKeyIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = api_key_issue(actor=request.user, agency=agency, name=data.validated_data["name"])
        return shown_once(ApiKeyIssuedSerializer({**_row(issued.api_key), "key": issued.raw}).data, "key",
                          status.HTTP_201_CREATED)


class AgencyKeyView(KeysView):
    @extend_schema(
        operation_id="agency_key_revoke", tags=[TAG_KEYS], summary="Cabut kunci API",
        description="Kunci langsung berhenti berlaku; mencabut ulang tidak mengubah apa pun.",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH), OpenApiParameter("prefix", str, OpenApiParameter.PATH)],
        responses={200: ApiKeySerializer, **error_responses(401, 403, 404, 429)},
    )
    def delete(self, request, slug: str, prefix: str):
        agency = _agency(slug)
        if not user_has_perm(request.user, "membership_manage", agency):
            raise PermissionDenied()
        key = ApiKey.objects.filter(agency=agency, prefix=prefix).first()
        if key is None:
            raise NotFound()
        return Response(ApiKeySerializer(_row(api_key_revoke(actor=request.user, api_key=key))).data)
