from aduan.intake.adapters.sms import CONCAT_SEGMENT, GSM7_BASIC, GSM7_EXTENDED, gsm7_safe, sms_segments


def septets(text):
    return sum(2 if c in GSM7_EXTENDED else 1 for c in text)


def test_curly_quotes_dashes_and_ellipsis_become_gsm7():
    assert gsm7_safe("\u201cJalan\u201d \u2018rusak\u2019 \u2014 parah\u2026") == "\"Jalan\" 'rusak' - parah..."


def test_emoji_is_stripped_and_accents_outside_gsm7_lose_the_accent():
    assert gsm7_safe("Terima kasih \U0001F64F\U0001F600 ā ç") == "Terima kasih a c"
    assert gsm7_safe("café") == "café"  # é is in the GSM-7 default alphabet


def test_short_text_is_one_segment_of_at_most_160():
    assert sms_segments("a" * 160) == ["a" * 160]
    assert sms_segments("") == []


def test_long_text_splits_into_153_septet_segments():
    text = "kata " * 100
    segments = sms_segments(text)
    assert len(segments) > 1
    assert all(septets(s) <= CONCAT_SEGMENT for s in segments)
    assert "".join(segments) == gsm7_safe(text)


def test_161_characters_need_two_segments():
    segments = sms_segments("b" * 161)
    assert [len(s) for s in segments] == [153, 8]


def test_extension_characters_count_two_septets_and_are_never_split():
    segments = sms_segments("€" * 100)
    assert [septets(s) for s in segments] == [152, 48]


def test_every_segment_is_pure_gsm7():
    for segment in sms_segments("Laporan \u201cABC\u201d \U0001F6A7 sudah diteruskan \u2013 terima kasih " * 6):
        assert all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in segment)
