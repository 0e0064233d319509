"""Citizen submission pages: /lapor/ (two steps), /lapor/lokasi/, /lapor/terkirim/<ref>/."""

import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aduan.notifications.models import Outbox
from aduan.regions.models import Region
from aduan.reports.models import Attachment, Event, Report
from aduan.reports.workflow import Status

from ..reports.helpers import report_in

pytestmark = pytest.mark.django_db

MIROTO = "33.74.01.1001"
ROOT = Path(__file__).resolve().parents[2]


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def form(**overrides) -> dict:
    data = {
        "stage": "final", "action": "submit", "kind": "complaint",
        "title": "Lampu penerangan jalan mati", "body": "Sudah seminggu lampu di gang kami mati total.",
        "incident_date": yesterday(), "category": "", "region_code": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def html(response) -> str:
    return response.content.decode()


def hidden_region(response) -> str:
    return re.search(r'name="region_code" value="([^"]*)"', html(response)).group(1)


def child_options(response) -> list[str]:
    select = re.search(r'<select id="f-region-child".*?</select>', html(response), re.S)
    return re.findall(r'<option value="([^"]+)">', select.group(0)) if select else []


# --- Submitting ---------------------------------------------------------------------------

def test_guest_submits_with_a_photo_and_sees_the_token_once(client, directory):
    photo = SimpleUploadedFile("lampu.png", png_bytes(), content_type="image/png")

    response = client.post("/lapor/", form(region_code=MIROTO, category="jalan", reporter_name="Rina",
                                           reporter_email="rina@example.test", attachments=photo))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lapor/terkirim/{report.reference}/"
    assert (report.title, report.region_id, report.category.slug, report.channel) == (
        "Lampu penerangan jalan mati", MIROTO, "jalan", "web")
    assert report.reporter is None and report.reporter_email == "rina@example.test"
    attachment = Attachment.objects.get(report=report)
    assert (attachment.content_type, attachment.original_name) == ("image/png", "lampu.png")
    assert Outbox.objects.filter(recipient="rina@example.test").count() == 1
    assert client.session["reporter_reports"] == [report.pk]

    token = client.session["submitted_tokens"][report.reference]
    page = html(client.get(response["Location"]))
    assert report.reference in page
    assert page.count(f"<code>{token}</code>") == 1
    query = urlencode({"ref": report.reference, "token": token}).replace("&", "&amp;")
    assert f'href="/lacak/?{query}"' in page
    assert "rina@example.test" in page  # "we sent a message to …"
    assert report.reference not in client.session.get("submitted_tokens", {})


def test_reloading_the_confirmation_page_no_longer_shows_the_token(client, directory):
    response = client.post("/lapor/", form())
    reference = Report.objects.get().reference
    token = client.session["submitted_tokens"][reference]
    client.get(response["Location"])

    again = client.get(response["Location"])

    assert again.status_code == 200
    assert reference in html(again) and token not in html(again)
    assert "hanya ditampilkan sekali" in html(again)
    assert "no-store" in again["Cache-Control"]


def test_confirmation_page_of_a_report_from_another_browser_is_not_found(client, directory):
    response = client.post("/lapor/", form())
    client.logout()  # a new session: e.g. somebody who guessed or was sent the address

    assert client.get(response["Location"]).status_code == 404


def test_signed_in_citizen_submits_under_their_account(client, directory, citizen):
    client.force_login(citizen)

    response = client.post("/lapor/", form(reporter_email="palsu@example.test"))

    report = Report.objects.get()
    assert response.status_code == 302
    assert report.reporter == citizen
    assert report.reporter_email == citizen.email  # the account's contact, not a typed one
    assert client.session["reporter_reports"] == [report.pk]
    assert "f-reporter-email" not in html(client.get("/lapor/"))


def test_anonymous_and_confidential_choices_are_stored(client, directory):
    client.post("/lapor/", form(is_anonymous="1"))
    client.post("/lapor/", form(is_confidential="1"))
    client.post("/lapor/", form())

    flags = list(Report.objects.order_by("id").values_list("is_anonymous", "is_confidential"))
    assert flags == [(True, False), (False, True), (False, False)]


@pytest.mark.parametrize("overrides,field,anchor", [
    ({"title": ""}, "title", "f-title"),
    ({"body": "  "}, "body", "f-body"),
    ({"incident_date": (timezone.localdate() + timedelta(days=5)).isoformat()}, "incident_date", "f-incident-date"),
    ({"attachments": SimpleUploadedFile("virus.png", b"MZ\x90\x00" + b"\x00" * 200)}, "attachments", "f-attachments"),
    ({"reporter_email": "bukan surel"}, "reporter_email", "f-reporter-email"),
])
def test_bad_input_returns_400_keeps_what_was_typed_and_stores_nothing(client, directory, overrides, field, anchor):
    typed = form(region_code=MIROTO, category="jalan", is_anonymous="1", reporter_name="Rina Wati",
                 latitude="-6,98", longitude="110,41", address="Gang Mawar 3", **overrides)

    response = client.post("/lapor/", typed)

    page = html(response)
    assert response.status_code == 400
    assert Report.objects.count() == 0 and Event.objects.count() == 0 and Attachment.objects.count() == 0
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert f'href="#{anchor}"' in summary
    control = re.search(rf'<(?:input|textarea)[^>]*id="{anchor}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in control and f"{anchor}-error" in control
    # Everything typed comes back.
    if typed.get("title"):
        assert 'value="Lampu penerangan jalan mati"' in page
    assert "Sudah seminggu lampu di gang kami mati total." in page or field == "body"
    assert 'value="Rina Wati"' in page and 'value="-6,98"' in page and 'value="Gang Mawar 3"' in page
    assert hidden_region(response) == MIROTO
    assert re.search(r'id="f-category-jalan"[^>]*checked', page)
    assert re.search(r'id="f-is-anonymous"[^>]*checked', page)


def test_the_error_summary_lists_the_errors_in_page_order(client, directory):
    future = (timezone.localdate() + timedelta(days=5)).isoformat()

    page = html(client.post("/lapor/", form(title="", incident_date=future, reporter_email="x@", latitude="1")))

    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert re.findall(r'href="#([^"]+)"', summary) == ["f-title", "f-incident-date", "f-latitude", "f-reporter-email"]


def test_a_file_chosen_before_an_error_is_asked_for_again(client, directory):
    photo = SimpleUploadedFile("lampu.png", png_bytes(), content_type="image/png")

    response = client.post("/lapor/", form(title="", attachments=photo))

    assert response.status_code == 400
    assert "Lampirkan berkas lagi" in html(response)
    assert Attachment.objects.count() == 0


def test_a_comma_decimal_point_is_stored_as_coordinates(client, directory):
    client.post("/lapor/", form(latitude="-6,98", longitude="110,41"))

    report = Report.objects.get()
    assert (str(report.latitude), str(report.longitude)) == ("-6.980000", "110.410000")


def jpeg_taken_in_semarang() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (6.0, 59.0, 24.0), 3: "E", 4: (110.0, 25.0, 12.0)}  # GPS IFD: 6°59'24"S 110°25'12"E
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 40)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("share", [True, False])
def test_the_photo_position_is_used_only_when_the_citizen_ticks_the_box(client, directory, share):
    photo = SimpleUploadedFile("foto.jpg", jpeg_taken_in_semarang(), content_type="image/jpeg")

    client.post("/lapor/", form(attachments=photo, location_from_photo="1" if share else None))

    report = Report.objects.get()
    assert (report.latitude is not None) == share
    if share:
        assert round(float(report.latitude), 2) == -6.99 and round(float(report.longitude), 2) == 110.42


# --- Two steps and similar reports --------------------------------------------------------

def test_step_one_stores_nothing_and_offers_the_file_input_only_on_step_two(client, directory):
    first = client.get("/lapor/")
    assert 'type="file"' not in html(first) and 'value="preview"' in html(first)

    second = client.post("/lapor/", form(stage="start", action="preview"))

    assert second.status_code == 200
    assert Report.objects.count() == 0
    assert 'type="file"' in html(second) and 'value="submit"' in html(second)
    assert 'name="stage" value="final"' in html(second)
    assert "Dukung laporan ini saja?" in html(second)


def test_preview_shows_open_public_similar_reports_only(client, directory, national_admin):
    def existing(status=Status.DISPOSED, **kwargs):
        kwargs.setdefault("region_code", MIROTO)
        kwargs.setdefault("category", "jalan")
        return report_in(status, directory, national_admin, **kwargs)[0]

    body = "Sudah seminggu lampu penerangan jalan di gang kami mati total."
    shown = existing(title="Lampu penerangan jalan mati di gang", body=body)
    # The same problem filed under another category is still the same problem.
    other_category = existing(title="Lampu penerangan jalan mati", body=body, category="adminduk")
    confidential = existing(title="Lampu penerangan jalan mati", body=body, is_confidential=True)
    closed = existing(Status.CLOSED, title="Lampu penerangan jalan mati", body=body)
    unpublished = existing(Status.SUBMITTED, title="Lampu penerangan jalan mati", body=body)
    elsewhere = existing(title="Lampu penerangan jalan mati", body=body, region_code="51.71")
    unrelated = existing(title="Saluran air tersumbat sampah",
                         body="Got di depan balai desa meluap setiap hujan karena sampah.")

    response = client.post("/lapor/", form(stage="start", action="preview", region_code="33.74.01", category="jalan"))

    page = html(response)
    linked = set(re.findall(r'href="/laporan/([^/"]+)/"', page))
    assert linked == {shown.reference, other_category.reference}
    for hidden in (confidential, closed, unpublished, elsewhere, unrelated):
        assert hidden.reference not in page


def test_without_location_or_category_similar_reports_need_similar_text(client, directory, national_admin):
    same = report_in(Status.DISPOSED, directory, national_admin, title="Lampu penerangan jalan mati sejak Senin",
                     body="Sudah seminggu lampu di gang kami mati total.", region_code="51.71")[0]
    report_in(Status.DISPOSED, directory, national_admin, title="Jalan berlubang", region_code="51.71")

    page = html(client.post("/lapor/", form(stage="start", action="preview")))

    assert set(re.findall(r'href="/laporan/([^/"]+)/"', page)) == {same.reference}


# --- Location picker without JavaScript ---------------------------------------------------

def test_picker_steps_narrow_province_to_village_and_keep_what_was_typed(client, directory):
    page = client.get("/lapor/")
    assert {"33", "51", "91"} <= set(child_options(page))

    typed = form(stage="start", action="region_down", title="Lampu mati di gang", reporter_name="Rina")
    for choice, offered in [("33", "33.74"), ("33.74", "33.74.01"), ("33.74.01", MIROTO)]:
        typed.update(region_code=hidden_region(page) if page.status_code == 200 else "", region_child=choice)
        page = client.post("/lapor/", typed)
        assert page.status_code == 200
        assert hidden_region(page) == choice
        assert offered in child_options(page)
        assert 'value="Lampu mati di gang"' in html(page) and 'value="Rina"' in html(page)

    typed.update(region_code=hidden_region(page), region_child=MIROTO)
    page = client.post("/lapor/", typed)
    assert hidden_region(page) == MIROTO
    assert "Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah" in html(page)
    assert child_options(page) == []  # nothing below a village

    client.post("/lapor/", form(title="Lampu mati di gang", region_code=hidden_region(page)))
    assert Report.objects.get().region_id == MIROTO


def test_a_region_chosen_in_the_list_counts_even_without_pressing_its_button(client, directory):
    client.post("/lapor/", form(region_code="33.74", region_child="33.74.01"))

    assert Report.objects.get().region_id == "33.74.01"


def test_change_and_clear_buttons_go_up_a_level_and_empty_the_location(client, directory):
    up = client.post("/lapor/", form(stage="start", action="", region_code=MIROTO, region_set="33.74.01"))
    cleared = client.post("/lapor/", form(stage="start", action="", region_code=MIROTO, region_set=""))

    assert hidden_region(up) == "33.74.01" and MIROTO in child_options(up)
    assert hidden_region(cleared) == "" and "33" in child_options(cleared)


def test_in_form_search_offers_matching_villages_with_their_path(client, directory):
    response = client.post("/lapor/", form(stage="start", action="region_search", region_q="miro", title="Judul saya"))

    page = html(response)
    assert response.status_code == 200
    assert re.search(rf'<button type="submit" name="region_set" value="{re.escape(MIROTO)}"[^>]*>'
                     r"Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah \(Desa/Kelurahan\)</button>", page)
    assert 'value="Judul saya"' in page
    assert "paling sedikit 3 huruf" in html(client.post("/lapor/", form(stage="start", action="region_search", region_q="mi")))


def test_the_first_button_of_the_form_is_the_location_search(client, directory):
    """Without JavaScript, Enter in a one-line field presses the form's first submit button:
    it must be the harmless location search, never "send"."""
    for response in (client.get("/lapor/"), client.post("/lapor/", form(stage="start", action="preview"))):
        first = re.search(r'<form[^>]*id="form-lapor".*?(<button[^>]*>)', html(response), re.S).group(1)
        assert 'value="region_search"' in first


def test_get_with_a_region_starts_the_form_there(client, directory):
    response = client.get(f"/lapor/?region={MIROTO}")

    assert hidden_region(response) == MIROTO
    assert hidden_region(client.get("/lapor/?region=99.99")) == ""


def test_location_page_steps_down_by_get_and_links_back_to_the_form(client, directory):
    provinces = html(client.get("/lapor/lokasi/"))
    assert '<option value="33">Jawa Tengah</option>' in provinces

    regencies = html(client.get("/lapor/lokasi/?region=33"))
    assert '<option value="33.74">Kota Semarang</option>' in regencies
    assert 'href="/lapor/?region=33"' in regencies

    villages = html(client.get("/lapor/lokasi/?region=33.74.01"))
    assert f'<option value="{MIROTO}">Miroto</option>' in villages

    village = html(client.get(f"/lapor/lokasi/?region={MIROTO}"))
    assert f'href="/lapor/?region={MIROTO}"' in village and "<select" not in village.split("<main", 1)[1]


def test_location_search_by_name_lists_the_village_with_its_path(client, directory):
    Region.objects.create(code="33.74.02", name="Miroto Baru Kecamatan Uji", level=3, parent_id="33.74")

    page = html(client.get("/lapor/lokasi/?q=miroto"))

    exact = page.index("Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah")
    assert f'<a href="/lapor/?region={MIROTO}">Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah</a>' in page
    assert exact < page.index("Miroto Baru Kecamatan Uji")  # the exact name first
    assert "Tidak ada wilayah" in html(client.get("/lapor/lokasi/?q=zzzzz"))


# --- Page weight and structure ------------------------------------------------------------

def test_the_form_page_with_its_css_and_js_stays_under_50_kb_at_its_largest(client, directory, national_admin):
    """The largest district in Indonesia has 108 villages; the demo directory has 31 categories."""
    Region.objects.bulk_create([
        Region(code=f"33.74.01.{2000 + i}", name=f"Kelurahan Dengan Nama Cukup Panjang {i}", level=4, parent_id="33.74.01")
        for i in range(107)
    ])
    from aduan.agencies.models import Category

    Category.objects.bulk_create([
        Category(name=f"Kategori uji nomor {i}", slug=f"kategori-uji-{i}",
                 description="Penjelasan satu kalimat dalam bahasa sederhana untuk warga tentang kategori ini.")
        for i in range(29)
    ])
    for i in range(5):
        report_in(Status.DISPOSED, directory, national_admin, region_code=MIROTO, category="jalan",
                  title=f"Lampu penerangan jalan mati di gang nomor {i}")

    page = client.post("/lapor/", form(stage="final", action="region_search", region_code="33.74.01", category="jalan",
                                       region_q="kelurahan"))
    assert len(child_options(page)) == 108
    css = (ROOT / "static" / "css" / "aduan.css").stat().st_size
    js = (ROOT / "static" / "js" / "lokasi.js").stat().st_size

    total = len(page.content) + css + js
    assert total < 50 * 1024, total


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.labels, self.controls, self.h1 = set(), set(), [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag == "h1":
            self.h1 += 1
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)


@pytest.mark.parametrize("stage", ["start", "final", "error"])
def test_every_control_has_a_label_and_its_descriptions_exist(client, directory, stage):
    if stage == "start":
        response = client.get("/lapor/?region=33.74.01")
    else:
        response = client.post("/lapor/", form(stage="start", action="preview" if stage == "final" else "submit",
                                               title="" if stage == "error" else "Judul", latitude="x", region_code="33.74"))
    parser = _Controls()
    parser.feed(html(response))

    assert parser.h1 == 1
    assert parser.controls
    for control in parser.controls:
        assert control.get("id") in parser.labels, control
        for ref in control.get("aria-describedby", "").split():
            assert ref in parser.ids, (control["id"], ref)


def test_limits_shown_on_the_page_come_from_the_settings(client, directory):
    page = html(client.post("/lapor/", form(stage="start", action="preview")))

    assert f"paling banyak {settings.ADUAN_ATTACHMENTS_MAX_COUNT} berkas" in page


def test_location_suggestions_as_data_for_the_autocomplete(client, directory):
    response = client.get("/lapor/lokasi/", {"format": "json", "q": "miroto"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert results[0]["code"] == "33.74.01.1001"
    assert results[0]["label"].startswith("Miroto, Semarang Tengah, Kota Semarang, Jawa Tengah")
    assert client.get("/lapor/lokasi/", {"format": "json", "q": "mi"}).json() == {"results": []}
