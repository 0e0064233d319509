"""The public directory: agencies (one tree), categories, Kemendagri regions.

Everything here is public data edited by administrators (rule of the house 7); inactive
agencies and categories are left out, as on the portal's pages (``portal.public_selectors``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from aduan.agencies.models import Agency, Category
from aduan.core.errors import NotFound, ValidationFailed
from aduan.portal.public_selectors import agencies_children_public, agency_get_public, region_get_public, regions_ancestors
from aduan.regions.models import Region

from .base import IdempotentAPIView
from .pagination import PAGINATION_PARAMETERS, Key, paginate
from .serializers import (
    AgencyDetailSerializer,
    AgencyFilterSerializer,
    AgencyPage,
    AgencyRowSerializer,
    CategoryPage,
    CategorySerializer,
    RegionDetailSerializer,
    RegionPage,
    RegionSerializer,
    error_responses,
)
from .throttles import ClientRateThrottle

TAG_DIRECTORY = "Direktori"
BY_NAME = (Key("name"), Key("id"))
BY_CODE = (Key("code"),)
SLUG_PARAMETER = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Slug instansi, mis. pemkot-semarang.")
CODE_PARAMETER = OpenApiParameter("code", str, OpenApiParameter.PATH, description="Kode wilayah Kemendagri, mis. 33.74.")


# --- Reads (small, public) ---------------------------------------------------------------

def agencies_public(*, q: str = "", kind: str = "", parent: Agency | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True).select_related("parent")
    if q:
        agencies = agencies.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if kind:
        agencies = agencies.filter(kind=kind)
    if parent is not None:
        agencies = agencies.filter(parent=parent)
    return agencies


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


def _agency_row(agency: Agency) -> dict:
    return {
        "slug": agency.slug, "name": agency.name, "short_name": agency.short_name, "kind": agency.kind,
        "parent": agency.parent.slug if agency.parent_id else None, "accepts_reports": agency.accepts_reports,
    }


def _region_row(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level, "parent": region.parent_id,
            "timezone": region.timezone}


class DirectoryView(IdempotentAPIView):
    parser_classes = [JSONParser]
    throttle_classes = [ClientRateThrottle]


class AgencyListView(DirectoryView):
    @extend_schema(
        operation_id="agencies_list", tags=[TAG_DIRECTORY], summary="Daftar instansi", auth=[],
        parameters=[AgencyFilterSerializer, *PAGINATION_PARAMETERS],
        responses={200: AgencyPage, **error_responses(400, 429)},
    )
    def get(self, request):
        filters = AgencyFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        parent = None
        if f.get("parent"):
            parent = Agency.objects.filter(slug=f["parent"], is_active=True).first()
            if parent is None:
                raise ValidationFailed(field_errors={"parent": [_("Instansi induk tidak dikenal.")]})
        page = paginate(request, agencies_public(q=f.get("q", "").strip(), kind=f.get("kind", ""), parent=parent), BY_NAME)
        return Response(page.envelope(AgencyRowSerializer([_agency_row(a) for a in page.items], many=True).data))


class AgencyDetailView(DirectoryView):
    @extend_schema(
        operation_id="agency_get", tags=[TAG_DIRECTORY], summary="Satu instansi, unit kerjanya dan wilayah kewenangannya",
        auth=[], parameters=[SLUG_PARAMETER], responses={200: AgencyDetailSerializer, **error_responses(404, 429)},
    )
    def get(self, request, slug: str):
        agency = agency_get_public(slug=slug)
        if agency is None:
            raise NotFound()
        data = _agency_row(agency)
        data["parent_name"] = agency.parent.name if agency.parent_id else None
        data["units"] = [_agency_row(unit) for unit in agencies_children_public(agency=agency)]
        data["coverage"] = [{"code": c.region.code, "name": c.region.name}
                            for c in agency.coverage.select_related("region").order_by("region__code")]
        return Response(AgencyDetailSerializer(data).data)


class CategoryListView(DirectoryView):
    @extend_schema(
        operation_id="categories_list", tags=[TAG_DIRECTORY], summary="Daftar kategori", auth=[],
        parameters=PAGINATION_PARAMETERS, responses={200: CategoryPage, **error_responses(400, 429)},
    )
    def get(self, request):
        page = paginate(request, categories_active(), BY_NAME)
        rows = [{"slug": c.slug, "name": c.name, "description": c.description,
                 "parent": c.parent.slug if c.parent_id else None, "default_tier": c.default_tier} for c in page.items]
        return Response(page.envelope(CategorySerializer(rows, many=True).data))


class RegionListView(DirectoryView):
    @extend_schema(
        operation_id="regions_list", tags=[TAG_DIRECTORY], summary="Provinsi", auth=[],
        parameters=PAGINATION_PARAMETERS, responses={200: RegionPage, **error_responses(400, 429)},
    )
    def get(self, request):
        page = paginate(request, Region.objects.filter(level=Region.Level.PROVINCE), BY_CODE)
        return Response(page.envelope(RegionSerializer([_region_row(r) for r in page.items], many=True).data))


def _region(code: str) -> Region:
    region = region_get_public(code=code)
    if region is None:
        raise NotFound()
    return region


class RegionDetailView(DirectoryView):
    @extend_schema(
        operation_id="region_get", tags=[TAG_DIRECTORY], summary="Satu wilayah dan induknya", auth=[],
        parameters=[CODE_PARAMETER], responses={200: RegionDetailSerializer, **error_responses(404, 429)},
    )
    def get(self, request, code: str):
        region = _region(code)
        data = _region_row(region)
        data["ancestors"] = [{"code": r.code, "name": r.name} for r in regions_ancestors(region=region)]
        data["children_count"] = region.children.count()
        return Response(RegionDetailSerializer(data).data)


class RegionChildrenView(DirectoryView):
    @extend_schema(
        operation_id="region_children", tags=[TAG_DIRECTORY], summary="Wilayah di bawah satu wilayah", auth=[],
        parameters=[CODE_PARAMETER, *PAGINATION_PARAMETERS],
        responses={200: RegionPage, **error_responses(400, 404, 429)},
    )
    def get(self, request, code: str):
        region = _region(code)
        page = paginate(request, Region.objects.filter(parent=region), BY_CODE)
        return Response(page.envelope(RegionSerializer([_region_row(r) for r in page.items], many=True).data))
