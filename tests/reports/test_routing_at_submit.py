"""Routing at submission (issue #6, aduan/reports/services/routing.py): location decides the
level and region, text decides the sector; a confident answer disposes the report at once
with an event that says why, anything else waits for a verifier with the top three
suggestions — and a routing failure never loses the report.

The models are trained here on invented complaints (never real citizens' texts)."""

from __future__ import annotations

import logging
from itertools import product

import pytest

from aduan.agencies.models import Agency, AgencyCategory, AgencyCoverage, Category
from aduan.reports.services import routing as routing_service
from aduan.reports.services.routing import report_route, route_suggest, routing_cache_clear
from aduan.reports.workflow import Status
from aduan.routing.classifier import train_model
from aduan.routing.models import AssetOwner, AuthorityLevel, RoutingRule
from aduan.routing.places import Gazetteer

from ..factories import submit
from ..routing.test_places import ROWS
from .helpers import MON

pytestmark = pytest.mark.django_db

MIROTO = "33.74.01.1001"

_TAILS = ["sudah lama sekali", "membahayakan warga", "belum ada tindakan", "mohon segera ditangani",
          "tidak ada kepastian", "sudah dilaporkan berkali kali", "warga sangat resah"]
ROAD = ["jalan berlubang besar", "aspal jalan rusak parah", "lubang di jalan makin dalam", "jalan retak dan amblas",
        "perbaikan jalan mangkrak", "jalan rusak bikin motor jatuh"]
ID_CARD = ["ktp elektronik belum jadi", "kartu keluarga salah tulis nama", "akta kelahiran lama diurus",
           "blanko ktp habis di kecamatan", "perekaman ktp antri panjang", "surat pindah penduduk belum terbit"]
AID = ["bantuan pkh tidak cair", "bansos belum diterima keluarga kami", "kartu sembako tidak bisa dipakai",
       "bpnt tidak sampai ke penerima", "penerima bansos salah sasaran", "bantuan sosial tunai dipotong"]


def _examples(phrases, label):
    return [(f"{a}, {b}", label) for a, b in product(phrases, _TAILS)]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A category model (sector) and an agency model trained once for the module."""
    folder = tmp_path_factory.mktemp("routing-models")
    gazetteer = Gazetteer(ROWS)
    sectors = _examples(ROAD, "jalan") + _examples(ID_CARD, "adminduk") + _examples(AID, "bansos")
    result = train_model(sectors, name="category", directory=folder, gazetteer=gazetteer, holdout=0.1)
    assert result.promoted and result.new_metrics["top1_accuracy"] == 1.0
    agencies = (_examples(ROAD, "Dinas Pekerjaan Umum Kota Semarang") + _examples(ID_CARD, "Pemerintah Kota Semarang")
                + _examples(AID, "Kementerian Sosial"))
    assert train_model(agencies, name="agency", directory=folder, gazetteer=gazetteer, holdout=0.1).promoted
    return folder


@pytest.fixture
def routed(settings, model_dir, directory):
    """The directory with who handles what, and the rules that say who has authority."""
    settings.ADUAN_ROUTING_MODEL_DIR = model_dir
    settings.ADUAN_ROUTING_AUTO_THRESHOLD = 0.6
    routing_cache_clear()
    d = directory
    dpu_kota = Agency.objects.create(name="Dinas Pekerjaan Umum Kota Semarang", slug="dpu-kota-semarang",
                                     kind=Agency.Kind.UNIT, parent=d.semarang)
    AgencyCoverage.objects.create(agency=dpu_kota, region_id="33.74")
    AgencyCategory.objects.create(agency=dpu_kota, category=d.road)
    AgencyCategory.objects.create(agency=d.dpu_jateng, category=d.road, region_id="33")
    aid = Category.objects.create(name="Bantuan sosial", slug="bansos")
    AgencyCategory.objects.create(agency=d.kemensos, category=aid)
    RoutingRule.objects.create(category=d.road, region_level=AuthorityLevel.REGENCY)
    RoutingRule.objects.create(category=d.road, asset_owner=AssetOwner.PROVINCIAL, region_level=AuthorityLevel.PROVINCE)
    RoutingRule.objects.create(category=d.adminduk, region_level=AuthorityLevel.REGENCY, fallback_to_government=True)
    RoutingRule.objects.create(category=aid, region_level=AuthorityLevel.NATIONAL)
    yield {"dpu_kota": dpu_kota, "aid": aid, **vars(d)}
    routing_cache_clear()


def road_report(**overrides):
    fields = {"title": "Jalan berlubang besar", "body": "aspal jalan rusak parah, membahayakan warga",
              "region_code": MIROTO, "now": MON}
    fields.update(overrides)
    return submit(**fields)[0]


def test_confident_report_is_disposed_at_once_to_the_agency_with_authority(routed):
    report = road_report()
    report.refresh_from_db()
    assert report.status == Status.DISPOSED
    assert report.agency == routed["dpu_kota"]
    event = report.events.get(action="auto_dispose")
    assert event.actor_kind == "system" and event.data["automatic"] is True
    assert event.data["confidence"] >= 0.6
    reasons = " | ".join(event.data["reasons"])
    assert "Kota Semarang" in reasons and "Infrastruktur jalan" in reasons
    assert report.routing["auto"] is True and report.routing["suggestions"][0]["agency_id"] == routed["dpu_kota"].pk


def test_the_asset_owner_named_in_the_text_changes_the_level(routed):
    report = road_report(body="aspal jalan provinsi rusak parah, membahayakan warga")
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == routed["dpu_jateng"]


def test_the_same_sector_elsewhere_goes_to_that_places_authority(routed):
    """Location decides the level and region: ID cards in Semarang are the city's; aid is
    the ministry's wherever it is reported."""
    card = submit(title="KTP belum jadi", body="ktp elektronik belum jadi, sudah lama sekali", region_code=MIROTO, now=MON)[0]
    aid = submit(title="Bansos", body="bansos belum diterima keluarga kami, mohon segera ditangani",
                 region_code="51.71", now=MON)[0]
    card.refresh_from_db()
    aid.refresh_from_db()
    assert card.agency == routed["semarang"]
    assert aid.agency == routed["kemensos"]


def test_place_named_in_the_text_is_used_when_the_form_has_none(routed):
    report = road_report(region_code=None, body="aspal jalan rusak parah di kota smg, membahayakan warga")
    report.refresh_from_db()
    assert report.routing["region"]["code"] == "33.74" and report.routing["region"]["source"] == "text"
    assert report.agency == routed["dpu_kota"]


def test_below_the_deployment_threshold_the_report_waits_with_three_suggestions(routed, settings):
    settings.ADUAN_ROUTING_AUTO_THRESHOLD = 1.01  # this deployment never routes automatically
    report = road_report()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.agency is None
    assert not report.events.filter(action="auto_dispose").exists()
    suggestions = report.routing["suggestions"]
    assert 1 <= len(suggestions) <= 3
    assert suggestions[0]["agency_id"] == routed["dpu_kota"].pk
    assert suggestions[0]["terms"], "the verifier sees the words behind the suggestion"
    assert report.routing["auto"] is False and "ambang" in report.routing["why_not"]
    assert [c["category"] for c in report.routing["categories"]][0] == "jalan"


def test_a_model_that_did_not_prove_its_precision_never_disposes(routed):
    model = routing_service.routing_model("category")
    saved = model.auto_threshold
    model.auto_threshold = 1.01
    try:
        report = road_report()
    finally:
        model.auto_threshold = saved
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.routing["suggestions"][0]["agency_id"] == routed["dpu_kota"].pk


def test_disagreement_with_the_reporters_choice_sends_it_to_a_verifier(routed):
    by_category = road_report(category="adminduk")
    by_agency = road_report(suggested_agency_id=routed["kemensos"].pk)
    for report in (by_category, by_agency):
        report.refresh_from_db()
        assert report.status == Status.SUBMITTED
        assert "pelapor" in report.routing["why_not"]
    # the reporter's agency is among the suggestions the verifier sees
    assert routed["kemensos"].pk in [s["agency_id"] for s in by_agency.routing["suggestions"]]


def test_unknown_place_and_unknown_sector_leave_the_report_in_the_queue(routed):
    report = submit(title="Pertanyaan", body="selamat pagi, saya mau bertanya saja", now=MON)[0]
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.agency is None


def test_an_urgent_report_goes_to_the_authority_at_the_lower_bar(routed, settings):
    settings.ADUAN_ROUTING_AUTO_THRESHOLD = 1.01
    report = road_report(title="Kecelakaan di jalan berlubang",
                         body="tabrakan motor karena jalan berlubang besar, korban luka berat")
    report.refresh_from_db()
    assert report.is_urgent
    assert report.status == Status.DISPOSED and report.agency == routed["dpu_kota"]
    assert any("darurat" in r for r in report.events.get(action="auto_dispose").data["reasons"])


def test_a_routing_failure_never_loses_the_report(routed, monkeypatch, caplog):
    def broken(report):
        raise RuntimeError("model file corrupt")

    monkeypatch.setattr(routing_service, "route_suggest", broken)
    with caplog.at_level(logging.ERROR, logger="aduan.reports.services.routing"):
        report = road_report()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.events.filter(action="submit").exists()
    assert report.reference in caplog.text
    assert "aspal" not in caplog.text  # never the citizen's text in the logs


def test_no_models_no_rules_means_no_guess(directory, settings, tmp_path):
    settings.ADUAN_ROUTING_MODEL_DIR = tmp_path
    routing_cache_clear()
    report = submit(region_code=MIROTO, now=MON)[0]
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.routing["suggestions"] == [] and report.routing["models"] == {}


def test_route_suggest_reads_only(routed):
    report = road_report()
    report.refresh_from_db()
    before = (report.status, report.agency_id, report.events.count())
    outcome = route_suggest(report)
    report.refresh_from_db()
    assert (report.status, report.agency_id, report.events.count()) == before
    assert outcome.top.agency == routed["dpu_kota"]
    assert report_route(report) is None  # only a just-submitted report is routed


def test_rules_and_agency_model_disagreeing_sends_it_to_a_verifier(routed):
    """The city's own rule for roads names Dishub; the model, from history, says DPU."""
    RoutingRule.objects.create(category=routed["road"], region_id="33.74", target_agency=routed["dishub_semarang"])
    report = road_report()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.routing["suggestions"][0]["agency_id"] == routed["dishub_semarang"].pk
    assert routed["dpu_kota"].pk in [s["agency_id"] for s in report.routing["suggestions"]]
    assert "Dinas Pekerjaan Umum Kota Semarang" in report.routing["why_not"]


# --- every channel goes through the same routing -------------------------------------------------

def test_sms_report_is_routed(routed, client, settings):
    from tests.intake.support import SECRET, post_generic
    from aduan.reports.models import Report

    settings.INTAKE_SMS_SECRET = SECRET
    response = post_generic(client, {"id": "gw-route", "from": "081234567001", "to": "1708",
                                     "text": "aspal jalan rusak parah di kota smg, membahayakan warga"})
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.channel == "sms"
    assert report.status == Status.DISPOSED and report.agency == routed["dpu_kota"]


def test_api_report_is_routed(routed, client):
    from tests.api.test_rest_support import API, post
    from aduan.reports.models import Report

    response = post(client, f"{API}/reports/", {
        "title": "Jalan berlubang besar", "body": "aspal jalan rusak parah, membahayakan warga",
        "incident_date": "2026-11-20", "region_code": MIROTO, "reporter_email": "warga@example.test"})
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.status == Status.DISPOSED and report.agency == routed["dpu_kota"]


# --- the verifier sees the suggestions and disposes in one step ----------------------------------

def test_verifier_sees_the_top_suggestions_and_disposes_with_one_button(routed, settings, client, verifier):
    from tests.backoffice.test_work_support import sign_in_verified

    settings.ADUAN_ROUTING_AUTO_THRESHOLD = 1.01
    report = road_report()
    sign_in_verified(client, verifier)
    html = client.get(f"/petugas/laporan/{report.pk}/").content.decode()
    section = html[html.index('id="usulan"'):html.index('id="serupa"')]
    assert f'data-suggestion="{routed["dpu_kota"].pk}"' in section
    assert "Dinas Pekerjaan Umum Kota Semarang" in section and "100 %" in section
    assert "Tidak didisposisikan otomatis" in section and "ambang" in section
    assert "jalan" in section  # the terms behind the suggestion
    assert "Infrastruktur jalan (100 %)" in section  # the sector by its name
    # the dispose form below starts on the first suggestion
    assert f'<option value="{routed["dpu_kota"].pk}" selected>' in html
    response = client.post(f"/petugas/laporan/{report.pk}/aksi/", {
        "action": "verify_dispose", "expected_status": "submitted", "verify_dispose-agency": routed["dpu_kota"].pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.DISPOSED and report.agency == routed["dpu_kota"]
    assert report.events.filter(action="verify_dispose", actor=verifier).exists()


def test_the_verification_inbox_shows_each_reports_first_suggestion(routed, settings, client, verifier):
    from tests.backoffice.test_work_support import sign_in_verified

    settings.ADUAN_ROUTING_AUTO_THRESHOLD = 1.01
    road_report()
    sign_in_verified(client, verifier)
    html = client.get("/petugas/kotak/verifikasi/").content.decode()
    assert f'data-suggestion="{routed["dpu_kota"].pk}"' in html
    assert "Usulan: Dinas Pekerjaan Umum Kota Semarang (100 %)" in html
