"""Open data (issue #7): /data/laporan.csv and .jsonl, the daily dump, the /data/ page.

The fixture holds one report of each kind of visibility: public (named reporter, with
personal data in its text), public anonymous, confidential, not yet verified, archived,
and one reported by a signed-in citizen; plus reports in another province, of another
kind and with another agency for the filters."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse

from aduan.analytics import opendata
from aduan.analytics.opendata_dump import opendata_dump, opendata_dump_refresh_if_stale, opendata_manifest
from aduan.reports.workflow import Action, Status

from ..reports.helpers import MON, report_in, run

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
MIROTO = "33.74.01.1001"  # Kota Semarang, Jawa Tengah
DENPASAR = "51.71"
SECRET_TITLE = "Judul rahasia RHS-7741"
SECRET_BODY = "Isi rahasia RHS-7742 tentang pungutan"
PHONE, EMAIL, NIK = "0812-3456-7890", "pelapor.uji@contoh.id", "3374010101900001"


class Fixture:
    pass


@pytest.fixture
def data(directory, national_admin, citizen):
    f = Fixture()
    f.tokens = []

    def make(status, **kwargs):
        kwargs.setdefault("region_code", MIROTO)
        kwargs.setdefault("category", "jalan")
        report, token = report_in(status, directory, national_admin, **kwargs)
        f.tokens.append(token)
        return report

    f.public = make(Status.DISPOSED, reporter_name="Rahmat Terbuka", reporter_email="rahmat@contoh.id",
                    reporter_phone="081299990001",
                    title=f"Jalan rusak, hubungi {PHONE}",
                    body=f"Lubang di jalan. Surel {EMAIL}, NIK {NIK}, telepon +62 812 9999 0002.")
    f.anonymous = make(Status.CLOSED, is_anonymous=True, reporter_name="Dewi Tersembunyi",
                       reporter_email="dewi.tersembunyi@contoh.id", reporter_phone="081299990003",
                       title="Lampu jalan mati", body="Sudah seminggu gelap.", now=MON + DAY)
    f.by_citizen = make(Status.IN_PROGRESS, reporter=citizen, title="Saluran tersumbat", body="Air meluap.",
                        now=MON + 2 * DAY)
    f.confidential = make(Status.DISPOSED, is_confidential=True, title=SECRET_TITLE, body=SECRET_BODY)
    f.unpublished = make(Status.SUBMITTED, title="Belum diverifikasi BLM-1", body="Menunggu verifikasi BLM-2.")
    f.archived = make(Status.ARCHIVED, title="Diarsipkan ARS-1", body="Tidak jelas ARS-2.")
    f.bali = make(Status.SUBMITTED, region_code=DENPASAR, category="adminduk", kind="aspiration",
                  title="Usul layanan KTP keliling", body="Mohon layanan keliling.", now=MON + 10 * DAY)
    f.province = make(Status.SUBMITTED, title="Jembatan provinsi retak", body="Retak di tengah.", now=MON + 3 * DAY)
    # Disposed to other agencies than the helper's default (the city's transport unit).
    for report, agency in [(f.bali, directory.kemensos), (f.province, directory.dpu_jateng)]:
        run(report, Action.VERIFY_DISPOSE, national_admin, directory, now=report.submitted_at, agency=agency.pk)
        report.refresh_from_db()
    f.shown = [f.public, f.anonymous, f.by_citizen, f.bali, f.province]
    f.hidden = [f.confidential, f.unpublished, f.archived]
    return f


def get_bytes(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[dict]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames) == opendata.FIELD_NAMES
    return list(reader)


def jsonl_rows(content: bytes) -> list[dict]:
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


def refs(rows: list[dict]) -> set[str]:
    return {r["reference"] for r in rows}


# --- What is in a row ---------------------------------------------------------------------

def test_the_export_has_exactly_the_public_reports(client, data):
    rows = csv_rows(get_bytes(client, "/data/laporan.csv"))
    assert refs(rows) == {r.reference for r in data.shown}
    assert len(rows) == len(data.shown)
    assert refs(jsonl_rows(get_bytes(client, "/data/laporan.jsonl"))) == {r.reference for r in data.shown}


def test_a_row_has_every_schema_field_with_its_value(client, data, directory):
    rows = {r["reference"]: r for r in jsonl_rows(get_bytes(client, "/data/laporan.jsonl"))}
    row = rows[data.public.reference]
    assert tuple(row) == opendata.FIELD_NAMES
    report = data.public
    assert row == {
        "reference": report.reference,
        "url_path": f"/laporan/{report.reference}/",
        "kind": "complaint",
        "channel": "web",
        "status": "disposed",
        "category_slug": "jalan",
        "category_name": "Infrastruktur jalan",
        "region_code": MIROTO,
        "region_name": "Miroto",
        "agency_slug": "dishub-kota-semarang",
        "agency_name": "Dinas Perhubungan Kota Semarang",
        "submitted_at": "2026-11-23T03:00:00Z",
        "verified_at": "2026-11-23T03:00:00Z",
        "first_response_at": None,
        "closed_at": None,
        "verify_due_at": report.verify_due_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "first_response_due_at": report.first_response_due_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resolution_due_at": report.resolution_due_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "is_urgent": False,
        "support_count": 0,
        "rating": None,
        "title": "Jalan rusak, hubungi [disamarkan]",
        "body": "Lubang di jalan. Surel [disamarkan], NIK [disamarkan], telepon [disamarkan].",
    }
    closed = rows[data.anonymous.reference]
    assert (closed["status"], closed["rating"]) == ("closed", 5)
    assert closed["closed_at"] == "2026-11-24T03:00:00Z" and closed["first_response_at"] == "2026-11-24T03:00:00Z"
    assert rows[data.province.reference]["agency_slug"] == "dpu-binmar-cipka-jateng"
    assert rows[data.bali.reference]["region_name"] == "Kota Denpasar"


def test_confidential_content_and_reporter_identity_never_appear(client, data, citizen):
    content = get_bytes(client, "/data/laporan.csv") + get_bytes(client, "/data/laporan.jsonl")
    text = content.decode("utf-8")
    never = [
        SECRET_TITLE, SECRET_BODY, "RHS-77",  # confidential content
        "BLM-", "ARS-",  # not published
        data.confidential.reference, data.unpublished.reference, data.archived.reference,  # not even their existence
        "Rahmat Terbuka", "rahmat@contoh.id", "081299990001",  # a named reporter
        "Dewi Tersembunyi", "dewi.tersembunyi@contoh.id", "081299990003",  # an anonymous one
        citizen.full_name, citizen.email, citizen.phone, "6281234567890",  # an account
        "Warga Uji", "warga@example.test",  # the default reporter of the test helper
        *data.tokens, data.public.token_hash,
    ]
    for value in never:
        assert value.lower() not in text.lower(), value


def test_phone_numbers_emails_and_nik_in_the_text_are_redacted(client, data):
    for url in ["/data/laporan.csv", "/data/laporan.jsonl"]:
        text = get_bytes(client, url).decode("utf-8")
        for value in [PHONE, "081234567890", EMAIL, NIK, "812 9999 0002"]:
            assert value not in text, (url, value)
        assert text.count("[disamarkan]") == 4, url


def test_csv_and_jsonl_agree(client, data):
    from_csv = {r["reference"]: r for r in csv_rows(get_bytes(client, "/data/laporan.csv"))}
    from_jsonl = {r["reference"]: r for r in jsonl_rows(get_bytes(client, "/data/laporan.jsonl"))}
    assert from_csv.keys() == from_jsonl.keys()

    def as_csv(value):
        return "" if value is None else "true" if value is True else "false" if value is False else str(value)

    for reference, row in from_jsonl.items():
        assert from_csv[reference] == {name: as_csv(value) for name, value in row.items()}, reference


def test_a_formula_at_the_start_of_a_text_is_neutralised_in_csv_only(client, directory, national_admin):
    report_in(Status.DISPOSED, directory, national_admin, title="=HYPERLINK(\"http://x.test\")",
                          body="-2+3 jalan rusak")
    csv_row = csv_rows(get_bytes(client, "/data/laporan.csv"))[0]
    json_row = jsonl_rows(get_bytes(client, "/data/laporan.jsonl"))[0]
    assert (csv_row["title"], csv_row["body"]) == ("'=HYPERLINK(\"http://x.test\")", "'-2+3 jalan rusak")
    assert (json_row["title"], json_row["body"]) == ("=HYPERLINK(\"http://x.test\")", "-2+3 jalan rusak")


def test_the_response_is_a_download_described_by_the_schema(client, data):
    for url, content_type, extension in [("/data/laporan.csv", "text/csv", "csv"),
                                         ("/data/laporan.jsonl", "application/jsonl", "jsonl")]:
        response = client.get(url)
        assert response["Content-Type"] == f"{content_type}; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="aduan-laporan-')
        assert response["Content-Disposition"].endswith(f'.{extension}"')
        assert response["Link"] == '</data/skema.json>; rel="describedby"'
        assert response["X-Schema-Version"] == opendata.SCHEMA_VERSION
        b"".join(response.streaming_content)


# --- Filters -------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("", {"public", "anonymous", "by_citizen", "bali", "province"}),
    ("date_from=2026-11-24", {"anonymous", "by_citizen", "bali", "province"}),
    ("date_to=2026-11-24", {"public", "anonymous"}),
    ("date_from=2026-11-24&date_to=2026-11-25", {"anonymous", "by_citizen"}),
    ("region=33", {"public", "anonymous", "by_citizen", "province"}),
    ("region=33.74.01.1001", {"public", "anonymous", "by_citizen", "province"}),
    ("region=51", {"bali"}),
    ("region=91", set()),
    ("category=adminduk", {"bali"}),
    ("agency=pemkot-semarang", {"public", "anonymous", "by_citizen"}),  # the city and its units
    ("agency=pemprov-jateng", {"province"}),
    ("agency=dishub-kota-semarang", {"public", "anonymous", "by_citizen"}),
    ("agency=kemensos", {"bali"}),
    ("kind=aspiration", {"bali"}),
    ("status=closed", {"anonymous"}),
    ("status=in_progress&region=33", {"by_citizen"}),
    ("region=&status=&kind=", {"public", "anonymous", "by_citizen", "bali", "province"}),  # an empty form field
])
def test_filters_select_the_reports(client, data, query, expected):
    wanted = {getattr(data, name).reference for name in expected}
    assert refs(csv_rows(get_bytes(client, f"/data/laporan.csv?{query}"))) == wanted
    assert refs(jsonl_rows(get_bytes(client, f"/data/laporan.jsonl?{query}"))) == wanted


def test_a_category_filter_takes_its_subcategories(client, directory, national_admin):
    from aduan.agencies.models import Category

    Category.objects.create(name="Jembatan", slug="jembatan", parent=directory.road)
    under, _ = report_in(Status.DISPOSED, directory, national_admin, category="jembatan")
    report_in(Status.DISPOSED, directory, national_admin, category="adminduk")
    assert refs(csv_rows(get_bytes(client, "/data/laporan.csv?category=jalan"))) == {under.reference}
    assert refs(csv_rows(get_bytes(client, "/data/laporan.csv?category=jembatan"))) == {under.reference}


@pytest.mark.parametrize("query, field, message", [
    ("date_from=kemarin", "date_from", "Tanggal tidak valid. Gunakan format TTTT-BB-HH"),
    ("date_to=2026-02-30", "date_to", "Tanggal tidak valid"),
    ("date_from=0001-01-01", "date_from", "Tanggal di luar rentang"),
    ("date_from=2026-12-01&date_to=2026-11-01", "date_to", "Tanggal akhir tidak boleh sebelum tanggal awal"),
    ("region=Semarang", "region", "Kode wilayah tidak valid"),
    ("region=33.99", "region", "Kode wilayah tidak dikenal"),
    ("category=tidak-ada", "category", "Kategori tidak dikenal"),
    ("agency=tidak-ada", "agency", "Instansi tidak dikenal"),
    ("kind=keluhan", "kind", "Jenis laporan tidak dikenal"),
    ("status=submitted", "status", "tidak tampil untuk publik"),
    ("status=archived", "status", "tidak tampil untuk publik"),
    ("regoin=33", "regoin", "Saringan tidak dikenal"),
])
@pytest.mark.parametrize("url", ["/data/laporan.csv", "/data/laporan.jsonl"])
def test_a_bad_filter_is_a_400_with_a_message_in_indonesian(client, data, url, query, field, message):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert not isinstance(response, StreamingHttpResponse)
    assert not response.has_header("Content-Disposition")
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert body["error"]["message"] == "Saringan tidak valid; tidak ada data yang diekspor."
    assert list(body["error"]["fields"]) == [field]
    assert message in body["error"]["fields"][field][0]


# --- Constant memory ------------------------------------------------------------------------

def test_the_export_streams_with_three_queries_whatever_the_number_of_rows(
        client, directory, national_admin, django_assert_max_num_queries):
    from aduan.reports.selectors import public_reports

    for n in (1, 12):
        while public_reports().count() < n:
            report_in(Status.DISPOSED, directory, national_admin)
        for url in ["/data/laporan.csv", "/data/laporan.jsonl"]:
            with django_assert_max_num_queries(3):  # categories, agencies, reports
                response = client.get(url)
                assert isinstance(response, StreamingHttpResponse)
                content = b"".join(response.streaming_content)
            assert content.count(b"\n") == n + (1 if url.endswith(".csv") else 0)


def test_rows_are_read_through_an_iterator_in_chunks(monkeypatch, data):
    from django.db.models.query import QuerySet

    seen = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        seen.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    assert len(list(opendata.opendata_rows())) == len(data.shown)
    assert seen == [opendata.CHUNK_SIZE]


# --- The daily dump -------------------------------------------------------------------------

@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_dump_writes_the_manifest_and_files_whose_sha256_matches(client, data, var_dir):
    manifest = opendata_dump(now=MON + 20 * DAY)
    folder = var_dir / "opendata"
    stored = json.loads((folder / "manifest.json").read_text())
    assert stored["schema_version"] == "1"
    assert stored["snapshot_at"] == "2026-12-13T03:00:00Z"
    assert stored["rows"] == len(data.shown)
    assert [f["name"] for f in stored["files"]] == ["aduan-laporan-20261213T030000Z.csv.gz",
                                                     "aduan-laporan-20261213T030000Z.jsonl.gz"]
    for entry in stored["files"]:
        path = folder / entry["name"]
        assert entry["bytes"] == path.stat().st_size
        assert entry["sha256"] == sha256(path)
        assert entry["rows"] == len(data.shown) and entry["compression"] == "gzip"
    assert sorted(p.name for p in folder.iterdir()) == sorted([".lock", "manifest.json", *(f.name for f in manifest.files)])
    # The files hold exactly what the unfiltered export streams.
    csv_file, jsonl_file = (folder / f.name for f in manifest.files)
    assert gzip.decompress(csv_file.read_bytes()) == get_bytes(client, "/data/laporan.csv")
    assert gzip.decompress(jsonl_file.read_bytes()) == get_bytes(client, "/data/laporan.jsonl")


def test_a_new_dump_replaces_the_previous_one(data, var_dir):
    first = opendata_dump(now=MON + 20 * DAY)
    second = opendata_dump(now=MON + 21 * DAY)
    folder = var_dir / "opendata"
    names = {p.name for p in folder.iterdir()}
    assert names == {".lock", "manifest.json", *(f.name for f in second.files)}
    assert not names & {f.name for f in first.files}
    assert opendata_manifest() == second


def test_a_failed_dump_leaves_the_previous_one_in_place(data, var_dir, monkeypatch):
    from aduan.analytics import opendata_dump as dump_module

    first = opendata_dump(now=MON + 20 * DAY)

    def broken(**kwargs):
        yield from opendata.opendata_rows()
        raise RuntimeError("disk full")

    monkeypatch.setattr(dump_module, "opendata_rows", broken)
    with pytest.raises(RuntimeError):
        opendata_dump(now=MON + 21 * DAY)
    assert opendata_manifest() == first
    assert {p.name for p in (var_dir / "opendata").iterdir()} == {".lock", "manifest.json", *(f.name for f in first.files)}


def test_the_download_serves_the_files_of_the_manifest(client, data, var_dir):
    manifest = opendata_dump(now=MON + 20 * DAY)
    for entry in manifest.files:
        response = client.get(f"/data/unduh/{entry.name}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == entry.sha256
        assert response["Content-Type"] == "application/gzip"
        assert response["Content-Disposition"] == f'attachment; filename="{entry.name}"'


@pytest.mark.parametrize("name", [
    "../../settings.py", "..%2F..%2Fconfig%2Fsettings%2Fbase.py", "..", "%2E%2E", "manifest.json", ".lock",
    "aduan-laporan-20200101T000000Z.csv.gz",  # a file in the folder that the manifest does not list
    "%2Fetc%2Fpasswd",
])
def test_the_download_serves_nothing_else(client, data, var_dir, name):
    opendata_dump(now=MON + 20 * DAY)
    (var_dir / "opendata" / "aduan-laporan-20200101T000000Z.csv.gz").write_bytes(b"lama")
    assert client.get(f"/data/unduh/{name}").status_code == 404


def test_the_download_is_404_before_the_first_dump(client, data, var_dir):
    assert client.get("/data/unduh/aduan-laporan-20261213T030000Z.csv.gz").status_code == 404
    assert client.get("/data/manifest.json").status_code == 404


def test_a_report_made_confidential_after_the_dump_makes_it_stale_until_refreshed(
        client, data, var_dir, directory, national_admin):
    first = opendata_dump(now=MON + 20 * DAY)
    assert opendata_dump_refresh_if_stale() is None  # fresh: nothing to do
    run(data.by_citizen, Action.RAISE_PRIVACY, national_admin, directory, now=MON + 21 * DAY, confidential=True)

    response = client.get(f"/data/unduh/{first.files[0].name}")
    assert response.status_code == 503
    assert response["Retry-After"] == "900"
    assert client.get("/data/manifest.json").json()["stale"] is True

    second = opendata_dump_refresh_if_stale(now=MON + 22 * DAY)
    assert second is not None and second.rows == len(data.shown) - 1
    content = gzip.decompress(b"".join(client.get(f"/data/unduh/{second.files[1].name}").streaming_content))
    assert data.by_citizen.reference.encode() not in content
    assert client.get("/data/manifest.json").json()["stale"] is False


def test_the_command_writes_the_dump(data, var_dir, capsys):
    call_command("opendata_dump", "--no-progress")
    manifest = opendata_manifest()
    assert manifest is not None and manifest.rows == len(data.shown)
    assert "5 laporan" in capsys.readouterr().out


def test_the_periodic_tasks_are_registered_and_run_their_services(data, var_dir):
    from huey.contrib.djhuey import HUEY

    from aduan.analytics.tasks_opendata import opendata_dump_refresh_task, opendata_dump_task

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"opendata_dump_task", "opendata_dump_refresh_task"} <= names
    assert opendata_dump_refresh_task.call_local() is None  # no dump yet
    assert opendata_dump_task.call_local()["rows"] == len(data.shown)
    assert opendata_dump_refresh_task.call_local() is None  # fresh


# --- The documentation page and the schema --------------------------------------------------

def test_the_page_documents_the_schema_filters_and_dump(client, data, var_dir):
    manifest = opendata_dump(now=MON + 20 * DAY)
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in opendata.FIELD_NAMES + opendata.FILTER_NAMES:
        assert f"<code>{name}</code>" in html, name
    for entry in manifest.files:
        assert f'href="/data/unduh/{entry.name}"' in html
        assert entry.sha256 in html
    assert "Skema data (versi 1)" in html
    assert 'href="/data/laporan.csv?region=33&amp;date_from=2026-01-01"' in html


def test_the_page_turns_the_form_into_download_links(client, data):
    html = client.get("/data/?date_from=2026-11-24&region=33&category=&kind=&status=closed&buat=1").content.decode()
    assert 'href="/data/laporan.csv?date_from=2026-11-24&amp;region=33&amp;status=closed"' in html
    assert 'href="/data/laporan.jsonl?date_from=2026-11-24&amp;region=33&amp;status=closed"' in html
    assert "error-summary" not in html


def test_the_page_shows_bad_filters_beside_their_fields(client, data):
    response = client.get("/data/?region=Semarang&date_from=kemarin&buat=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#f-date_from"' in html and 'href="#f-region"' in html
    assert 'id="f-region-error"' in html and 'aria-invalid="true"' in html
    assert "/data/laporan.csv?" not in html.split('id="contoh"')[0]  # no download link for a bad filter


def test_the_page_describes_the_fields_in_english_when_english_is_chosen(client, data):
    html = client.get("/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "When the report was submitted (UTC)." in html
    assert "Waktu laporan masuk (UTC)." not in html


def test_the_page_says_when_there_is_no_dump_yet(client, data, var_dir):
    html = client.get("/data/").content.decode()
    assert "Berkas unduhan harian belum tersedia" in html


def test_the_schema_json_is_the_schema(client):
    schema = client.get("/data/skema.json").json()
    assert schema["version"] == opendata.SCHEMA_VERSION
    assert [f["name"] for f in schema["fields"]] == list(opendata.FIELD_NAMES)
    status = next(f for f in schema["fields"] if f["name"] == "status")
    assert set(status["constraints"]["enum"]) == {"disposed", "in_progress", "awaiting_reporter", "responded",
                                                  "returned", "closed"}
    assert schema["primaryKey"] == ["reference"]


def test_no_reporter_field_is_in_the_schema():
    forbidden = ("reporter", "email", "phone", "token", "device", "address", "latitude", "longitude", "anonymous")
    assert not [name for name in opendata.FIELD_NAMES if any(word in name for word in forbidden)]


def test_streamed_exports_are_rate_limited_per_client_with_a_clear_message(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "opendata": "2/hour"}}
    assert client.get("/data/laporan.csv").status_code == 200
    assert client.get("/data/laporan.jsonl").status_code == 200
    response = client.get("/data/laporan.csv")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Terlalu banyak unduhan" in response.json()["error"]["message"]
    assert client.get("/data/").status_code == 200  # the page and the daily files stay open
