"""Point → region lookup over the simplified Kemendagri boundary polygons (shapely STRtree).

The index is built once per process from ``RegionBoundary`` rows and dropped when the
boundaries are reloaded. Regencies/cities are tried first (the finer answer); a point in
the sea or outside Indonesia returns None.
"""

from __future__ import annotations

import threading

from shapely import STRtree, wkb
from shapely.geometry import Point

from .models import Region, RegionBoundary

_lock = threading.Lock()
_index: dict[int, tuple[STRtree, list[str], list]] = {}


def boundaries_reset_cache() -> None:
    with _lock:
        _index.clear()


def _tree(level: int):
    with _lock:
        if level not in _index:
            rows = RegionBoundary.objects.filter(region__level=level).values_list("region_id", "geometry_wkb")
            codes, geoms = [], []
            for code, blob in rows:
                codes.append(code)
                geoms.append(wkb.loads(bytes(blob)))
            _index[level] = (STRtree(geoms), codes, geoms)
        return _index[level]


def region_code_at_point(lat: float, lng: float) -> str | None:
    point = Point(lng, lat)
    for level in (Region.Level.REGENCY, Region.Level.PROVINCE):
        tree, codes, geoms = _tree(level)
        if not codes:
            continue
        hits = [int(i) for i in tree.query(point, predicate="intersects")]
        if hits:
            # An enclave (a city inside the regency around it) must win over its host.
            return codes[min(hits, key=lambda i: geoms[i].area)]
    return None


def region_at_point(lat: float, lng: float) -> Region | None:
    code = region_code_at_point(lat, lng)
    return Region.objects.filter(code=code).first() if code else None
