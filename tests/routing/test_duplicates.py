"""Duplicate candidates (issue #6), pure layer: invented texts only."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from aduan.routing.duplicates import (
    DuplicateIndex,
    duplicates_find,
    place_relation,
    signature,
    signatures,
    text_similarity,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
VILLAGE = "33.74.01.1001"
OTHER_VILLAGE = "33.74.01.1002"
ROAD = ("Jalan rusak di depan SD", "Jalan berlubang besar di depan SD Negeri 2, membahayakan anak sekolah.")


def row(key, title, body, code=VILLAGE, days_ago=1, lat=None, lon=None, is_open=True):
    return {"key": key, "title": title, "body": body, "region_code": code, "latitude": lat, "longitude": lon,
            "at": NOW - timedelta(days=days_ago), "is_open": is_open}


def query(title, body, code=VILLAGE, lat=None, lon=None, **kw):
    return {"title": title, "body": body, "region_code": code, "latitude": lat, "longitude": lon, "at": NOW, **kw}


def keys(matches):
    return [m.key for m in matches]


def test_exact_repeat_is_the_top_candidate_with_full_text_score():
    found = duplicates_find(query(*ROAD), [row(1, *ROAD), row(2, "KTP belum jadi", "Sudah tiga bulan KTP elektronik belum jadi.")])
    assert keys(found) == [1]
    assert found[0].text_score == 1.0 and found[0].same_place and found[0].days_apart == 1.0


def test_repeat_with_typos_and_abbreviations_is_a_candidate():
    typed = ("jln rusak dpn sd", "jln bolong bsr dpn sd negri 2, membahayakan anak sklh")
    found = duplicates_find(query(*ROAD), [row(7, *typed)])
    assert keys(found) == [7]
    assert found[0].text_score >= 0.8


def test_abbreviations_normalise_to_the_same_text():
    assert text_similarity(signature("jln rusak dpn sd"), signature("jalan rusak di depan SD")) == 1.0


def test_same_problem_sent_to_two_agencies_is_a_candidate_because_agencies_are_ignored():
    # The index never sees the agency: two reports with different suggested agencies but the
    # same place and text are candidates of each other.
    first = row(1, "Lampu jalan mati", "Lampu penerangan jalan di Jl. Pemuda mati total sejak seminggu, gelap dan rawan.")
    second = query("Lampu PJU Jl Pemuda mati", "Lampu penerangan jalan di Jl Pemuda mati total sejak seminggu, gelap.")
    assert keys(duplicates_find(second, [first])) == [1]


def test_unrelated_reports_in_the_same_village_are_not_candidates():
    rows = [
        row(1, "KTP belum jadi", "Pembuatan KTP elektronik di kecamatan sudah tiga bulan belum jadi."),
        row(2, "Sampah menumpuk", "Sampah di pasar desa tidak diangkut dua minggu, bau menyengat."),
        row(3, "Guru jarang masuk", "Guru kelas tiga jarang masuk, murid dibiarkan belajar sendiri."),
        row(4, "Lampu jalan mati", "Lampu penerangan jalan di depan SD mati sejak seminggu."),
    ]
    assert duplicates_find(query(*ROAD), rows) == []


def test_closed_reports_are_not_candidates():
    assert duplicates_find(query(*ROAD), [row(1, *ROAD, is_open=False)]) == []


def test_reports_outside_the_time_window_are_not_candidates():
    rows = [row(1, *ROAD, days_ago=31), row(2, *ROAD, days_ago=29)]
    assert keys(duplicates_find(query(*ROAD), rows)) == [2]
    assert keys(duplicates_find(query(*ROAD), rows, window_days=60)) == [2, 1]  # older ranks lower


def test_same_text_in_another_village_is_not_a_candidate():
    assert duplicates_find(query(*ROAD), [row(1, *ROAD, code=OTHER_VILLAGE)]) == []


def test_nearby_coordinates_make_the_same_place_across_a_border():
    near = row(1, *ROAD, code="33.22.01.2001", lat=-6.98000, lon=110.41000)
    found = duplicates_find(query(*ROAD, lat=-6.98200, lon=110.41100), [near])
    assert keys(found) == [1] and found[0].same_place and 200 < found[0].distance_m < 300
    far = row(2, *ROAD, code="33.22.01.2001", lat=-6.90, lon=110.41)
    assert duplicates_find(query(*ROAD, lat=-6.98200, lon=110.41100), [far]) == []


def test_report_naming_only_its_regency_needs_closer_text():
    vague = row(1, *ROAD, code="33.74")
    found = duplicates_find(query(*ROAD), [vague])
    assert keys(found) == [1] and found[0].place == "area"
    loose = row(2, "Jalan rusak", "Jalan di kota banyak yang berlubang dan rusak parah.", code="33.74")
    assert duplicates_find(query(*ROAD), [loose]) == []


def test_report_without_location_is_found_by_text_alone():
    found = duplicates_find(query(*ROAD, code=None), [row(1, *ROAD, code="")])
    assert keys(found) == [1] and found[0].place == "unknown"


def test_the_report_itself_is_excluded_and_limit_holds():
    rows = [row(i, *ROAD, days_ago=i) for i in range(1, 9)]
    found = duplicates_find(query(*ROAD, key=3), rows, limit=5)
    assert 3 not in keys(found) and len(found) == 5
    assert keys(found) == [1, 2, 4, 5, 6]  # same text: the nearest in time first


@pytest.mark.parametrize("a,b,expected", [
    ((VILLAGE, None, None), (VILLAGE, None, None), "same"),
    ((VILLAGE, None, None), ("33.74", None, None), "area"),
    ((VILLAGE, None, None), (OTHER_VILLAGE, None, None), "different"),
    ((VILLAGE, None, None), ("", None, None), "unknown"),
    (("33.74", None, None), ("33.74", None, None), "area"),
    ((VILLAGE, -6.98, 110.41), (OTHER_VILLAGE, -6.9801, 110.4101), "same"),
])
def test_place_relation(a, b, expected):
    assert place_relation(*a, *b)[0] == expected


def test_index_add_and_close_change_the_candidates():
    index = DuplicateIndex.build([row(1, "KTP belum jadi", "Tiga bulan KTP elektronik belum jadi.")])
    assert index.query(**query(*ROAD)) == []
    index.add(row(2, *ROAD))
    assert keys(index.query(**query(*ROAD))) == [2]
    index.close(2)
    assert index.query(**query(*ROAD)) == []
    assert len(index) == 2


def test_index_finds_the_same_report_among_many_through_lsh_and_regency_slices():
    rng = np.random.default_rng(1)
    words = "air listrik sampah guru pasar puskesmas bansos sertifikat tanah parkir pungli gaji honor izin".split()
    rows = [row(i, " ".join(rng.choice(words, 3)), " ".join(rng.choice(words, 12)),
                code=f"33.{70 + i % 9}.01.{1000 + i % 50}", days_ago=int(i % 25)) for i in range(2000)]
    rows.append(row(5000, *ROAD, code=VILLAGE))
    rows.append(row(5001, *ROAD, code=""))  # no place: reached only through the LSH bands
    index = DuplicateIndex.build(rows)
    assert set(keys(index.query(**query(*ROAD)))) == {5000, 5001}


def test_signatures_batch_equals_single():
    texts = [ROAD, ("", ""), ("KTP", "belum jadi")]
    batch = signatures(texts, batch=2)
    for i, (t, b) in enumerate(texts):
        assert (batch[i] == signature(t, b)).all()
    assert text_similarity(batch[1], batch[1]) == 0.0  # no text is never similar
