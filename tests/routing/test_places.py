import pytest

from aduan.routing.places import DISTRICT, PROVINCE, REGENCY, Gazetteer

ROWS = [
    ("31", "Daerah Khusus Ibukota Jakarta", 1, None),
    ("31.73", "Kota Administrasi Jakarta Barat", 2, "31"),
    ("31.74", "Kota Administrasi Jakarta Selatan", 2, "31"),
    ("33", "Jawa Tengah", 1, None),
    ("33.21", "Kabupaten Demak", 2, "33"),
    ("33.22", "Kabupaten Semarang", 2, "33"),
    ("33.25", "Kabupaten Batang", 2, "33"),
    ("33.74", "Kota Semarang", 2, "33"),
    ("33.74.10", "Tembalang", 3, "33.74"),
    ("33.21.01", "Mranggen", 3, "33.21"),
    ("35", "Jawa Timur", 1, None),
    ("35.22", "Kabupaten Bojonegoro", 2, "35"),
    ("35.22.01", "Mranggen", 3, "35.22"),  # invented twin name, to test ambiguity
    ("33.74.10.1001", "Jaya Baru", 4, "33.74.10"),
]


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer(ROWS)


def test_prefixed_regency_with_abbreviated_prefix(gaz):
    places = gaz.detect("Jalan rusak parah di Kab. Demak dekat pasar")
    assert places.best(REGENCY) == ("33.21", 1.0)
    assert places.best(PROVINCE)[0] == "33"


def test_abbreviated_city_name_after_prefix(gaz):
    assert gaz.detect("lampu jalan mati di kota smg")
    assert gaz.detect("lampu jalan mati di kota smg").best(REGENCY) == ("33.74", 1.0)
    assert gaz.detect("pemkab smg lambat").best(REGENCY) == ("33.22", 1.0)


def test_jakarta_abbreviations(gaz):
    places = gaz.detect("macet di Jaksel")
    assert places.best(REGENCY)[0] == "31.74"
    assert gaz.detect("banjir jakbar").best(REGENCY)[0] == "31.73"


def test_bare_ambiguous_name_prefers_city_with_low_confidence(gaz):
    code, conf = gaz.detect("saya warga semarang").best(REGENCY)
    assert code == "33.74"
    assert conf < 0.5  # much weaker than a prefixed mention


def test_common_words_are_not_places(gaz):
    places = gaz.detect("batang pohon tumbang di desa jaya baru, sari indah")
    assert places.mentions == []
    assert gaz.detect("Kabupaten Batang").best(REGENCY)[0] == "33.25"


def test_district_needs_its_prefix_and_counts_for_its_regency(gaz):
    assert gaz.detect("tembalang banjir").mentions == []
    places = gaz.detect("di kec. tembalang ada jalan berlubang")
    assert places.best(DISTRICT)[0] == "33.74.10"
    assert places.best(REGENCY)[0] == "33.74"


def test_same_named_district_is_resolved_by_the_named_regency(gaz):
    ambiguous = gaz.detect("Kecamatan Mranggen")
    assert set(ambiguous.scores[DISTRICT]) == {"33.21.01", "35.22.01"}
    resolved = gaz.detect("Kecamatan Mranggen Kabupaten Bojonegoro")
    assert set(resolved.scores[DISTRICT]) == {"35.22.01"}
    assert resolved.best(REGENCY)[0] == "35.22"


def test_villages_are_never_detected(gaz):
    assert all(m.level < 4 for m in gaz.detect("Kelurahan Jaya Baru Kota Semarang").mentions)


def test_display_forms(gaz):
    assert gaz.display("33.21") == "Kabupaten Demak"
    assert gaz.display("33.74", prefixed=False) == "Semarang"
    assert gaz.display("31.74", prefixed=False) == "Jakarta Selatan"
    assert gaz.display("33") == "Provinsi Jawa Tengah"
