"""``routing_models_seed``: first models from the shipped LaporGub! file so verifiers see
suggestions from the first report; idempotent; quiet without the data. Invented rows only."""

from __future__ import annotations

import csv
from io import StringIO
from itertools import product

import pytest
from django.core.management import call_command

from aduan.agencies.models import Category
from aduan.reports.services.routing import routing_cache_clear
from aduan.routing.classifier import RoutingModel, current_model_path, read_manifest

pytestmark = pytest.mark.django_db

ROAD = ["jalan berlubang besar", "aspal jalan rusak parah", "jembatan retak", "saluran air mampet", "jalan amblas"]
SCHOOL = ["biaya sekolah mahal", "guru jarang masuk kelas", "ijazah ditahan sekolah", "ppdb zonasi curang", "beasiswa tidak cair"]
TAILS = ["mohon ditindak", "sudah lama", "warga resah", "tolong segera", "belum ada tanggapan", "bagaimana ini", "sangat merugikan"]


def write_csv(folder):
    path = folder / "laporgub-jateng" / "laporgub_jateng_80.csv"
    path.parent.mkdir(parents=True)
    rows = []
    for (a, b) in product(ROAD, TAILS):
        rows.append({"laporan": f"{a}, {b}", "kategori": "INFRASTUKTUR", "diteruskan": "DPU BINMAR CIPKA"})
    for (a, b) in product(SCHOOL, TAILS):
        rows.append({"laporan": f"{a}, {b}", "kategori": "PENDIDIKAN", "diteruskan": "DINAS PENDIDIKAN"})
    rows.append({"laporan": "urusan di demak", "kategori": "Kabupaten Demak", "diteruskan": "Kabupaten Demak"})
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["laporan", "kategori", "diteruskan"])
        writer.writeheader()
        writer.writerows(rows)


def seed(*args) -> str:
    out = StringIO()
    call_command("routing_models_seed", "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def models(settings, tmp_path):
    settings.ADUAN_ROUTING_MODEL_DIR = tmp_path / "models"
    routing_cache_clear()
    yield tmp_path / "models"
    routing_cache_clear()


def test_first_models_from_the_shipped_file_then_kept(models, tmp_path):
    for slug, name in (("infrastruktur", "Infrastruktur"), ("pendidikan", "Pendidikan")):
        Category.objects.create(slug=slug, name=name)
    write_csv(tmp_path / "data")
    text = seed("--data", str(tmp_path / "data"))
    assert "Model category: 70 contoh" in text and "Model agency: 71 contoh" in text
    category = RoutingModel.load(str(current_model_path("category")))
    assert set(category.classes_) == {"infrastruktur", "pendidikan"}  # the regency "kategori" is not a category
    assert category.suggest("jalan rusak parah berlubang")[0].label == "infrastruktur"
    first = read_manifest("agency")["current"]
    again = seed("--data", str(tmp_path / "data"))
    assert "sudah ada; dilewati" in again and read_manifest("agency")["current"] == first


def test_without_the_data_nothing_is_trained(models, tmp_path):
    text = seed("--data", str(tmp_path / "nothing"))
    assert "tidak ditemukan" in text
    assert current_model_path("category") is None and current_model_path("agency") is None
