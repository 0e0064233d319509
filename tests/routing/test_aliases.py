"""Agency names in imported data → directory agencies (aduan/routing/aliases.py) and the
``agency_aliases_match`` command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from aduan.accounts.permissions import Role
from aduan.agencies.models import Agency, AgencyCoverage
from aduan.audit.models import AuditLog
from aduan.routing.aliases import AliasIndex, agency_match, normalise_agency_name
from tests.agencies.conftest import demo_regions, wilayah_by_code  # noqa: F401  (fixtures)
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_regions):  # noqa: F811
    from aduan.agencies.services import directory_load_demo

    directory_load_demo(progress=False)
    return {a.slug: a for a in Agency.objects.all()}


def slug_of(name: str, **kwargs) -> str | None:
    match = agency_match(name, **kwargs)
    return match.agency.slug if match.agency else None


# --- the two examples of the issue --------------------------------------------------------

def test_the_issue_examples_match_their_agencies(demo):
    dpu_prov = agency_match("DPU BINMAR CIPKA")
    dpu_kota = agency_match("Dinas Pekerjaan Umum Kota Semarang")
    assert (dpu_prov.agency.slug, dpu_prov.via) == ("dpu-binmar-cipka-jateng", "alias")  # LaporGub!'s spelling
    assert (dpu_kota.agency.slug, dpu_kota.via) == ("dpu-kota-semarang", "name")
    assert agency_match("BPJS Kesehatan KC Palangkaraya").agency.slug == "bpjs-kesehatan-kc-palangkaraya"


def test_case_and_spacing_do_not_matter_for_an_exact_alias(demo):
    match = agency_match("  dpu   binmar cipka ")
    assert (match.agency.slug, match.via) == ("dpu-binmar-cipka-jateng", "alias")
    assert agency_match("dinas perhubungan kabupaten kabupaten kendal").via == "alias"


# --- abbreviations ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "slug"), [
    ("Dinas PU Bina Marga dan Cipta Karya", "dpu-binmar-cipka-jateng"),
    ("Dinas Pekerjaan Umum Bina Marga & Cipta Karya Prov. Jateng", "dpu-binmar-cipka-jateng"),
    ("Dispendukcapil Kota Semarang", "disdukcapil-kota-semarang"),
    ("Dinas Kependudukan dan Catatan Sipil Kota Bandung", "disdukcapil-kota-bandung"),
    ("Pemkot. Semarang", "pemkot-semarang"),
    ("Pemerintah Kab. Demak", "pemkab-demak"),
    ("Din. Kesehatan Kab. Kendal", "dinkes-kendal"),
    ("Kantor Cabang BPJS Kesehatan Palangkaraya", "bpjs-kesehatan-kc-palangkaraya"),
    ("Kemen. Sosial", "kemensos"),
    ("Kementrian Sosial", "kemensos"),
    ("Kanwil Kemenkumham Jabar", "kanwil-kemenkumham-jabar"),
    ("Pemerintah Kota Semarang - Program BPNT Rastra", "pemkot-semarang"),
    ("Kecamatan Tembalang", "kecamatan-tembalang-semarang"),
])
def test_abbreviations_and_variants_match(demo, name, slug):
    match = agency_match(name)
    assert match.agency is not None and match.agency.slug == slug, (name, match.via, match.candidates)
    assert match.via in {"normalised", "similarity"}


def test_normalisation_expands_the_common_abbreviations():
    assert normalise_agency_name("Dispendukcapil Kab. Kendal") == "dinas kependudukan pencatatan sipil kabupaten kendal"
    assert normalise_agency_name("DPU BINMAR CIPKA") == "dinas pekerjaan umum bina marga cipta karya"
    assert normalise_agency_name("BPJS Kesehatan KC Palu") == "badan penyelenggara jaminan sosial kesehatan kantor cabang palu"
    assert normalise_agency_name("PT PLN (Persero)") == "pln"


# --- what must not match ------------------------------------------------------------------

def test_a_name_fitting_several_agencies_is_ambiguous_with_candidates(demo):
    match = agency_match("Dinas Kependudukan dan Pencatatan Sipil")
    assert match.agency is None and match.via == "ambiguous"
    expected = {"disdukcapil-kota-semarang", "disdukcapil-kota-bandung", "disdukcapil-kendal"}
    assert expected <= {a.slug for a, _ in match.candidates}


def test_two_agencies_sharing_an_alias_is_ambiguous(demo):
    for slug in ("dinsos-kota-semarang", "dinsos-bojonegoro"):
        Agency.objects.filter(slug=slug).update(aliases=["Dinsos"])
    match = agency_match("Dinsos")
    assert match.agency is None and match.via == "ambiguous" and len(match.candidates) == 2


@pytest.mark.parametrize("name", [
    "Dinas Kesehatan Kabupaten Kediri",  # same kind of office, another regency
    "Dinas Pekerjaan Umum Kabupaten Semarang",  # Kabupaten Semarang is not Kota Semarang
    "Dinas Pekerjaan Umum dan Perumahan Rakyat",  # a dinas is not the ministry
    "BPJS Ketenagakerjaan Kacab Bekasi Kota",  # another branch than Bekasi Cikarang
    "Kanwil Kementerian Hukum dan HAM Kalimantan Barat",  # not Jawa Barat
    "Dinas Penanaman Modal dan PTSP Kab. Bojonegoro",  # a regency's office, not the province's
    "Kecamatan Bojonegoro",  # a district, not the regency
])
def test_different_agencies_with_similar_names_do_not_match(demo, name):
    assert agency_match(name).agency is None


def test_within_restricts_matching_to_a_subtree(demo):
    assert slug_of("Dinas Sosial") == "dinsos-jateng"  # a LaporGub! alias of the province's dinas
    assert slug_of("Dinas Sosial", within=demo["pemkot-semarang"]) is None
    assert slug_of("Dinas Sosial Kota Semarang", within=demo["pemkot-semarang"]) == "dinsos-kota-semarang"


# --- the command --------------------------------------------------------------------------

def write_csv(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "agencies.csv"
    path.write_text("agency_yth,n\n" + "".join(f'"{n}",1\n' for n in names), encoding="utf-8")
    return path


def test_command_counts_and_applies_confirmed_aliases(demo, tmp_path):
    path = write_csv(tmp_path, ["DPU BINMAR CIPKA", "Dispendukcapil Kota Semarang", "Dinas Kependudukan dan Pencatatan Sipil",
                                "Kantor Tidak Dikenal Sama Sekali"])
    out = StringIO()
    call_command("agency_aliases_match", csv=str(path), column="agency_yth", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (figures["names"], figures["matched"], figures["ambiguous"], figures["unmatched"]) == (4, 2, 1, 1)
    assert "Dispendukcapil Kota Semarang" not in Agency.objects.get(slug="disdukcapil-kota-semarang").aliases

    admin = member(Role.NATIONAL_ADMIN, username="admin-alias")
    out = StringIO()
    call_command("agency_aliases_match", csv=str(path), column="agency_yth", apply=True, username=admin.username, stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["aliases_added"] == 1
    agency = Agency.objects.get(slug="disdukcapil-kota-semarang")
    assert "Dispendukcapil Kota Semarang" in agency.aliases
    assert AuditLog.objects.filter(action="agency_update", object_id=str(agency.pk), actor=admin).exists()
    assert agency_match("Dispendukcapil Kota Semarang").via == "alias"


def test_apply_needs_an_official_who_may_edit_the_agency(demo, tmp_path):
    path = write_csv(tmp_path, ["Dispendukcapil Kota Semarang"])
    with pytest.raises(CommandError):
        call_command("agency_aliases_match", csv=str(path), column="agency_yth", apply=True, stdout=StringIO())
    bandung_admin = member(Role.AGENCY_ADMIN, Agency.objects.get(slug="pemkot-bandung"), username="admin-bandung")
    out = StringIO()
    call_command("agency_aliases_match", csv=str(path), column="agency_yth", apply=True,
                 username=bandung_admin.username, stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["aliases_added"] == 0
    assert "Dispendukcapil Kota Semarang" not in Agency.objects.get(slug="disdukcapil-kota-semarang").aliases


def test_unknown_column_is_a_clear_error(demo, tmp_path):
    with pytest.raises(CommandError, match="Kolom"):
        call_command("agency_aliases_match", csv=str(write_csv(tmp_path, ["x"])), column="nama", stdout=StringIO())


LAPOR_AGENCIES = settings.SHARED_DATA_DIR / "lapor-stream-2017" / "agencies_yth_80.csv"


@pytest.mark.skipif(not LAPOR_AGENCIES.exists(), reason="shared LAPOR! data absent")
def test_every_demo_agency_sourced_from_lapor_matches_its_own_name(demo):
    """Agency names (not citizens' texts) from the shared CSV: each demo agency sourced from
    it is found again, and no name matches two ways."""
    from aduan.agencies.demo_directory import AGENCIES

    index = AliasIndex()
    sourced = {seed.source_name.strip(): seed.slug for seed in AGENCIES if seed.source_name}
    names = [line.rsplit(",", 1)[0].strip('"') for line in LAPOR_AGENCIES.read_text(encoding="utf-8").splitlines()[1:]]
    found = {name: agency_match(name, index=index) for name in names}
    for name, slug in sourced.items():
        if name in found:
            assert found[name].agency is not None and found[name].agency.slug == slug, name
