"""Emergency recognition at submission (issue #6): invented sentences only.

Precision matters more than recall (see aduan/routing/emergency.py): the negative cases are
the ordinary complaints that mention a fire, an accident or a flood as a past event, a risk
or a maintenance problem, and they must never tell the citizen to call 112.
"""

import pytest

from aduan.routing.emergency import NUMBERS, emergency_detect, emergency_numbers, lexicon, normalise_words

POSITIVE = [
    # (title, body, kind)
    ("Kebakaran", "Rumah tetangga sedang terbakar di Jl. Melati, api membesar.", "fire"),
    ("Tolong", "Ada kebakaran sekarang di pasar induk, asap tebal sekali.", "fire"),
    ("KEBAKARAN!!!", "Gudang di belakang sekolah terbakar barusan, belum ada pemadam.", "fire"),
    ("Darurat", "kbakaran di gang 3 skrg, tolong kirim damkar", "fire"),
    ("Api", "Warga terjebak api di lantai dua ruko.", "fire"),
    ("Gudang", "Api belum padam sejak satu jam, warga panik.", "fire"),
    ("Tabung gas", "Tabung gas meledak di warung baru saja, dua orang terluka.", "fire"),
    ("Kecelakaan", "Baru saja terjadi kecelakaan di perempatan, korban tergeletak di jalan.", "accident"),
    ("Tabrakan", "Tabrakan motor dan truk saat ini di jalan raya, ada korban berdarah.", "accident"),
    ("laka", "laka lantas dpn pasar, korban luka parah blm ditolong", "accident"),
    ("Tolong segera", "Kecelakaan bus di tikungan, penumpang terjepit di kendaraan.", "accident"),
    ("Sungai", "Ada anak tenggelam di sungai sekarang, belum ditemukan.", "accident"),
    ("Mobil terguling", "Mobil terguling di tol, sopir terluka dan belum dievakuasi.", "accident"),
    ("Ibu pingsan", "Ibu saya pingsan sekarang dan tidak sadarkan diri, butuh ambulans.", "medical"),
    ("Darurat medis", "Tetangga kena serangan jantung sedang sesak napas.", "medical"),
    ("Ambulans", "Mohon kirim ambulans ke RT 04, ada orang tidak bernapas.", "medical"),
    ("Melahirkan", "Istri saya mau melahirkan sekarang, bidan tidak ada.", "medical"),
    ("Keracunan", "Puluhan siswa keracunan makanan saat ini di sekolah.", "medical"),
    ("Perampokan", "Sedang terjadi perampokan di minimarket, pelaku bawa senjata.", "crime"),
    ("Tolong", "Ada maling sekarang di rumah sebelah, pemilik sedang pergi.", "crime"),
    ("Begal", "Baru saja ada begal di jalan sepi dekat kuburan, korban dipukuli.", "crime"),
    ("Tawuran", "Sedang tawuran pelajar di depan terminal, batu beterbangan.", "crime"),
    ("KDRT", "Tetangga saya sedang dipukuli suaminya, teriak minta tolong.", "crime"),
    ("Banjir bandang", "Banjir bandang sedang melanda desa kami, warga mengungsi.", "disaster"),
    ("Longsor", "Tanah longsor baru saja menimpa rumah, satu keluarga tertimbun longsor.", "disaster"),
    ("Terjebak banjir", "Kami terjebak banjir di lantai dua, air terus naik.", "disaster"),
    ("Gempa", "Gempa barusan, banyak rumah roboh dan warga terjebak.", "disaster"),
    ("Tanggul jebol", "Tanggul jebol sekarang, air masuk kampung, butuh evakuasi.", "disaster"),
    ("Puting beliung", "Angin puting beliung saat ini merusak puluhan rumah, ada korban.", "disaster"),
    ("Darurat", "Warga terjebak di rumah karena longsor, mohon kirim bantuan.", "disaster"),
]

NEGATIVE = [
    ("Bekas kebakaran", "Bekas kebakaran tahun lalu belum dibersihkan, puing menumpuk."),
    ("Jalan rawan", "Jalan rawan kecelakaan karena tidak ada lampu penerangan."),
    ("Lubang", "Jalan berlubang di depan sekolah, sering terjadi kecelakaan motor."),
    ("Perbaikan", "Kemarin ada kecelakaan di sini, mohon segera diperbaiki jalannya."),
    ("Drainase", "Setiap hujan kampung kami banjir karena drainase tersumbat."),
    ("Hidran", "Hidran kebakaran di kompleks tidak berfungsi, mohon diperiksa."),
    ("Santunan", "Santunan korban kecelakaan dari Jasa Raharja belum cair."),
    ("Bansos", "Bantuan sosial korban banjir tahun lalu belum diterima."),
    ("Simulasi", "Sosialisasi dan simulasi kebakaran di kantor kelurahan kurang peserta."),
    ("Kereta", "Jadwal kereta api sering terlambat, penumpang kecewa."),
    ("Tebing", "Tebing di pinggir jalan berpotensi longsor, mohon dipasang penahan."),
    ("KTP", "Pembuatan KTP elektronik sudah tiga bulan belum jadi."),
    ("Rambu", "Rambu di tikungan hilang, dapat menyebabkan kecelakaan."),
    ("Asuransi", "Klaim asuransi kebakaran pasar belum diproses pemerintah daerah."),
    ("Pohon", "Pohon besar di tepi jalan sudah miring, khawatir tumbang menimpa pengendara."),
    ("Puskesmas", "Pelayanan puskesmas lambat, pasien stroke menunggu tiga jam kemarin."),
    ("Penipuan", "Saya korban penipuan online, laporan ke polisi belum ditanggapi."),
    ("Pasca gempa", "Rehabilitasi rumah pasca gempa belum selesai di desa kami."),
    ("Jalan licin", "Jalan licin dan gelap, pernah terjadi tabrakan di sini."),
    ("Lampu", "Lampu lalu lintas mati sejak seminggu, mohon diperbaiki."),
    ("Sampah", "Sampah menumpuk di pasar dan menimbulkan bau."),
    ("Jembatan", "Jembatan kayu lapuk, dikhawatirkan roboh saat dilalui truk."),
    ("Tawuran", "Dulu sering ada tawuran pelajar di sini, mohon patroli rutin."),
    ("Gas", "Harga tabung gas melon naik di warung kami."),
    ("Angin", "Atap sekolah rusak akibat angin kencang bulan lalu, belum ada perbaikan."),
]


@pytest.mark.parametrize("title,body,kind", POSITIVE, ids=[f"pos{i}" for i in range(len(POSITIVE))])
def test_emergency_in_progress_is_recognised_with_its_kind(title, body, kind):
    found = emergency_detect(title, body)
    assert found is not None
    assert found.kind == kind
    assert found.numbers[0] == "112"
    assert found.phrases


@pytest.mark.parametrize("title,body", NEGATIVE, ids=[f"neg{i}" for i in range(len(NEGATIVE))])
def test_past_risk_or_maintenance_complaint_is_not_an_emergency(title, body):
    assert emergency_detect(title, body) is None


def test_enough_cases_both_ways():
    assert len(POSITIVE) >= 20 and len(NEGATIVE) >= 20 and len(POSITIVE) + len(NEGATIVE) >= 40


def test_numbers_per_kind_always_start_with_112():
    assert set(NUMBERS) == {"fire", "accident", "medical", "crime", "disaster"}
    assert all(numbers[0] == "112" for numbers in NUMBERS.values())
    assert emergency_detect("Kebakaran", "Rumah sedang terbakar").numbers == ("112", "113")
    assert emergency_numbers("crime") == ["112", "110"]
    assert emergency_numbers("") == ["112"]


def test_negative_cue_wins_over_an_urgency_cue():
    assert emergency_detect("", "Sekarang jalan ini rawan kecelakaan") is None
    assert emergency_detect("", "Sekarang ada kecelakaan, korban terluka") is not None


def test_urgency_in_the_title_applies_to_the_body():
    assert emergency_detect("", "Rumah di gang 5 kebakaran") is None
    assert emergency_detect("DARURAT", "Rumah di gang 5 kebakaran").kind == "fire"


def test_cue_must_be_in_the_same_sentence_as_the_trigger():
    assert emergency_detect("", "Kemarin rumah pak RT kebakaran. Sekarang warga butuh air bersih.") is None


def test_informal_spellings_and_repeated_letters_are_normalised():
    assert normalise_words("TOLOOONG kbakaran skrg!!") == ["tolong", "kebakaran", "sekarang"]
    assert emergency_detect("tolooong", "kbakaran skrg di pasar").kind == "fire"


def test_as_dict_is_what_the_api_returns():
    found = emergency_detect("Tolong", "Sedang terjadi perampokan di toko")
    assert found.as_dict() == {"kind": "crime", "call": ["112", "110"]}


def test_empty_input_is_not_an_emergency():
    assert emergency_detect("", "") is None
    assert emergency_detect(None, None) is None


def test_phrase_file_has_every_kind_and_no_unknown_section():
    lex = lexicon()
    assert all(lex.triggers[kind] for kind in NUMBERS)
    assert lex.negative and lex.urgent and lex.slang


def test_a_trigger_is_not_its_own_cue():
    # "tertimbun" is a disaster cue, but not for the trigger "tertimbun reruntuhan" itself.
    assert emergency_detect("", "Rumah tua tertimbun reruntuhan") is None
    assert emergency_detect("", "Rumah tua tertimbun reruntuhan sekarang") is not None


def test_drowning_needs_a_time_cue():
    # Precision over recall: "tenggelam" is also written about flooded fields and past events.
    assert emergency_detect("", "Sawah warga tenggelam") is None
