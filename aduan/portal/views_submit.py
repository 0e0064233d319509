"""Citizen report submission: the form, the no-JavaScript location picker, the similar
reports offered before submitting, and the confirmation page.

The form has two steps, both at ``/lapor/``:

1. The citizen fills in the report and presses “Lanjut” (``action=preview``): nothing is
   stored; the page comes back with the similar open public reports near the chosen
   location ("Dukung laporan ini saja?") above the same form, filled in as typed.
2. The citizen adds photos or documents and presses “Kirim laporan”
   (``action=submit``): the view calls ``report_submit`` (the one write path) and
   redirects to ``/lapor/terkirim/<reference>/``.

Files: a browser cannot keep a chosen file across a page reload, so the file input is
shown on step 2 only and files are read on ``action=submit`` only. When a page with chosen
files comes back for any other reason (a location step, or an error), the citizen is told
plainly to attach them again; everything typed is kept.

Location without JavaScript: the picker's buttons belong to the same form (``region_set``,
``action=region_down``, ``action=region_search``), so a step reloads the page with
everything typed kept. ``/lapor/?region=<code>`` starts with a location chosen, and
``/lapor/lokasi/`` is a stand-alone GET picker and search whose results link there. The
region search button is the first submit button in the form, so pressing Enter in a
one-line field runs a (harmless) location search, never a submission; ``static/js/lokasi.js``
makes Enter press the main button instead when JavaScript is on.

Map pin (optional, no JavaScript, no tile server): once a regency/city, district or
village is chosen, the location fieldset shows the regency/city's boundary as an SVG
(``/lapor/peta/<code>.svg``, drawn by ``maps``) in an ``<input type="image" name="pin">``
of the same form. A click submits the form with ``pin.x``/``pin.y``; like the picker
buttons it only re-renders the page with everything typed kept, after putting the clicked
point into the latitude/longitude fields — or, for a point outside the region's polygon,
saying so next to the map and changing nothing. The typed coordinates are drawn as a
marker on the next render. Districts and villages have no shipped boundary, so their
regency/city is drawn. The coordinates can always be typed instead.

The tracking token is shown once: it is kept in the session under ``submitted_tokens``
until the confirmation page pops it. The report's id is added to
``reporter_reports``, which lets this browser act as the reporter on the report page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aduan.core.errors import DomainError
from aduan.regions.models import Region
from aduan.reports.services.submit import report_submit

from . import forms_submit as forms
from . import maps
from . import submit_selectors as sel

TOKENS_KEY = "submitted_tokens"
REPORTER_REPORTS_KEY = "reporter_reports"
REPORTER_REPORTS_KEPT = 50
START, FINAL = "start", "final"


def _location_from_post(post, typed: dict) -> tuple[str, bool]:
    """Apply a picker step to ``typed["region_code"]``; return the search box text and
    whether a search was asked for. A region chosen in the list counts even when the
    citizen pressed another button: what they chose is never dropped."""
    if "region_set" in post:
        typed["region_code"] = post.get("region_set", "")[:20]
        return "", False
    child = post.get("region_child", "").strip()[:20]
    if child:
        typed["region_code"] = child
    region_q = post.get("region_q", "")[:120]
    # An empty search is what Enter in another one-line field sends (see the module docstring): not an error.
    return region_q, post.get("action") == "region_search" and bool(region_q.strip())


def _pin_to_coordinates(post, typed: dict) -> dict | None:
    """Apply a click on the map to ``typed``: the clicked point becomes the latitude and
    longitude when it lies in the region drawn. Returns the message shown next to the map
    (``error`` when nothing was set), or None when the map was not clicked.

    The map drawn is the one of the region the page was showing (the hidden
    ``region_code``), so this runs before the picker step of the same post."""
    pin = forms.pin_from_post(post)
    if pin is None:
        return None
    if pin == (0, 0):
        # Enter or Space on the focused map sends (0, 0): no point was chosen.
        return {"error": True, "text": _("Peta hanya dapat ditandai dengan klik atau sentuhan. "
                                         "Ketik lintang dan bujur di kolom di bawah peta.")}
    area = sel.map_area_for_region(code=typed["region_code"])
    if area is None:
        return {"error": True, "text": _("Pilih kabupaten/kota lebih dulu untuk menandai lokasi di peta.")}
    point = maps.locate_click(area.geometry, maps.projection_for(area.geometry.bounds), *pin)
    if point is None:
        return {"error": True, "text": _("Titik di luar wilayah yang dipilih. Klik di dalam batas %(name)s, "
                                         "atau ketik lintang dan bujur.") % {"name": area.name}}
    typed["latitude"], typed["longitude"] = (maps.format_coordinate(v) for v in point)
    return {"error": False, "text": _("Titik ditandai di peta: lintang %(lat)s, bujur %(lon)s. "
                                      "Anda dapat mengubahnya di kolom di bawah peta.")
            % {"lat": typed["latitude"], "lon": typed["longitude"]}}


def _map_context(step: sel.LocationStep, typed: dict) -> dict | None:
    """The pin map for the chosen regency/city, district or village (its regency/city's
    boundary), with a marker at the typed coordinates when they fall on it."""
    if step.region is None or step.region.level < Region.Level.REGENCY:
        return None
    area = sel.map_area_for_region(code=step.code)
    if area is None:
        return None
    projection = maps.projection_for(area.geometry.bounds)
    src = reverse("portal:region_map", kwargs={"code": area.code})
    point = forms.coordinates_from_typed(typed)
    marked = point is not None and projection.in_frame(*projection.to_pixel(*point))
    if marked:
        src += "?" + urlencode({"lat": maps.format_coordinate(point[0]), "lon": maps.format_coordinate(point[1])})
    return {
        "name": area.name,
        "src": src,
        "width": projection.width,
        "height": projection.height,
        "marked": marked,
        "whole_regency": step.region.level > Region.Level.REGENCY,
    }


def _render_form(request, *, typed: dict, stage: str, region_q: str = "", searched: bool = False,
                 field_errors: dict | None = None, summary: list | None = None, files_dropped: bool = False,
                 map_message: dict | None = None, status: int = 200):
    step = sel.location_step(code=typed["region_code"])
    region_q_clean = " ".join(region_q.split())
    search_results = sel.regions_search(q=region_q_clean) if searched else []
    similar = None
    if stage == FINAL:
        similar = sel.reports_similar_open(title=typed["title"], body=typed.get("body", ""), category=typed["category"],
                                           region_code=step.code, latitude=typed.get("latitude") or None,
                                           longitude=typed.get("longitude") or None)
    return render(request, "portal/submit_form.html", {
        "typed": typed,
        "stage": stage,
        "errors": {name: [str(m) for m in messages] for name, messages in (field_errors or {}).items()},
        "summary": summary or [],
        "kinds": forms.kind_choices(),
        "categories": sel.categories_for_submit(),
        "loc": step,
        "map": _map_context(step, typed),
        "map_message": map_message,
        "region_q": region_q,
        "searched": searched,
        "search_too_short": searched and len(region_q_clean) < sel.SEARCH_MIN_CHARS,
        "search_results": search_results,
        "similar": similar,
        "files_dropped": files_dropped,
        "today": timezone.localdate().isoformat(),
        **sel.upload_limits(),
    }, status=status)


def _remember(request, *, report_id: int, reference: str, token: str) -> None:
    tokens = dict(request.session.get(TOKENS_KEY) or {})
    tokens[reference] = token
    request.session[TOKENS_KEY] = tokens
    ids = [i for i in (request.session.get(REPORTER_REPORTS_KEY) or []) if isinstance(i, int) and i != report_id]
    request.session[REPORTER_REPORTS_KEY] = (ids + [report_id])[-REPORTER_REPORTS_KEPT:]


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    if request.method != "POST":
        typed = forms.typed_initial(region_code=request.GET.get("region", ""))
        return _render_form(request, typed=typed, stage=START)

    typed = forms.typed_from_post(request.POST, signed_in=request.user.is_authenticated)
    action = request.POST.get("action", "")
    stage = FINAL if action in ("preview", "submit") or request.POST.get("stage") == FINAL else START
    map_message = _pin_to_coordinates(request.POST, typed)
    region_q, searched = _location_from_post(request.POST, typed)
    chosen_files = bool(request.FILES.getlist("attachments"))

    if action != "submit" or map_message is not None:
        return _render_form(request, typed=typed, stage=stage, region_q=region_q, searched=searched,
                            files_dropped=chosen_files, map_message=map_message)
    try:
        result = report_submit(
            draft=forms.draft_from_typed(typed, attachments=forms.uploads_from_files(request.FILES)),
            actor=request.user,
        )
    except DomainError as exc:
        return _render_form(request, typed=typed, stage=FINAL, region_q=region_q, field_errors=exc.field_errors,
                            summary=forms.error_summary(exc.field_errors, exc.message), files_dropped=chosen_files,
                            status=400)
    report = result.report
    _remember(request, report_id=report.pk, reference=report.reference, token=result.token)
    return redirect("portal:submitted", reference=report.reference)


@require_http_methods(["GET", "HEAD"])
def location_search(request):
    """Stand-alone location picker: GET steps down the region tree and a search by name;
    every result links to ``/lapor/?region=<code>``."""
    q = request.GET.get("q", "")[:120]
    q_clean = " ".join(q.split())
    if request.GET.get("format") == "json":
        # Suggestions for the optional script on the report form (lokasi.js): the same
        # search as the no-JavaScript button, as plain data.
        rows = sel.regions_search(q=q_clean) if len(q_clean) >= sel.SEARCH_MIN_CHARS else []
        response = JsonResponse({"results": [
            {"code": r["code"], "label": f"{r['name']}{', ' + r['path'] if r['path'] else ''} ({r['level_label']})"}
            for r in rows
        ]})
        response["Cache-Control"] = "public, max-age=3600"  # region names change once a year
        return response
    step = sel.location_step(code=request.GET.get("region", ""))
    return render(request, "portal/submit_location.html", {
        "q": q,
        "loc": step,
        "searched": bool(q_clean),
        "search_too_short": bool(q_clean) and len(q_clean) < sel.SEARCH_MIN_CHARS,
        "results": sel.regions_search(q=q_clean) if q_clean else [],
        "min_chars": sel.SEARCH_MIN_CHARS,
    })


MAP_CACHE_SECONDS = 86400  # boundaries change with a Kemendagri decree, at most a few times a year


@require_http_methods(["GET", "HEAD"])
def region_map(request, code: str):
    """The boundary of a province or regency/city as a small SVG for the report form's map
    pin; ``?lat=..&lon=..`` adds a marker. 404 for an unknown code or a region without a
    shipped boundary. The plain map is the same for everyone and cached for a day; a map
    with a marker shows where one citizen's report is, so only the browser keeps it."""
    area = sel.map_area_get(code=code)
    if area is None:
        raise Http404
    asked_pin = "lat" in request.GET or "lon" in request.GET
    pin = None
    if asked_pin:
        lat = maps.parse_coordinate(request.GET.get("lat"), 90)
        lon = maps.parse_coordinate(request.GET.get("lon"), 180)
        pin = (lat, lon) if lat is not None and lon is not None else None
    svg = maps.render_svg(area.geometry, maps.projection_for(area.geometry.bounds),
                          title=_("Peta %(name)s") % {"name": area.name}, pin=pin)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600" if asked_pin else f"public, max-age={MAP_CACHE_SECONDS}"
    # The document is ours, but an SVG opened on its own is a page: it may run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def submitted(request, reference: str):
    info = sel.report_submitted_get(reference=reference, report_ids=request.session.get(REPORTER_REPORTS_KEY) or [])
    if info is None:
        raise Http404
    tokens = dict(request.session.get(TOKENS_KEY) or {})
    token = tokens.pop(info["reference"], None)
    if token is not None:
        request.session[TOKENS_KEY] = tokens
    query = {"ref": info["reference"], "token": token} if token else {"ref": info["reference"]}
    return render(request, "portal/submit_done.html", {
        "report": info,
        "token": token,
        "track_url": "/lacak/?" + urlencode(query),
    })
