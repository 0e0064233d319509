"""Parsing for the intake pages (/petugas/penerimaan/). It only parses: every rule of a
report lives in ``report_submit`` (through ``intake.services_operator``), every rule of a
device in ``intake.devices``. The operator's entry form is the citizen form's fields
(``portal.forms_submit``: the same names, the same verbatim ``typed`` values, the same
location picker) plus the channel; the field names match the services' field errors.
"""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.intake.models import Device
from aduan.portal import forms_submit as portal_forms
from aduan.reports.models import Channel, Kind

CHANNEL_CHOICES = [
    (Channel.CALL_CENTRE.value, _("Telepon (pusat panggilan)")),
    (Channel.PAPER.value, _("Kotak pengaduan / surat (formulir kertas)")),
]
CHANNEL_HINTS = {
    Channel.CALL_CENTRE.value: _("Penelepon menyampaikan laporan lewat telepon; Anda mencatatnya atas namanya."),
    Channel.PAPER.value: _("Laporan dari formulir kertas atau surat; lampirkan hasil pindaiannya."),
}

# Service field name → id of the control the error summary links to, in page order.
FIELD_ANCHORS = {
    "channel": "f-channel-call_centre",
    "reporter_name": "f-reporter-name",
    "reporter_phone": "f-reporter-phone",
    "reporter_email": "f-reporter-email",
    "kind": "f-kind",
    "title": "f-title",
    "body": "f-body",
    "incident_date": "f-incident-date",
    "category": "f-category",
    "region_code": "f-region-q",
    "address": "f-address",
    "latitude": "f-latitude",
    "longitude": "f-longitude",
    "attachments": "f-attachments",
}

TITLE_FROM_TEXT = 80


def channel_choices() -> list[dict]:
    return [{"value": v, "label": label, "hint": CHANNEL_HINTS[v]} for v, label in CHANNEL_CHOICES]


def kind_choices() -> list[tuple[str, str]]:
    return list(Kind.choices)


def entry_key_new() -> str:
    """A one-time key in the entry form: the same form sent twice makes one report."""
    return secrets.token_urlsafe(16)


def typed_initial(*, channel: str = Channel.CALL_CENTRE, title: str = "", body: str = "") -> dict:
    typed = portal_forms.typed_initial()
    typed.update(channel=channel, title=title, body=body)
    return typed


def typed_from_post(post) -> dict:
    """Everything the operator sent, as sent. The caller's contact fields are never taken
    from an account: the operator is signed in, the caller is not."""
    typed = portal_forms.typed_from_post(post, signed_in=False)
    typed["channel"] = post.get("channel", "")[:20]
    typed["location_from_photo"] = False
    return typed


def location_from_post(post, typed: dict) -> tuple[str, bool]:
    """Apply a step of the location picker (portal/_location_picker.html) to ``typed``;
    return the search box text and whether a search was asked for."""
    if "region_set" in post:
        typed["region_code"] = post.get("region_set", "")[:20]
        return "", False
    child = post.get("region_child", "").strip()[:20]
    if child:
        typed["region_code"] = child
    region_q = post.get("region_q", "")[:120]
    return region_q, post.get("action") == "region_search" and bool(region_q.strip())


def uploads_from_files(files):
    """Scans and photos (the ``attachments`` input), bounded reads as on the citizen form."""
    return portal_forms.uploads_from_files(files)


def draft_from_typed(typed: dict, *, contact: bool = True):
    """The report draft; the channel and the operator are set by the service. Without
    ``contact`` (a report made from a queued message) the sender's own address is used."""
    draft = portal_forms.draft_from_typed(typed, attachments=[])
    if not contact:
        draft.reporter_email = ""
        draft.reporter_phone = ""
    return draft


def title_from_text(text: str) -> str:
    """A first title for a report made from a message: its first line, cut at a word."""
    line = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    if len(line) <= TITLE_FROM_TEXT:
        return line
    cut = line[:TITLE_FROM_TEXT].rsplit(" ", 1)[0] or line[:TITLE_FROM_TEXT]
    return cut.rstrip(" ,.;:") + "…"


def error_summary(field_errors: dict, message: str) -> list[dict]:
    rows = []
    for name, anchor in FIELD_ANCHORS.items():
        rows.extend({"message": str(m), "anchor": anchor} for m in field_errors.get(name, []))
    for name, messages in field_errors.items():
        if name not in FIELD_ANCHORS:
            rows.extend({"message": str(m), "anchor": ""} for m in messages)
    if not rows:
        rows.append({"message": str(message), "anchor": ""})
    return rows


# --- Queue actions --------------------------------------------------------------------------

class AttachForm(forms.Form):
    reference = forms.CharField(label=_("Nomor laporan"), max_length=40,
                                help_text=_("Nomor laporan yang sudah ada, misalnya 2611-K7QX-M9P3."))


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Alasan menutup pesan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Wajib. Misalnya: spam, pesan kosong, salah sambung, uji coba gateway."))


# --- Devices -----------------------------------------------------------------------------------

class DeviceForm(forms.Form):
    # Not required here: the service checks them and reports every problem at once.
    identity = forms.CharField(label=_("Identitas perangkat"), max_length=100, required=False,
                               help_text=_("Dipakai sistem perangkat di alamat API; huruf, angka, titik, garis bawah, "
                                           "tanda hubung. Misalnya cctv-simpang-lima-01."))
    name = forms.CharField(label=_("Nama perangkat"), max_length=150, required=False,
                           help_text=_("Nama yang dibaca petugas, misalnya “CCTV Simpang Lima arah utara”."))
    kind = forms.ChoiceField(label=_("Jenis"), choices=Device.Kind.choices, initial=Device.Kind.CCTV)
    agency = forms.ChoiceField(label=_("Instansi pengelola"))
    latitude = forms.CharField(label=_("Lintang posisi perangkat (tidak wajib)"), required=False, max_length=20,
                               help_text=_("Derajat desimal, misalnya -6.990. Dipakai bila deteksi tidak membawa lokasi."))
    longitude = forms.CharField(label=_("Bujur posisi perangkat (tidak wajib)"), required=False, max_length=20,
                                help_text=_("Derajat desimal, misalnya 110.423."))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]
