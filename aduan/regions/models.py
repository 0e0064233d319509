"""Kemendagri regions: provinsi ``31``, kabupaten/kota ``31.73``, kecamatan ``31.73.01``,
desa/kelurahan ``31.73.01.1001``. The code is the primary key, so every row elsewhere
names a region the way officials and the Kemendagri decree do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    timezone = models.CharField(max_length=32, default="Asia/Jakarta")
    # Inhabitants (wilayah_penduduk.csv; provinces and regencies/cities only), for rates per 100,000.
    population = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def province_code(self) -> str:
        return self.code.split(".")[0]

    def ancestor_codes(self) -> list[str]:
        """Own code and every ancestor's, nearest first: 31.73.01 → [31.73.01, 31.73, 31]."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


class RegionBoundary(models.Model):
    """Simplified boundary polygon (WKB) of a province or regency/city, for point lookup."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, primary_key=True, related_name="boundary")
    geometry_wkb = models.BinaryField()
    label_lat = models.FloatField(null=True, blank=True)
    label_lng = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"boundary {self.region_id}"
