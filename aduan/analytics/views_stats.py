"""Public statistics (no sign-in): /statistik/, the agency league /statistik/instansi/ and
one page per agency /statistik/instansi/<slug>/. Every table can be downloaded as CSV with
the same query string plus ``unduh=<table>``. Figures come from the rollups only."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.agencies.models import Agency
from aduan.regions.models import Region

from .choropleth import choropleth
from .facts import LOCAL_TZ, add_months, facts_as_of
from .stats import Scope, agency_league, duration_label, league_min_reports, min_rows, stats_overview, stats_trend

MAX_MONTHS = 120
TABLES = {
    "jenis": ("kind", gettext_lazy("Jenis laporan")),
    "kategori": ("category", gettext_lazy("Kategori")),
    "sektor": ("sector", gettext_lazy("Sektor")),
    "wilayah": ("region", gettext_lazy("Wilayah")),
    "instansi": ("agency", gettext_lazy("Instansi")),
    "kanal": ("channel", gettext_lazy("Kanal")),
    "status": ("status", gettext_lazy("Status")),
    "penilaian": ("rating", gettext_lazy("Penilaian pelapor (bintang)")),
}


@dataclass
class Period:
    month_from: date
    month_to: date
    raw_from: str = ""
    raw_to: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def query(self) -> str:
        return f"dari={self.month_from:%Y-%m}&sampai={self.month_to:%Y-%m}"


def _parse_month(raw: str) -> date | None:
    try:
        year, month = (int(p) for p in raw.strip().split("-")[:2])
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except (ValueError, TypeError):
        return None


def period_from(request) -> Period:
    """``dari``/``sampai`` as YYYY-MM; by default the last twelve months including this one."""
    today = timezone.now().astimezone(LOCAL_TZ).date()
    this_month = date(today.year, today.month, 1)
    raw_from, raw_to = request.GET.get("dari", "").strip(), request.GET.get("sampai", "").strip()
    errors = []
    month_to = _parse_month(raw_to) if raw_to else this_month
    if month_to is None:
        errors.append(_("Bulan akhir harus ditulis TTTT-BB, mis. 2026-11."))
    month_from = _parse_month(raw_from) if raw_from else add_months(month_to or this_month, -11)
    if month_from is None:
        errors.append(_("Bulan awal harus ditulis TTTT-BB, mis. 2025-12."))
    if month_from and month_to:
        if month_from > month_to:
            errors.append(_("Bulan awal harus sebelum bulan akhir."))
        elif (month_to.year - month_from.year) * 12 + month_to.month - month_from.month >= MAX_MONTHS:
            errors.append(_("Rentang paling panjang 10 tahun."))
    if errors:
        return Period(add_months(this_month, -11), this_month, raw_from, raw_to, errors)
    return Period(month_from, month_to, raw_from, raw_to)


def _csv(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _region_scope(raw: str) -> tuple[Scope, Region | None, str]:
    code = raw.strip()
    if not code:
        return Scope.nation(), None, ""
    region = Region.objects.filter(code=code, level__lte=Region.Level.REGENCY).first()
    if region is None:
        return Scope.nation(), None, _("Wilayah %(code)s tidak dikenal; statistik nasional ditampilkan.") % {
            "code": code[:20]}
    return Scope.of_region(region), region, ""


def _times(figures: dict) -> list[dict]:
    names = {"t_verify": _("Sampai diverifikasi"), "t_first": _("Sampai tanggapan pertama"),
             "t_resolve": _("Sampai selesai")}
    return [{"name": names[k], "n": v["n"], "median": duration_label(v["median"]), "p90": duration_label(v["p90"])}
            for k, v in figures["times"].items()]


def _summary_rows(figures: dict) -> list[tuple[str, object]]:
    def p(value):
        return "–" if value is None else f"{value:g}".replace(".", ",") + " %"

    return [
        (_("Laporan masuk"), figures["reports"]),
        (_("Di antaranya duplikat"), figures["duplicates"]),
        (_("Diteruskan ke instansi"), figures["verified"]),
        (_("Dialihkan ke instansi lain (bukan wewenang)"), f'{figures["forwarded"]} ({p(figures["forwarded_pct"])})'),
        (_("Dibuka kembali oleh pelapor"), figures["reopened"]),
        (_("Selesai"), figures["closed"]),
        (_("Masih terbuka"), figures["open"]),
        (_("Terbuka dan melewati batas waktu"), figures["overdue_open"]),
        (_("Tanggapan pertama tepat waktu"), f'{figures["fr_on_time"]} / {figures["fr_due"]} ({p(figures["fr_on_time_pct"])})'),
        (_("Selesai dalam target"), f'{figures["res_on_time"]} / {figures["res_due"]} ({p(figures["res_on_time_pct"])})'),
        (_("Rata-rata penilaian pelapor"), "–" if figures["rating_avg"] is None else
         f'{figures["rating_avg"]:g}'.replace(".", ",") + f' / 5 ({figures["rated"]})'),
        (_("Pelapor puas (4–5 bintang)"), p(figures["satisfied_pct"])),
        (_("Dukungan warga"), figures["supports"]),
    ]


def statistics(request):
    period = period_from(request)
    scope, region, region_error = _region_scope(request.GET.get("wilayah", ""))
    errors = [*period.errors, *([region_error] if region_error else [])]
    overview = stats_overview(scope=scope, month_from=period.month_from, month_to=period.month_to)
    trend = stats_trend(scope=scope, month_from=period.month_from, month_to=period.month_to)
    figures, breakdowns = overview["figures"], overview["breakdowns"]
    name = region.name if region else _("Indonesia")
    table = request.GET.get("unduh", "")
    if table and not errors:
        return _download(table, name=name, period=period, figures=figures, breakdowns=breakdowns, trend=trend)
    ancestors = []
    if region:
        ancestors = list(Region.objects.filter(code__in=region.ancestor_codes()[1:]).order_by("level"))
    region_rows = breakdowns.get("region", [])
    small = not overview["rows_allowed"]
    for row in region_rows:
        row["drill"] = row["drill"] and row["key"] and (region is None or region.level < Region.Level.REGENCY)
    wilayah = f"&wilayah={region.code}" if region else ""
    for dim, rows in breakdowns.items():
        peak = max((r["count"] for r in rows), default=0)
        for r in rows:
            r["bar"] = round(100 * r["count"] / peak) if peak else 0
    context = {
        "errors": errors,
        "period": period,
        "region": region,
        "ancestors": ancestors,
        "name": name,
        "figures": figures,
        "summary": _summary_rows(figures),
        "times": _times(figures),
        "breakdowns": breakdowns,
        "trend": trend,
        "as_of": facts_as_of(),
        "small": small,
        "min_rows": min_rows(),
        "query": f"{period.query}{wilayah}",
        "map": choropleth(parent=region, rows=region_rows, link=f"?{period.query}&wilayah=")
        if region is None or region.level == Region.Level.PROVINCE else None,
        "sections": [
            {"id": slug, "title": title, "rows": breakdowns[dim][:20] if dim in ("category", "agency") else breakdowns[dim],
             "more": max(len(breakdowns[dim]) - 20, 0) if dim in ("category", "agency") else 0, "dim": dim}
            for slug, (dim, title) in TABLES.items() if dim in breakdowns and slug != "wilayah"
        ],
    }
    return render(request, "analytics/statistics.html", context, status=400 if errors else 200)


def _download(table: str, *, name: str, period: Period, figures: dict, breakdowns: dict, trend: list) -> HttpResponse:
    stem = f"statistik-{table}-{period.month_from:%Y%m}-{period.month_to:%Y%m}"
    if table == "ringkasan":
        rows = [[label, value] for label, value in _summary_rows(figures)]
        rows += [[f'{t["name"]} ({_("median")})', t["median"]] for t in _times(figures)]
        rows += [[f'{t["name"]} ({_("persentil ke-90")})', t["p90"]] for t in _times(figures)]
        return _csv(stem, [_("Ukuran"), name], rows)
    if table == "tren":
        return _csv(stem, [_("Bulan"), _("Laporan"), _("Selesai"), _("Tanggapan pertama tepat waktu (%)"),
                           _("Selesai dalam target (%)"), _("Rata-rata penilaian")],
                    [[f'{t["month"]:%Y-%m}', t["reports"], t["closed"], t["fr_on_time_pct"], t["res_on_time_pct"],
                      t["rating_avg"]] for t in trend])
    if table not in TABLES or TABLES[table][0] not in breakdowns:
        raise Http404
    dim, title = TABLES[table]
    header = [str(title), _("Kode"), _("Jumlah laporan"), _("Persen")]
    if dim == "region":
        header += [_("Penduduk"), _("Laporan per 100.000 penduduk")]
        return _csv(stem, header, [[r["label"], r["key"], r["count"], r["share"], r["population"], r["rate"]]
                                   for r in breakdowns[dim]])
    return _csv(stem, header, [[r["label"], r["key"], r["count"], r["share"]] for r in breakdowns[dim]])


def league(request):
    period = period_from(request)
    data = agency_league(month_from=period.month_from, month_to=period.month_to)
    if request.GET.get("unduh") == "liga" and not period.errors:
        header = [_("Peringkat"), _("Instansi"), _("Laporan"), _("Tanggapan pertama tepat waktu (%)"),
                  _("Selesai dalam target (%)"), _("Median sampai tanggapan pertama"), _("Median sampai selesai"),
                  _("Terbuka melewati batas waktu"), _("Rata-rata penilaian")]
        rows = [[r.get("rank", ""), r["agency"].name, r["reports"], r["fr_on_time_pct"], r["res_on_time_pct"],
                 duration_label(r["times"]["t_first"]["median"]), duration_label(r["times"]["t_resolve"]["median"]),
                 r["overdue_open"], r["rating_avg"]] for r in [*data["ranked"], *data["unranked"]]]
        return _csv(f"liga-instansi-{period.month_from:%Y%m}-{period.month_to:%Y%m}", header, rows)
    for row in [*data["ranked"], *data["unranked"]]:
        row["first_median"] = duration_label(row["times"]["t_first"]["median"])
        row["resolve_median"] = duration_label(row["times"]["t_resolve"]["median"])
    return render(request, "analytics/league.html", {
        "period": period, "errors": period.errors, "league": data, "as_of": facts_as_of(),
    }, status=400 if period.errors else 200)


def agency_statistics(request, slug: str):
    agency = Agency.objects.filter(slug=slug, is_active=True).first()
    if agency is None:
        raise Http404
    period = period_from(request)
    scope = Scope.of_agency(agency)
    overview = stats_overview(scope=scope, month_from=period.month_from, month_to=period.month_to)
    trend = stats_trend(scope=scope, month_from=period.month_from, month_to=period.month_to)
    figures = overview["figures"]
    if request.GET.get("unduh") in ("ringkasan", "tren") and not period.errors:
        return _download(request.GET["unduh"], name=agency.name, period=period, figures=figures,
                         breakdowns=overview["breakdowns"], trend=trend)
    peak = max((t["reports"] for t in trend), default=0)
    for t in trend:
        t["bar"] = round(100 * t["reports"] / peak) if peak else 0
    return render(request, "analytics/agency_statistics.html", {
        "agency": agency, "period": period, "errors": period.errors, "figures": figures,
        "summary": _summary_rows(figures), "times": _times(figures), "trend": trend, "as_of": facts_as_of(),
        "ranked": figures["reports"] >= league_min_reports(), "min_reports": league_min_reports(),
        "small": not overview["rows_allowed"],
        "categories": overview["breakdowns"]["category"][:10],
    }, status=400 if period.errors else 200)
