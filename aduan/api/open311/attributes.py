"""The attributes every Aduan service (category) defines, and how they map to a report.

Open311 has no field for what SP4N-LAPOR! needs beyond a description and a location: the
kind of report (pengaduan / aspirasi / permintaan informasi), a title, the date of the
incident, and the reporter's two privacy choices. They are fixed by our invariants (the
``ReportDraft`` fields), not edited per category, so they live in code (rule of the house
7). All are optional so that a generic Open311 client that ignores service definitions can
still submit: kind defaults to a complaint, the title to the start of the description,
the incident date to today (WIB), and both privacy flags to off.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aduan.reports.models import Kind

YES_NO = ("true", "false")


def service_attributes() -> list[dict]:
    """The ``<attributes>`` of every service definition, in spec order of fields."""
    yes_no = [{"key": "true", "name": _("Ya")}, {"key": "false", "name": _("Tidak")}]
    return [
        {
            "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
            "datatype_description": _("Pilih satu; jika kosong dianggap pengaduan."), "order": 1,
            "description": _("Jenis laporan"),
            "values": [{"key": value, "name": str(label)} for value, label in Kind.choices],
        },
        {
            "variable": True, "code": "title", "datatype": "string", "required": False,
            "datatype_description": _("Paling panjang 200 karakter; jika kosong diambil dari awal deskripsi."),
            "order": 2, "description": _("Judul singkat laporan"),
        },
        {
            "variable": True, "code": "incident_date", "datatype": "datetime", "required": False,
            "datatype_description": _("Tanggal TTTT-BB-HH atau tanggal-waktu W3C; jika kosong dianggap hari ini."),
            "order": 3, "description": _("Tanggal kejadian atau pelayanan yang dilaporkan"),
        },
        {
            "variable": True, "code": "anonymous", "datatype": "singlevaluelist", "required": False,
            "datatype_description": _("true atau false"), "order": 4,
            "description": _("Anonim: identitas pelapor dirahasiakan dari instansi terlapor dan publik"),
            "values": yes_no,
        },
        {
            "variable": True, "code": "confidential", "datatype": "singlevaluelist", "required": False,
            "datatype_description": _("true atau false"), "order": 5,
            "description": _("Rahasia: isi laporan tidak ditampilkan kepada publik"),
            "values": yes_no,
        },
        {
            "variable": False, "code": "privacy_notice", "datatype": "text", "required": False,
            "datatype_description": None, "order": 6,
            "description": _("Nama, surel dan nomor telepon pelapor tidak pernah ditampilkan lewat Open311. "
                             "Laporan tampil di daftar publik setelah diverifikasi dan diteruskan ke instansi berwenang."),
        },
    ]


ATTRIBUTE_CODES = frozenset({"kind", "title", "incident_date", "anonymous", "confidential"})
