"""Directory-management forms: they only parse input; services validate and decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.accounts.permissions import Role
from aduan.standards.models import DEFAULT_LIMITS, CalendarDay


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari nama"), required=False, max_length=100)
    kind = forms.CharField(label=_("Jenis"), required=False, max_length=40)


class CoverageForm(forms.Form):
    region_codes = forms.CharField(
        label=_("Kode wilayah"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Satu kode per baris atau dipisah koma, mis. 33.74"))

    def codes(self) -> list[str]:
        text = self.cleaned_data.get("region_codes") or ""
        return [c for c in re.split(r"[\s,]+", text) if c]

LIMIT_LABELS = {
    "verify_days": _("Verifikasi dan disposisi (hari kerja)"),
    "first_response_days": _("Tindak lanjut pertama (hari kerja)"),
    "tier_light_days": _("Penyelesaian ringan (hari kerja)"),
    "tier_normative_days": _("Penyelesaian normatif (hari kerja)"),
    "tier_no_field_check_days": _("Penyelesaian tanpa pemeriksaan lapangan (hari kerja)"),
    "tier_field_check_days": _("Penyelesaian dengan pemeriksaan lapangan (hari kerja)"),
    "autoclose_days": _("Tutup otomatis tanpa balasan (hari kerja)"),
    "ombudsman_calendar_days": _("Dirujuk ke Ombudsman (hari kalender)"),
    "late_filing_calendar_days": _("Peringatan pengaduan terlambat (hari kalender)"),
    "escalation_step_days": _("Jeda antar-tingkat eskalasi (hari kerja)"),
}


class TimeLimitsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DEFAULT_LIMITS:
            self.fields[name] = forms.IntegerField(label=LIMIT_LABELS[name], required=False)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), required=False, help_text=_("Format TTTT-BB-HH, mis. 2026-03-03"))
    name = forms.CharField(label=_("Nama hari"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=CalendarDay.Kind.choices, required=False)
    region = forms.CharField(label=_("Kode wilayah (kosong = nasional)"), required=False, max_length=20)


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)
    agency = forms.CharField(label=_("Slug instansi (kosong = nasional)"), required=False, max_length=80)
    include_descendants = forms.BooleanField(label=_("Termasuk unit di bawahnya"), required=False, initial=True)


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Nama instansi"), required=False, max_length=300)
    short_name = forms.CharField(label=_("Nama singkat"), required=False, max_length=100)
    slug = forms.CharField(label=_("Slug (alamat)"), required=False, max_length=100,
                           help_text=_("Huruf kecil, angka dan tanda hubung, mis. dinkes-kota-semarang"))
    kind = forms.ChoiceField(label=_("Jenis"), required=False, choices=[])
    parent = forms.CharField(label=_("Slug instansi induk (kosong = tingkat teratas)"), required=False, max_length=100)
    seat_region = forms.CharField(label=_("Kode wilayah kedudukan"), required=False, max_length=20)
    aliases = forms.CharField(label=_("Nama lain (pisahkan dengan koma)"), required=False, max_length=1000)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)
    accepts_reports = forms.BooleanField(label=_("Menerima laporan"), required=False, initial=True)
    first_response_days = forms.IntegerField(label=_("Tindak lanjut pertama (hari kerja, kosong = mewarisi)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aduan.agencies.models import Agency
        self.fields["kind"].choices = Agency.Kind.choices

    def alias_list(self) -> list[str]:
        return [a.strip() for a in (self.cleaned_data.get("aliases") or "").split(",") if a.strip()]


class AgencyCategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), required=False, choices=[])
    region = forms.CharField(label=_("Kode wilayah (kosong = seluruh cakupan)"), required=False, max_length=20)
    tier = forms.ChoiceField(label=_("Jenjang penyelesaian"), required=False, choices=[])
    resolution_days = forms.IntegerField(label=_("Batas penyelesaian (hari kerja, kosong = sesuai jenjang)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aduan.agencies.models import Category, ResolutionTier
        self.fields["category"].choices = [("", _("— pilih kategori —")),
                                           *Category.objects.filter(is_active=True).order_by("name").values_list("slug", "name")]
        self.fields["tier"].choices = [("", _("Bawaan kategori")), *ResolutionTier.choices]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Nama kategori"), required=False, max_length=200)
    slug = forms.CharField(label=_("Slug (alamat)"), required=False, max_length=100)
    parent = forms.CharField(label=_("Slug kategori induk (kosong = tingkat teratas)"), required=False, max_length=100)
    default_tier = forms.ChoiceField(label=_("Jenjang penyelesaian bawaan"), required=False, choices=[])
    description = forms.CharField(label=_("Penjelasan untuk warga"), required=False, max_length=2000)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aduan.agencies.models import ResolutionTier
        self.fields["default_tier"].choices = ResolutionTier.choices


class InviteForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna baru"), required=False, max_length=150)
    full_name = forms.CharField(label=_("Nama lengkap"), required=False, max_length=150)
    email = forms.CharField(label=_("Alamat surel"), required=False, max_length=254)
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)
    agency = forms.CharField(label=_("Slug instansi (kosong = nasional)"), required=False, max_length=80)
