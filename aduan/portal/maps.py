"""The report form's optional map pin, without JavaScript and without a tile server: pure
functions (no database, no request) that draw a region's boundary polygon as a small SVG
and convert between the SVG's pixels and latitude/longitude.

Projection: simple equirectangular over the region's bounding box, corrected for latitude
(one degree of longitude is ``cos(mid-latitude)`` degrees of latitude wide), so shapes are
not stretched. The map is ``MAP_WIDTH`` pixels wide and between ``MAP_MIN_HEIGHT`` and
``MAP_MAX_HEIGHT`` tall; the region is centred in it with ``MAP_PADDING`` pixels to spare.
Over a regency or city (at most a few hundred kilometres, all within 11° of the equator)
the error of this projection is far below a pixel. North is up.

The image is the ``src`` of an ``<input type="image" name="pin">`` in the report form: a
click submits the form with ``pin.x`` / ``pin.y`` in these pixels, which ``locate_click``
turns into a point. That only holds while the image is shown at its own size: CSS must
not scale it (browsers send the coordinates of the image as rendered).

Size: the polygon is simplified in pixel space (shapely ``simplify``; a tolerance in pixels
is a tolerance relative to the bounding box) and written with relative path commands at a
tenth of a pixel; the tolerance grows until the SVG fits ``MAX_SVG_BYTES``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

MAP_WIDTH = 280  # fits a 360-px phone inside the form's two nested fieldsets
MAP_MIN_HEIGHT = 160  # a long, thin region still gets a map tall enough to click
MAP_MAX_HEIGHT = 380
MAP_PADDING = 10
MAX_SVG_BYTES = 15_000
TOLERANCE_PX = 0.4  # first simplification tolerance, in pixels
COORD_DECIMALS = 5  # about 1 m: finer than one pixel of the smallest city's map

OUTSIDE_FILL = "#dde7ee"
REGION_FILL = "#fbf8ec"
BORDER = "#3d3d3d"
PIN_FILL = "#b3001b"
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Projection:
    """Pixel ↔ latitude/longitude for one map. ``(ox, oy)`` is the pixel of the bounding
    box's north-west corner; ``scale`` is pixels per degree of latitude; ``k`` is
    ``cos(mid-latitude)``."""

    west: float
    north: float
    k: float
    scale: float
    ox: float
    oy: float
    width: int
    height: int

    def to_pixel(self, lat: float, lon: float) -> tuple[float, float]:
        return self.ox + (lon - self.west) * self.k * self.scale, self.oy + (self.north - lat) * self.scale

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        return self.north - (y - self.oy) / self.scale, self.west + (x - self.ox) / (self.k * self.scale)

    def in_frame(self, x: float, y: float) -> bool:
        return 0 <= x <= self.width and 0 <= y <= self.height

    @property
    def km_per_pixel(self) -> float:
        return KM_PER_DEGREE / self.scale


def projection_for(bounds: tuple[float, float, float, float], *, width: int = MAP_WIDTH,
                   min_height: int = MAP_MIN_HEIGHT, max_height: int = MAP_MAX_HEIGHT,
                   padding: int = MAP_PADDING) -> Projection:
    """The projection of a map of ``bounds`` (west, south, east, north in degrees, as
    shapely's ``bounds``): full width, the height the shape needs within the limits."""
    west, south, east, north = (float(v) for v in bounds)
    dx, dy = max(east - west, 1e-6), max(north - south, 1e-6)
    k = math.cos(math.radians((north + south) / 2))
    scale = (width - 2 * padding) / (dx * k)
    height = int(min(max(round(dy * scale + 2 * padding), min_height), max_height))
    scale = min(scale, (height - 2 * padding) / dy)
    ox = (width - dx * k * scale) / 2
    oy = (height - dy * scale) / 2
    return Projection(west=west, north=north, k=k, scale=scale, ox=ox, oy=oy, width=width, height=height)


def area_covers(geometry: BaseGeometry, lat: float, lon: float) -> bool:
    """Whether the point lies in the region (its boundary line included)."""
    return bool(geometry.covers(Point(lon, lat)))


def locate_click(geometry: BaseGeometry, projection: Projection, x: int, y: int) -> tuple[float, float] | None:
    """The latitude/longitude of the clicked pixel (its centre), rounded to
    ``COORD_DECIMALS``; None when the pixel lies outside the region's polygon."""
    lat, lon = projection.to_latlon(x + 0.5, y + 0.5)
    lat, lon = round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)
    return (lat, lon) if area_covers(geometry, lat, lon) else None


def format_coordinate(value: float) -> str:
    return f"{value:.{COORD_DECIMALS}f}"


def parse_coordinate(text: str | None, limit: float) -> float | None:
    """A latitude (``limit`` 90) or longitude (180) from text, accepting a decimal comma
    ("-6,98"); None for anything else."""
    text = (text or "").strip().replace(",", ".")
    if not text or len(text) > 20:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


# --- SVG ------------------------------------------------------------------------------------

def _to_pixels(geometry: BaseGeometry, projection: Projection) -> BaseGeometry:
    def project(coords: np.ndarray) -> np.ndarray:
        x = projection.ox + (coords[:, 0] - projection.west) * projection.k * projection.scale
        y = projection.oy + (projection.north - coords[:, 1]) * projection.scale
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [part for g in getattr(geometry, "geoms", []) for part in _polygons(g)]


def _tenths(value: int) -> str:
    """A length in tenths of a pixel, as short as SVG allows: 12 → "1.2", -5 → "-.5", 30 → "3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


def _join(numbers: list[str]) -> str:
    out = []
    for i, n in enumerate(numbers):
        # A minus sign separates numbers by itself, and so does a second decimal point
        # (".5.5" is two numbers) but not every reader knows that: keep the space there.
        if i and not n.startswith("-"):
            out.append(" ")
        out.append(n)
    return "".join(out)


def _ring_path(coords) -> str:
    points = np.rint(np.asarray(coords)[:, :2] * 10).astype(int)
    kept = [points[0]]
    for p in points[1:]:
        if p[0] != kept[-1][0] or p[1] != kept[-1][1]:
            kept.append(p)
    if len(kept) > 1 and kept[-1][0] == kept[0][0] and kept[-1][1] == kept[0][1]:
        kept.pop()  # "z" closes the ring
    if len(kept) < 3:
        return ""
    start = _join([_tenths(int(kept[0][0])), _tenths(int(kept[0][1]))])
    deltas = []
    for a, b in zip(kept, kept[1:]):
        deltas += [_tenths(int(b[0] - a[0])), _tenths(int(b[1] - a[1]))]
    return f"M{start}l{_join(deltas)}z"


def path_data(pixel_geometry: BaseGeometry) -> str:
    """SVG path data (``fill-rule: evenodd``) of every ring of a geometry already in pixels."""
    rings = []
    for polygon in _polygons(pixel_geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            d = _ring_path(ring.coords)
            if d:
                rings.append(d)
    return "".join(rings)


def _scale_bar(projection: Projection) -> str:
    """A bar of a round length (1, 2 or 5 × 10ⁿ km) about a quarter of the map wide."""
    target_km = projection.km_per_pixel * projection.width / 4
    magnitude = 10 ** math.floor(math.log10(target_km))
    length_km = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target_km)
    px = length_km / projection.km_per_pixel
    label = f"{round(length_km * 1000)} m" if length_km < 1 else f"{length_km:g} km"
    x, y = MAP_PADDING, projection.height - 6
    return (f'<g font-family="sans-serif" font-size="11" fill="#222"><path d="M{x} {y - 4}v4h{px:.1f}v-4" fill="none" '
            f'stroke="#222" stroke-width="1.5"/><text x="{x + 3}" y="{y - 6}" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{label}</text></g>')


def _pin(x: float, y: float) -> str:
    """A drop-shaped marker whose tip is the point."""
    return (f'<g transform="translate({x:.1f} {y:.1f})"><path d="M0 0-6-13A7 7 0 1 1 6-13z" fill="{PIN_FILL}" '
            f'stroke="#fff" stroke-width="1.5"/><circle cy="-16.6" r="2.5" fill="#fff"/></g>')


def render_svg(geometry: BaseGeometry, projection: Projection, *, title: str,
               pin: tuple[float, float] | None = None, max_bytes: int = MAX_SVG_BYTES) -> str:
    """The map as an SVG document: the region's polygon (holes, such as an enclave city,
    show as outside), a scale bar, and a marker at ``pin`` (lat, lon) when it falls on the
    map. The polygon is simplified until the document fits ``max_bytes``."""
    w, h = projection.width, projection.height
    pixels = _to_pixels(geometry, projection)
    marker = ""
    if pin is not None:
        px, py = projection.to_pixel(*pin)
        if projection.in_frame(px, py):
            marker = _pin(px, py)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
            f"<title>{escape(title)}</title>"
            f'<rect width="{w}" height="{h}" fill="{OUTSIDE_FILL}"/>')
    tail = f"{_scale_bar(projection)}{marker}</svg>"
    parts = _polygons(pixels)
    areas = shapely.area(np.asarray(parts, dtype=object)) if parts else np.zeros(0)
    largest = int(np.argmax(areas)) if parts else -1
    tolerance = TOLERANCE_PX
    for _ in range(12):
        # Islets smaller than the tolerance squared cannot be seen or clicked: dropped
        # (never the largest part), which is what lets an archipelago fit.
        kept = [p for i, p in enumerate(parts) if i == largest or areas[i] >= tolerance * tolerance]
        d = path_data(MultiPolygon(kept).simplify(tolerance, preserve_topology=True)) if kept else ""
        svg = (f'{head}<path d="{d}" fill="{REGION_FILL}" fill-rule="evenodd" stroke="{BORDER}" stroke-width="1.2" '
               f'stroke-linejoin="round"/>{tail}')
        if len(svg.encode()) <= max_bytes:
            break
        tolerance *= 1.6
    return svg
