"""Loading the Kemendagri region tree and its boundary polygons.

Source: ``wilayah-kemendagri/`` in the shared data folder (see its SOURCE.md): every code of
Kepmendagri 300.2.2-2138/2025 (38 provinces, 514 kabupaten/kota, 7,285 kecamatan, 83,762
desa/kelurahan) and simplified polygons for provinces and kabupaten/kota.

The loader is idempotent: rows are upserted by code in batches (``bulk_create`` with
``update_conflicts``, which is ``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL),
so running it again gives the same rows. When the database already holds exactly what the
files describe, it does nothing unless forced.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from shapely.geometry import MultiPolygon, Polygon, shape
from tqdm import tqdm

from aduan.core.errors import ValidationFailed

from .boundaries import boundaries_reset_cache
from .models import Region, RegionBoundary

WILAYAH_FOLDER = "wilayah-kemendagri"
WILAYAH_CSV = "wilayah.csv"
POPULATION_CSV = "wilayah_penduduk.csv"
BOUNDARY_FILES = ("batas_provinsi.geojson.gz", "batas_kabupaten_kota.geojson.gz")

# ``level`` column of wilayah.csv → Region.Level.
LEVELS: dict[str, int] = {
    "provinsi": Region.Level.PROVINCE,
    "kabupaten_kota": Region.Level.REGENCY,
    "kecamatan": Region.Level.DISTRICT,
    "desa_kelurahan": Region.Level.VILLAGE,
}
LEVEL_KEYS: dict[int, str] = {
    Region.Level.PROVINCE: "province",
    Region.Level.REGENCY: "regency",
    Region.Level.DISTRICT: "district",
    Region.Level.VILLAGE: "village",
}

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"

# Keppres 41/1987 (pembagian wilayah Indonesia menjadi tiga wilayah waktu), by province code;
# provinces created since then keep the zone of the province they were split from
# (Kalimantan Utara from Kalimantan Timur, Gorontalo from Sulawesi Utara, Sulawesi Barat from
# Sulawesi Selatan, Maluku Utara from Maluku, the Papua provinces of 2022 from Papua/Papua Barat).
_WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})
_WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})

BATCH_SIZE = 2000

T = TypeVar("T")


def timezone_for_code(code: str) -> str:
    """IANA time zone of a Kemendagri region code, decided by its province (first segment).

    WIT (``Asia/Jayapura``): Maluku, Maluku Utara and the six Papua provinces.
    WITA (``Asia/Makassar``): Bali, NTB, NTT, Kalimantan Selatan/Timur/Utara and Sulawesi.
    WIB (``Asia/Jakarta``): everything else — Sumatra, Java, Kalimantan Barat/Tengah —
    and any code that names no known province.

    >>> timezone_for_code("91.06"), timezone_for_code("51.71.01"), timezone_for_code("31")
    ('Asia/Jayapura', 'Asia/Makassar', 'Asia/Jakarta')
    """
    province = (code or "").strip().split(".")[0]
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB


def wilayah_dir(data_dir: str | Path | None = None) -> Path:
    """The folder holding wilayah.csv. Accepts that folder itself or the shared data root."""
    base = Path(data_dir) if data_dir else Path(settings.SHARED_DATA_DIR)
    for candidate in (base, base / WILAYAH_FOLDER):
        if (candidate / WILAYAH_CSV).is_file():
            return candidate
    raise ValidationFailed(
        f"Berkas {WILAYAH_CSV} tidak ditemukan di {base} maupun {base / WILAYAH_FOLDER}.",
        code="regions_data_missing",
    )


def wilayah_rows(folder: Path) -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent code) for every row of wilayah.csv, parents before children."""
    rows: list[tuple[str, str, int, str | None]] = []
    with open(folder / WILAYAH_CSV, encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            try:
                level = LEVELS[row["level"].strip()]
            except KeyError:
                raise ValidationFailed(
                    f"{WILAYAH_CSV} baris {line_no}: tingkat wilayah '{row['level']}' tidak dikenal.",
                    code="regions_bad_row",
                ) from None
            code = row["kode"].strip()
            # A few upstream names carry trailing spaces ("Kota Administrasi Jakarta Utara ").
            rows.append((code, " ".join(row["nama"].split()), level, row["kode_induk"].strip() or None))
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def _boundary_features(folder: Path) -> list[dict]:
    features: list[dict] = []
    for name in BOUNDARY_FILES:
        path = folder / name
        if not path.is_file():
            raise ValidationFailed(f"Berkas batas wilayah {path} tidak ditemukan.", code="regions_data_missing")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            features.extend(json.load(fh)["features"])
    return features


def boundary_geometry(geometry: dict) -> MultiPolygon:
    """A valid MultiPolygon from a GeoJSON geometry.

    The simplified upstream polygons are often invalid: enclaves stored as nested outer
    rings (Kota Magelang inside Kabupaten Magelang), self-intersections, degenerate rings.
    ``make_valid`` turns nested shells into holes, so a point in an enclave city no longer
    also falls inside the surrounding regency.
    """
    geom = shape(geometry)
    if not geom.is_valid:
        try:
            geom = shapely.make_valid(geom)
        except shapely.errors.GEOSException:
            geom = shapely.union_all([shapely.make_valid(part) for part in getattr(geom, "geoms", [geom])])
    polygons: list[Polygon] = []
    for part in getattr(geom, "geoms", [geom]):
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    return MultiPolygon(polygons)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def regions_counts() -> dict[str, int]:
    """Rows per level in the database, plus total and boundaries."""
    per_level = dict(Region.objects.order_by().values_list("level").annotate(n=Count("pk")))
    counts = {key: per_level.get(level, 0) for level, key in LEVEL_KEYS.items()}
    counts["total"] = sum(per_level.values())
    counts["boundaries"] = RegionBoundary.objects.count()
    return counts


def regions_load(*, data_dir: str | Path | None = None, force: bool = False, progress: bool = True) -> dict:
    """Load wilayah.csv into Region and the boundary files into RegionBoundary.

    Returns the counts now in the database (``province``, ``regency``, ``district``,
    ``village``, ``total``, ``boundaries``) and ``skipped``: True when the database already
    matched the files and nothing was written (pass ``force=True`` to write anyway).
    """
    folder = wilayah_dir(data_dir)
    rows = wilayah_rows(folder)
    features = _boundary_features(folder)

    expected = Counter(level for _, _, level, _ in rows)
    expected_counts = {key: expected.get(level, 0) for level, key in LEVEL_KEYS.items()}
    expected_counts["total"] = len(rows)
    expected_counts["boundaries"] = len(features)
    if not force and regions_counts() == expected_counts:
        population = regions_population_load(folder)
        return {**expected_counts, "population": population, "skipped": True}

    codes = {code for code, _, _, _ in rows}
    with transaction.atomic():
        with tqdm(total=len(rows), desc="Wilayah", unit=" baris", disable=not progress) as bar:
            for batch in _batches(rows, BATCH_SIZE):
                Region.objects.bulk_create(
                    [
                        Region(code=code, name=name, level=level, parent_id=parent, timezone=timezone_for_code(code))
                        for code, name, level, parent in batch
                    ],
                    batch_size=BATCH_SIZE,
                    update_conflicts=True,
                    unique_fields=["code"],
                    update_fields=["name", "level", "parent", "timezone"],
                )
                bar.update(len(batch))

        with tqdm(total=len(features), desc="Batas wilayah", unit=" poligon", disable=not progress) as bar:
            for batch in _batches(features, 100):
                objs = []
                for feature in batch:
                    props = feature["properties"]
                    code = str(props["kode"]).strip()
                    if code not in codes:
                        raise ValidationFailed(
                            f"Batas wilayah untuk kode {code} tidak punya baris di {WILAYAH_CSV}.",
                            code="regions_bad_boundary",
                        )
                    objs.append(RegionBoundary(
                        region_id=code,
                        geometry_wkb=boundary_geometry(feature["geometry"]).wkb,
                        label_lat=props.get("lat"),
                        label_lng=props.get("lng"),
                    ))
                RegionBoundary.objects.bulk_create(
                    objs,
                    batch_size=100,
                    update_conflicts=True,
                    unique_fields=["region"],
                    update_fields=["geometry_wkb", "label_lat", "label_lng"],
                )
                bar.update(len(batch))
        transaction.on_commit(boundaries_reset_cache)
    # Also drop the cache now: inside an outer transaction (tests) on_commit waits for it.
    boundaries_reset_cache()
    population = regions_population_load(folder)
    return {**regions_counts(), "population": population, "skipped": False}


def regions_population_load(folder: Path) -> int:
    """Set ``Region.population`` from wilayah_penduduk.csv (provinces and regencies/cities);
    returns how many regions got a figure. Cheap, so it runs on every load: a database
    loaded before the column existed gets its figures on the next ``regions_load``."""
    path = folder / POPULATION_CSV
    if not path.is_file():
        return 0
    figures: dict[str, int] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            code = row["kode"].strip()
            if code == "0":  # the national total
                continue
            try:
                figures[code] = int(row["total"])
            except (TypeError, ValueError):
                raise ValidationFailed(
                    f"{POPULATION_CSV} baris {line_no}: jumlah penduduk '{row['total']}' bukan angka.",
                    code="regions_bad_row",
                ) from None
    regions = list(Region.objects.filter(code__in=figures).only("code", "population"))
    changed = [r for r in regions if r.population != figures[r.code]]
    for region in changed:
        region.population = figures[region.code]
    Region.objects.bulk_update(changed, ["population"], batch_size=500)
    return len(regions)
