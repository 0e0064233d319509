"""``routing_evaluate`` on invented CSVs (and on a subsample of the shared real CSV when
present): it trains on TRAIN only, drops unlabelled rows and ends with the JSON line."""

import csv
import io
import json
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

KEYS = ["top1_accuracy", "top3_accuracy", "macro_f1", "auto_dispose_accuracy", "auto_dispose_share", "n_train", "n_test"]

SECTORS = {
    "Dinas Perhubungan": ["angkot ngetem bikin macet", "lampu lalu lintas mati", "parkir liar di trotoar", "rambu hilang"],
    "Dinas Kesehatan": ["puskesmas tutup siang hari", "obat di puskesmas habis", "dokter tidak datang", "antrian rs lama"],
    "Dinas Pendidikan": ["pungutan sekolah mahal", "guru sering bolos", "ppdb zonasi tidak adil", "seragam sekolah wajib beli"],
}


def write_csv(path: Path, rows, fields=("judul", "isi", "tujuan")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(zip(fields, row)))


def invented(n_per_sector: int, seed: int, places=("Kota Semarang", "Kota Bandung")):
    rng = random.Random(seed)
    rows = []
    for sector, phrases in SECTORS.items():
        for i in range(n_per_sector):
            place = places[i % len(places)]
            text = f"{rng.choice(phrases)} {rng.choice(['tolong', 'mohon', 'segera'])} di {place.lower()} yg sdh lama"
            rows.append(("keluhan warga", text, f"{sector} {place}"))
    rng.shuffle(rows)
    return rows


def run(*args):
    out = io.StringIO()
    call_command("routing_evaluate", *args, "--no-progress", stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


def test_json_line_keys_counts_and_values(tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    write_csv(train, invented(12, seed=1) + [("x", "teks tanpa label", "")])
    write_csv(test, invented(4, seed=2) + [("y", "lagi tanpa label", ""), ("z", "juga", "  ")])
    lines, data = run("--train", str(train), "--test", str(test), "--text-column", "isi", "--label-column", "tujuan",
                      "--extra-text-column", "judul")
    assert list(data) == KEYS
    assert data["n_train"] == 36 and data["n_test"] == 12
    assert any("1 dari data latih, 2 dari data uji" in line for line in lines)
    # Sector words and places separate these invented labels (one phrase may be unseen in TRAIN).
    assert data["top1_accuracy"] >= 0.9 and data["top3_accuracy"] == 1.0 and data["macro_f1"] >= 0.85
    assert 0.0 <= data["auto_dispose_share"] <= 1.0
    assert data["auto_dispose_accuracy"] is None or 0.0 <= data["auto_dispose_accuracy"] <= 1.0
    assert any(line == f"Akurasi top-1: {data['top1_accuracy']:.4f}" for line in lines)


def test_labels_only_in_test_count_as_errors_unless_composable(tmp_path):
    """A label never seen in TRAIN (a new city) is found by composing sector × place."""
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    write_csv(train, invented(12, seed=3))
    write_csv(test, invented(3, seed=4, places=("Kota Surakarta",)))
    _, data = run("--train", str(train), "--test", str(test), "--text-column", "isi", "--label-column", "tujuan")
    if not (Path(settings.SHARED_DATA_DIR) / "wilayah-kemendagri" / "wilayah.csv").is_file():
        assert data["top1_accuracy"] == 0.0  # without the region data no new name can be composed
    else:
        assert data["top1_accuracy"] >= 0.9


def test_missing_column_is_a_clear_error(tmp_path):
    train = tmp_path / "train.csv"
    write_csv(train, invented(3, seed=5))
    with pytest.raises(CommandError, match="Kolom tidak ada"):
        run("--train", str(train), "--test", str(train), "--text-column", "body", "--label-column", "tujuan")


REAL = Path(settings.SHARED_DATA_DIR) / "laporgub-jateng" / "laporgub_jateng_80.csv"


@pytest.mark.skipif(not REAL.is_file(), reason="shared laporgub-jateng data not present")
def test_real_data_subsample_beats_the_majority_class(tmp_path):
    with open(REAL, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [(r["laporan"], r["diteruskan"]) for r in reader]
    random.Random(0).shuffle(rows)
    train_rows, test_rows = rows[:500], rows[500:700]
    write_csv(tmp_path / "train.csv", train_rows, fields=("laporan", "diteruskan"))
    write_csv(tmp_path / "test.csv", test_rows, fields=("laporan", "diteruskan"))
    _, data = run("--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv"),
                  "--text-column", "laporan", "--label-column", "diteruskan")
    assert list(data) == KEYS and data["n_train"] == 500 and data["n_test"] == 200
    labelled = [lab.strip() for _, lab in train_rows if lab.strip()]
    majority_share = max(labelled.count(lab) for lab in set(labelled)) / len(labelled)
    assert data["top1_accuracy"] > majority_share + 0.15
    assert data["top3_accuracy"] >= data["top1_accuracy"]
