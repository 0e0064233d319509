"""Routing-rule forms: they only parse input; ``routing.services_rules`` validates and decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.routing.models import AssetOwner, AuthorityLevel


def _category_choices(empty_label):
    from aduan.agencies.models import Category

    return [("", empty_label), *Category.objects.filter(is_active=True).order_by("name").values_list("slug", "name")]


class RoutingRuleForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), required=False, choices=[],
                                 help_text=_("Kosong = semua kategori; berlaku juga untuk subkategorinya."))
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=20,
                             help_text=_("Kosong = seluruh Indonesia; mis. 33.74 untuk Kota Semarang dan wilayah di bawahnya."))
    asset_owner = forms.ChoiceField(label=_("Pemilik aset"), required=False, choices=AssetOwner.choices)
    region_level = forms.ChoiceField(label=_("Tingkat pemerintahan yang berwenang"), required=False, choices=[],
                                     help_text=_("Unit yang menangani kategori di pemerintahan wilayah laporan "
                                                 "pada tingkat ini."))
    target_agency = forms.CharField(label=_("Atau instansi tujuan tetap (slug)"), required=False, max_length=120,
                                    help_text=_("Isi salah satu: tingkat pemerintahan atau instansi tetap."))
    fallback_to_government = forms.BooleanField(
        label=_("Bila tidak ada unit yang menangani kategori, serahkan ke pemerintah daerahnya"), required=False)
    priority = forms.CharField(label=_("Prioritas"), required=False, max_length=6,
                               help_text=_("Penentu bila dua aturan sama spesifiknya; lebih besar menang. Bawaan 0."))
    is_active = forms.BooleanField(label=_("Aktif"), required=False)
    note = forms.CharField(label=_("Catatan (dasar aturan)"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(_("— semua kategori —"))
        self.fields["region_level"].choices = [("", _("— instansi tetap —")), *AuthorityLevel.choices]


class RoutingTestForm(forms.Form):
    kategori = forms.ChoiceField(label=_("Kategori"), required=False, choices=[])
    wilayah = forms.CharField(label=_("Kode wilayah laporan"), required=False, max_length=20,
                              help_text=_("Mis. 33.74.10 (Kecamatan Tembalang, Kota Semarang)."))
    aset = forms.ChoiceField(label=_("Pemilik aset"), required=False, choices=AssetOwner.choices)
    teks = forms.CharField(label=_("Atau teks laporan contoh (untuk mengenali pemilik aset)"), required=False,
                           max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kategori"].choices = _category_choices(_("— tanpa kategori —"))
