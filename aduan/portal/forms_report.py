"""Forms of the tracking page and of the reporter's actions on the report page.

They only parse: the rules (which action from which status, whether a note is required,
the rating scale) are checked by ``report_transition``, whose field errors the page shows
next to the same fields. ``ACTION_FORMS`` holds the words of each action's form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.reports.workflow import ACTION_LABELS, Action, Status

from .report_selectors import REPORTER_ACTIONS

NOTE_MAX = 10000
RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class TrackForm(forms.Form):
    """Reference + tracking token (POST from the page, or GET from the confirmation link)."""

    ref = forms.CharField(max_length=40, error_messages={
        "required": _("Isi nomor laporan."), "max_length": _("Nomor laporan terlalu panjang."),
    })
    token = forms.CharField(max_length=100, error_messages={
        "required": _("Isi kode pelacakan."), "max_length": _("Kode pelacakan terlalu panjang."),
    })


class ReporterActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a.value, ACTION_LABELS[a]) for a in REPORTER_ACTIONS], error_messages={
        "required": _("Tindakan tidak dikenal."), "invalid_choice": _("Tindakan tidak dikenal."),
    })
    # The status the reporter saw: if an official changed the report meanwhile, nothing happens.
    expected_status = forms.ChoiceField(choices=Status.choices, error_messages={
        "required": _("Muat ulang halaman lalu coba lagi."), "invalid_choice": _("Muat ulang halaman lalu coba lagi."),
    })
    note = forms.CharField(required=False, max_length=NOTE_MAX, error_messages={
        "max_length": _("Keterangan paling panjang 10000 karakter."),
    })
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, required=False, empty_value=None, error_messages={
        "invalid_choice": _("Beri nilai 1 sampai 5."),
    })


@dataclass(frozen=True)
class ActionForm:
    """The words of one action's form; ``rating`` is "", "optional" or "required"."""

    heading: str
    intro: str
    note_label: str
    note_hint: str
    button: str
    rating: str = ""


ACTION_FORMS: dict[Action, ActionForm] = {
    Action.PROVIDE_CLARIFICATION: ActionForm(
        _("Kirim klarifikasi"), _("Instansi meminta keterangan tambahan. Batas waktunya berhenti sampai Anda menjawab."),
        _("Klarifikasi Anda"), _("Jawab pertanyaan instansi selengkap mungkin."), _("Kirim klarifikasi")),
    Action.REPORTER_REPLY: ActionForm(
        _("Balas tindak lanjut"), _("Balasan Anda membuat laporan tetap terbuka dan kembali ke instansi."),
        _("Balasan Anda"), _("Tulis apa yang belum selesai atau pertanyaan Anda."), _("Kirim balasan")),
    Action.ADD_INFORMATION: ActionForm(
        _("Tambah informasi"), _("Tambahan informasi hanya terlihat oleh Anda dan petugas, tidak di halaman publik."),
        _("Informasi tambahan"), _("Misalnya lokasi yang lebih tepat atau kejadian terbaru."), _("Tambahkan informasi")),
    Action.CONFIRM: ActionForm(
        _("Konfirmasi selesai"), _("Konfirmasi jika masalah Anda sudah terselesaikan. Laporan akan ditutup."),
        _("Komentar (tidak wajib)"), _("Komentar tampil di riwayat laporan."), _("Konfirmasi laporan selesai"),
        rating="optional"),
    Action.DISPUTE: ActionForm(
        _("Sanggah tindak lanjut"), _("Sanggah jika tindak lanjut tidak sesuai kenyataan. Laporan kembali ke instansi."),
        _("Alasan sanggahan"), _("Jelaskan apa yang tidak sesuai."), _("Kirim sanggahan")),
    Action.RATE: ActionForm(
        _("Beri penilaian"), _("Nilai penanganan laporan Anda. Penilaian dapat diubah kemudian."),
        _("Komentar (tidak wajib)"), _("Komentar tampil di riwayat laporan."), _("Simpan penilaian"), rating="required"),
}
assert set(ACTION_FORMS) == set(REPORTER_ACTIONS), "every reporter action needs its form words"
