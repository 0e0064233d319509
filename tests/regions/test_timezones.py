"""timezone_for_code: WIB / WITA / WIT by province (Keppres 41/1987), a pure function."""

from __future__ import annotations

import csv

import pytest
from django.conf import settings

from aduan.regions.services import WIB, WIT, WITA, timezone_for_code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("31", WIB),  # DKI Jakarta
        ("31.73", WIB),  # Kota Administrasi Jakarta Barat
        ("11.71", WIB),  # Kota Banda Aceh
        ("33.74.01.1001", WIB),  # a kelurahan in Kota Semarang
        ("61.71", WIB),  # Kota Pontianak: Kalimantan Barat is WIB
        ("62.71", WIB),  # Kota Palangkaraya: Kalimantan Tengah is WIB
        ("51", WITA),  # Bali
        ("51.03", WITA),  # Kabupaten Badung
        ("52.71", WITA),  # Kota Mataram
        ("53.71", WITA),  # Kota Kupang
        ("63.71", WITA),  # Kota Banjarmasin: Kalimantan Selatan is WITA
        ("64", WITA),
        ("65.01", WITA),  # Kalimantan Utara, split from Kalimantan Timur
        ("71.71", WITA),
        ("75", WITA),  # Gorontalo
        ("76.01", WITA),  # Sulawesi Barat
        ("81.71", WIT),  # Kota Ambon
        ("82", WIT),  # Maluku Utara
        ("91.06", WIT),  # Kabupaten Biak Numfor, Papua
        ("92", WIT),
        ("93", WIT),
        ("94.04", WIT),  # Kabupaten Mimika, Papua Tengah
        ("95.01.01", WIT),  # a kecamatan in Jayawijaya, Papua Pegunungan
        ("96", WIT),  # Papua Barat Daya
        ("", WIB),
        ("99", WIB),  # no such province: the national default
    ],
)
def test_timezone_for_code_follows_the_province(code, expected):
    assert timezone_for_code(code) == expected


def test_every_province_in_wilayah_csv_gets_one_of_the_three_zones():
    path = settings.SHARED_DATA_DIR / "wilayah-kemendagri" / "wilayah.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        provinces = {row["kode"]: timezone_for_code(row["kode"]) for row in csv.DictReader(fh) if row["level"] == "provinsi"}
    assert len(provinces) == 38
    zones = {zone: sorted(c for c, z in provinces.items() if z == zone) for zone in (WIB, WITA, WIT)}
    assert zones[WIT] == ["81", "82", "91", "92", "93", "94", "95", "96"]
    assert zones[WITA] == ["51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"]
    assert len(zones[WIB]) == 38 - 8 - 12
