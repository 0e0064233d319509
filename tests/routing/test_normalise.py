from aduan.routing.normalise import clean, normalise, normalise_stemmed, slang_map, stem_word


def test_informal_spellings_of_complaints_are_expanded():
    text = "Jln di dpn rmh sy rusak, sdh 3 bln tdk diperbaiki yg katanya mau dibenerin, gak ada kpd siapa blm jelas"
    words = normalise(text).split()
    for standard in ("jalan", "depan", "rumah", "saya", "sudah", "bulan", "tidak", "yang", "kepada", "belum"):
        assert standard in words, standard
    for informal in ("jln", "sdh", "tdk", "yg", "gak", "kpd", "blm"):
        assert informal not in words, informal


def test_slang_dictionary_is_data_and_has_no_identity_entries():
    mapping = slang_map()
    assert mapping["yg"] == "yang" and mapping["pemkot"] == "pemerintah kota"
    assert all(k != v for k, v in mapping.items())


def test_masked_phones_links_and_numbers_become_placeholders():
    out = clean("hubungi 0[*********]9 atau lihat https://contoh.id/a?b=1 nomor 12345")
    assert "<phone>" in out and "<url>" in out and "<num>" in out
    assert "12345" not in out and "contoh.id" not in out


def test_reduplication_is_reduced():
    assert normalise("jalan-jalan rusak2") == "jalan rusak"


def test_sastrawi_stems_affixed_words_quickly_and_keeps_short_words():
    assert stem_word("perbaikan") == "baik"
    assert stem_word("pembangunan") == "bangun"
    assert stem_word("ktp") == "ktp"
    assert normalise_stemmed("Jalan berlubang belum diperbaiki") == "jalan lubang belum baik"


def test_stemmer_cache_makes_repeat_calls_free():
    stem_word.cache_clear()
    stem_word("pelayanan")
    stem_word("pelayanan")
    info = stem_word.cache_info()
    assert info.hits == 1 and info.misses == 1
