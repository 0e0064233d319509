"""The routing model on invented complaints: sector × place composition, calibrated
probabilities with a stored threshold, terms for the verifier, files and promotion."""

import json
import time

import pytest

from aduan.routing.classifier import RoutingModel, Suggestion, current_model_path, train_model

from aduan.routing.places import Gazetteer

from .test_places import ROWS

ROAD = ["jalan berlubang besar dan rusak parah", "aspal jalan rusak belum diperbaiki", "jalan rusak banyak lubang",
        "perbaikan jalan tidak selesai", "jalan berlubang membahayakan pengendara", "jalan rusak parah sudah lama"]
BUS = ["angkot ngetem sembarangan bikin macet", "lampu lalu lintas mati di perempatan", "parkir liar bikin macet",
       "terminal bus kotor dan angkot ugal ugalan", "rambu lalu lintas hilang", "macet karena parkir liar"]
AID = ["bantuan sosial pkh tidak cair", "bansos belum diterima keluarga miskin", "kartu pkh tidak bisa dipakai",
       "bantuan pangan non tunai tidak sampai", "data penerima bansos salah", "pkh dihentikan tanpa alasan"]
PLACES = ["Kota Semarang", "Kota Semarang", "Kabupaten Bojonegoro"]


def examples():
    out = []
    for i, text in enumerate(ROAD):
        place = PLACES[i % 3]
        label = "Dinas Pekerjaan Umum Kota Semarang" if place == "Kota Semarang" else "Dinas Pekerjaan Umum Kab. Bojonegoro"
        out.append((f"{text} di {place.lower()}", label))
    for i, text in enumerate(BUS):
        place = PLACES[i % 3]
        label = "Dinas Perhubungan Kota Semarang" if place == "Kota Semarang" else "Dinas Perhubungan Kab. Bojonegoro"
        out.append((f"{text} di {place}", label))
    out += [(text, "Kementerian Sosial") for text in AID]
    return out * 2


@pytest.fixture(scope="module")
def gaz():
    from aduan.routing.places import Gazetteer

    return Gazetteer(ROWS)


@pytest.fixture(scope="module")
def model(gaz):
    return RoutingModel(name="agency").fit(examples(), gazetteer=gaz)


def test_labels_are_split_into_sector_templates_and_places(model):
    assert model.template_of["Dinas Pekerjaan Umum Kota Semarang"] == "Dinas Pekerjaan Umum {2}"
    assert model.template_of["Dinas Pekerjaan Umum Kab. Bojonegoro"] == "Dinas Pekerjaan Umum {2}"
    assert model.template_of["Kementerian Sosial"] == "Kementerian Sosial"


def test_known_sector_at_known_place(model):
    top = model.suggest("jalan di depan rumah berlubang, di kota smg", k=3)[0]
    assert top.label == "Dinas Pekerjaan Umum Kota Semarang"
    assert top.source == "composed"
    assert "kota smg" in top.terms
    assert any("jalan" in t or "lubang" in t for t in top.terms)


def test_place_decides_between_regions_for_the_same_sector(model):
    top = model.suggest("angkot ngetem bikin macet di kab. bojonegoro")[0]
    assert top.label == "Dinas Perhubungan Kab. Bojonegoro"


def test_never_seen_label_is_composed_for_a_new_place(model):
    suggestions = model.suggest("jalan rusak berlubang parah di Kabupaten Demak", k=3)
    top = suggestions[0]
    assert top.label == "Dinas Pekerjaan Umum Kabupaten Demak"
    assert top.source == "composed"
    assert "Dinas Pekerjaan Umum Kabupaten Demak" not in model.template_of  # truly new


def test_flat_fallback_without_place(model):
    top = model.suggest("bansos pkh belum cair")[0]
    assert top == Suggestion(top.label, top.probability, top.terms, "flat")
    assert top.label == "Kementerian Sosial"
    top = model.suggest("jalan berlubang rusak parah")[0]  # no place: the most frequent place of the sector
    assert top.label == "Dinas Pekerjaan Umum Kota Semarang" and top.source == "flat"


def test_probabilities_are_a_distribution_and_threshold_is_stored(model):
    ranked = model.rank("jalan berlubang di kota semarang")
    assert abs(sum(p for _, p in ranked) - 1.0) < 1e-6
    assert ranked == sorted(ranked, key=lambda kv: -kv[1])
    assert 0.0 < model.auto_threshold <= 1.01
    assert model.temperature > 0 and model.oof_ece is not None


def test_save_load_round_trip_is_fast_and_identical(model, tmp_path):
    path = model.save(tmp_path / "agency-1.joblib")
    t0 = time.perf_counter()
    loaded = RoutingModel.load(str(path))
    assert time.perf_counter() - t0 < 5  # generous; the bench prints the real figure
    text = "parkir liar di kota semarang"
    assert loaded.rank(text) == model.rank(text)
    assert loaded.auto_threshold == model.auto_threshold


def test_train_model_promotes_only_when_not_worse(gaz, tmp_path):
    good = examples()
    first = train_model(good, name="agency", directory=tmp_path, gazetteer=gaz, holdout=0.25)
    assert first.promoted and first.reason == "no current model"
    assert current_model_path("agency", directory=tmp_path) == first.path
    # A crippled model (no composition, almost no regularisation budget) on the same
    # examples is worse on the same held-out rows: it is written but not promoted.
    time.sleep(1.1)  # versions are timestamped to the second
    second = train_model(good, name="agency", directory=tmp_path, gazetteer=gaz, holdout=0.25, C=1e-6, compose=False)
    assert not second.promoted and second.path.is_file()
    assert second.new_metrics["top1_accuracy"] < second.current_metrics["top1_accuracy"]
    assert current_model_path("agency", directory=tmp_path) == first.path
    time.sleep(1.1)
    forced = train_model(good, name="agency", directory=tmp_path, gazetteer=gaz, holdout=0.25, C=1e-6, compose=False,
                         force=True)
    assert forced.promoted and forced.reason == "forced"
    manifest = json.loads((tmp_path / "agency.json").read_text())
    assert manifest["current"] == forced.path.name and len(manifest["versions"]) == 2


def test_refuses_a_single_label(gaz):
    with pytest.raises(ValueError):
        RoutingModel().fit([("a", "x"), ("b", "x")], gazetteer=gaz)


# -- auto-dispose threshold: a lower confidence bound on precision, not a point estimate ---------

def test_threshold_rule_is_not_fooled_by_a_short_run_of_right_predictions():
    from aduan.routing.classifier import NEVER, choose_threshold_lcb
    from aduan.routing.evaluate import choose_threshold

    # 20 confident predictions all right, then 80 less confident ones right half the time.
    confs = [0.99 - 0.005 * i for i in range(20)] + [0.7 - 0.005 * i for i in range(80)]
    oks = [True] * 20 + [i % 2 == 0 for i in range(80)]
    assert choose_threshold(confs, oks) <= 0.90  # the naive "right ≥ 96 %" rule disposes of them
    # 20 of 20 is no evidence of ≥ 95 % precision (Wilson lower bound ≈ 0.88): never auto-dispose.
    assert choose_threshold_lcb(confs, oks, target=0.95) == NEVER


def test_threshold_rule_picks_the_lowest_threshold_with_enough_evidence():
    from aduan.routing.classifier import choose_threshold_lcb, wilson_lower_bound
    from aduan.routing.evaluate import choose_threshold

    # 300 high-confidence predictions with one error in 100, then 200 at 97 %, then noise.
    confs = [0.999 - 0.0005 * i for i in range(700)]
    oks = [i % 100 != 50 for i in range(300)] + [i % 100 >= 3 for i in range(200)] + [i % 3 == 0 for i in range(200)]
    naive = choose_threshold(confs, oks)
    bound = choose_threshold_lcb(confs, oks, target=0.95)
    assert bound < 1.0 and naive < bound  # the bound rule disposes of fewer, but not of none
    above = [ok for c, ok in zip(confs, oks) if c >= bound]
    assert len(above) >= 300 and wilson_lower_bound(sum(above), len(above)) >= 0.95
    # It is the lowest such threshold: one more prediction breaks the bound.
    nxt = max(c for c in confs if c < bound)
    more = [ok for c, ok in zip(confs, oks) if c >= nxt]
    assert wilson_lower_bound(sum(more), len(more)) < 0.95
    # Deterministic and order-independent.
    assert choose_threshold_lcb(confs[::-1], oks[::-1], target=0.95) == bound


def test_threshold_rule_rarely_disposes_when_true_precision_is_below_target():
    """Simulated inner-CV predictions whose true precision is 93 % at every confidence: a
    threshold chosen from them should almost never be accepted (it would dispose of cases
    right only 93 % of the time). The naive point-estimate rule accepts one most of the time."""
    import numpy as np

    from aduan.routing.classifier import NEVER, choose_threshold_lcb
    from aduan.routing.evaluate import choose_threshold

    rng = np.random.default_rng(0)
    naive_hits = bound_hits = 0
    for _ in range(200):
        confs = rng.uniform(0.5, 1.0, 300).tolist()
        oks = (rng.uniform(size=300) < 0.93).tolist()
        naive_hits += choose_threshold(confs, oks) < NEVER
        bound_hits += choose_threshold_lcb(confs, oks, target=0.95) < NEVER
    assert naive_hits >= 100
    assert bound_hits <= 10


def test_fitted_model_uses_the_bound_rule(model):
    # 36 training examples give 36 out-of-fold predictions: too few for a 95 % lower bound
    # of 95 % precision (52 all right are needed), so the model never auto-disposes.
    from aduan.routing.classifier import NEVER

    assert model.auto_threshold == NEVER


def test_default_support_is_not_fooled_by_a_lucky_run_at_the_top():
    """The most confident predictions right 60 times in a row, then right 90 % of the time:
    with 30 predictions of support the bound passes on the run alone (60 of 60); the default
    support (100) needs a sustained record, so the model never auto-disposes."""
    from aduan.routing.classifier import AUTO_MIN_SUPPORT, NEVER, choose_threshold_lcb

    confs = [0.999 - 0.0005 * i for i in range(400)]
    oks = [True] * 60 + [i % 10 != 0 for i in range(340)]
    assert choose_threshold_lcb(confs, oks, target=0.95, min_support=30) < NEVER
    assert AUTO_MIN_SUPPORT >= 100
    assert choose_threshold_lcb(confs, oks, target=0.95) == NEVER


# -- style features: only when the data has few classes ----------------------------------------

QUESTIONS = ["apakah bantuan pkh masih dibuka tahun ini?", "bagaimana cara mendaftar bpjs kesehatan?",
             "kapan pengumuman hasil seleksi cpns?", "berapa biaya membuat akta kelahiran?",
             "di mana kantor pelayanan pajak terdekat?", "apakah ktp elektronik bisa diurus di kecamatan?"]
COMPLAINTS = ["jalan rusak parah belum diperbaiki.", "lampu jalan mati sudah sebulan.",
              "sampah menumpuk di pasar dan bau.", "pelayanan kelurahan lambat sekali.",
              "air pdam tidak mengalir tiga hari.", "pungutan liar di sekolah negeri."]


def test_few_classes_get_style_blocks_and_survive_save_load(gaz, tmp_path):
    rows = [(t, "permintaan_informasi") for t in QUESTIONS] + [(t, "pengaduan") for t in COMPLAINTS]
    model = RoutingModel(name="request_type").fit(rows * 2, gazetteer=gaz)
    assert [kind for kind, _ in model.style_vecs] == ["norm_words", "raw_chars", "edges"]
    loaded = RoutingModel.load(str(model.save(tmp_path / "request_type-1.joblib")))
    text = "apakah pendaftaran beasiswa sudah dibuka?"
    assert loaded.rank(text) == model.rank(text)
    assert loaded.suggest(text)[0].label == "permintaan_informasi"
    # The switch is the number of classes in the data, not the model's name.
    many = [(f"{t} nomor {i}", f"label {i}") for i, t in enumerate(QUESTIONS + COMPLAINTS)]
    assert RoutingModel(name="request_type").fit(many * 2, gazetteer=gaz).style_vecs == []
    assert RoutingModel(style_features=False).fit(rows * 2, gazetteer=gaz).style_vecs == []


def test_models_sharing_a_gazetteer_prepare_a_text_once(model, gaz, monkeypatch):
    """Routing asks several models about the same report: the normalising, stemming and
    place detection are done once for all of them (same gazetteer fingerprint)."""
    from aduan.routing import classifier

    other = RoutingModel(name="other").fit(examples(), gazetteer=Gazetteer(ROWS))
    assert other.gazetteer is not model.gazetteer and other.gazetteer.fingerprint == model.gazetteer.fingerprint
    calls = []
    real = classifier._prepare
    monkeypatch.setattr(classifier, "_prepare", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    text = "lampu lalu lintas mati di kota semarang sejak kemarin pagi"
    first, second = model.suggest(text), other.suggest(text)
    assert calls == [text]
    assert [s.label for s in first] == [s.label for s in second]
    # A different gazetteer (another region list) is not mistaken for the same one.
    assert Gazetteer(ROWS[1:]).fingerprint != model.gazetteer.fingerprint


def test_one_report_vectors_equal_sklearns_transform(model):
    """The lean per-report TF-IDF gives sklearn's numbers (and models share the split)."""
    import numpy as np

    from aduan.routing import classifier

    for text in ["jalan berlubang di kota semarang", "bansos pkh belum cair?", "", "zzzz qqqq"]:
        doc = classifier._prepare_cached(model.gazetteer, text)
        for part, vec, value in (("words", model.word_vec, doc.words), ("chars", model.char_vec, doc.chars)):
            ours = classifier._tfidf_one(vec, doc, part, value).toarray()
            theirs = vec.transform([value]).toarray()
            assert np.allclose(ours, theirs, atol=1e-6), (text, part)
