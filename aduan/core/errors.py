"""Domain errors. Every error a service raises is a DomainError with a stable code and a
message in the citizen's language (Bahasa Indonesia by default, translated with gettext).

Interfaces map them: a form error on pages, a 400/403/404/409 body on the API, an Open311 error code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    http_status = 400
    default_message = _("Permintaan tidak dapat diproses.")

    def __init__(self, message=None, *, field_errors: dict[str, list[str]] | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field_errors = field_errors or {}
        if code:
            self.code = code
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "field_errors": {k: [str(m) for m in v] for k, v in self.field_errors.items()},
        }


class ValidationFailed(DomainError):
    code = "invalid"
    default_message = _("Data yang dikirim belum benar. Periksa isian yang ditandai.")


class NotFound(DomainError):
    """Raised for missing *and* out-of-scope objects alike, so existence never leaks."""

    code = "not_found"
    http_status = 404
    default_message = _("Data tidak ditemukan.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = _("Anda tidak berwenang melakukan tindakan ini.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409
    default_message = _("Tindakan ini tidak dapat dilakukan pada status laporan saat ini.")


class StaleState(DomainError):
    """Another official changed the report first (expected-status check failed)."""

    code = "stale_state"
    http_status = 409
    default_message = _("Laporan telah diubah oleh petugas lain. Muat ulang halaman lalu coba lagi.")
