"""A choropleth of child regions drawn on the server as SVG (no JavaScript, no tiles).

Shapes come from the shipped boundary polygons (``RegionBoundary``: provinces and
regencies/cities), simplified for the screen and projected equirectangularly with the
longitude scaled by the cosine of the mean latitude (Indonesia straddles the equator, so
the distortion is small). The drawn paths are cached per parent region: boundaries change
only when ``regions_load`` runs. Colours: five classes by quantile of the rate per 100,000
inhabitants, a sequential single-hue palette (ColorBrewer "Blues", readable in greyscale
and by colour-blind readers); regions without a rate are hatched. Each region is a link to
its own statistics and carries a ``<title>``; the page shows the same figures in a table.
"""

from __future__ import annotations

import math
import threading

import shapely
from django.utils.translation import gettext as _

from aduan.regions.models import Region, RegionBoundary

WIDTH = 640
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
DARK = {"#3182bd", "#08519c"}
_cache: dict[str, tuple[list[tuple[str, str]], float]] = {}
_lock = threading.Lock()


def choropleth_reset_cache() -> None:
    with _lock:
        _cache.clear()


def _paths(parent: Region | None) -> tuple[list[tuple[str, str]], float]:
    """[(code, path data)] of the children of ``parent`` (provinces for the nation) and the height."""
    key = parent.code if parent else ""
    with _lock:
        if key in _cache:
            return _cache[key]
    children = Region.objects.filter(parent=parent) if parent else Region.objects.filter(level=Region.Level.PROVINCE)
    shapes = [(b.region_id, shapely.from_wkb(bytes(b.geometry_wkb)))
              for b in RegionBoundary.objects.filter(region__in=children).order_by("region_id")]
    if not shapes:
        return [], 0.0
    minx, miny, maxx, maxy = shapely.GeometryCollection([g for _, g in shapes]).bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    span_x = max((maxx - minx) * kx, 1e-9)
    scale = WIDTH / span_x
    height = (maxy - miny) * scale
    tolerance = 1.5 / scale  # a pixel and a half
    out = []
    for code, geom in shapes:
        geom = geom.simplify(tolerance, preserve_topology=True)
        parts = []
        polygons = getattr(geom, "geoms", [geom])
        for polygon in polygons:
            # Islands smaller than about two square pixels would only add bytes.
            if polygon.is_empty or not hasattr(polygon, "exterior") or polygon.area * kx * scale * scale < 2:
                continue
            for ring in [polygon.exterior, *polygon.interiors]:
                coords = list(ring.coords)
                if len(coords) < 4:
                    continue
                pts = [f"{(x - minx) * kx * scale:.1f},{(maxy - y) * scale:.1f}" for x, y in coords]
                parts.append("M" + "L".join(pts) + "Z")
        if parts:
            out.append((code, "".join(parts)))
    result = (out, round(height, 1))
    with _lock:
        _cache[key] = result
    return result


def _classes(rates: list[float]) -> list[float]:
    """Upper bounds of five quantile classes (fewer when there are few distinct rates)."""
    values = sorted(set(rates))
    if not values:
        return []
    bounds = []
    for i in range(1, 6):
        bound = values[min(len(values) - 1, math.ceil(i * len(values) / 5) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _shade(cls: int, bounds: list[float]) -> int:
    """Palette index of class ``cls``: spread over the palette, the lightest for the lowest
    class (and for a map where every rate is zero)."""
    if len(bounds) <= 1:
        return 0
    return round(cls * (len(PALETTE) - 1) / (len(bounds) - 1))


def choropleth(*, parent: Region | None, rows: list[dict], link: str) -> dict | None:
    """The map of the child regions of ``parent`` coloured by ``row["rate"]``; ``link`` is
    the URL prefix of a region's page (the region code is appended). None when there are no
    boundaries to draw (districts and villages have none)."""
    paths, height = _paths(parent)
    if not paths:
        return None
    by_code = {r["key"]: r for r in rows}
    bounds = _classes([r["rate"] for r in rows if r.get("rate") is not None])
    shapes = []
    for code, d in paths:
        row = by_code.get(code, {})
        rate = row.get("rate")
        if rate is None:
            fill, label = "url(#tanpa-data)", _("tanpa data")
        else:
            fill = PALETTE[_shade(next(i for i, b in enumerate(bounds) if rate <= b), bounds)]
            label = _("%(rate)s laporan per 100.000 penduduk") % {"rate": f"{rate:g}".replace(".", ",")}
        shapes.append({"code": code, "d": d, "fill": fill, "href": f"{link}{code}",
                       "title": f"{row.get('label', code)}: {label}"})
    legend = []
    low = 0.0
    for i, bound in enumerate(bounds):
        legend.append({"fill": PALETTE[_shade(i, bounds)], "low": low, "high": bound})
        low = bound
    return {"width": WIDTH, "height": height, "shapes": shapes, "legend": legend}
