"""REST API v1: citizens, the public, officials' and agency systems' work, the directory,
API keys; the OpenAPI document (``schema/``) and its human-readable reference (``docs/``).

Every other path under /api/v1/ answers 404 in the API's error body, not an HTML page."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView

from . import views_citizen as citizen
from . import views_devices
from . import views_directory as directory
from . import views_keys as keys
from . import views_official as official
from .docs import api_docs
from .errors import error_body


def not_found(request, rest=""):
    return JsonResponse(error_body("not_found", _("Alamat API tidak dikenal.")), status=404)


app_name = "api_v1"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    # Citizens' sign-in.
    path("auth/code/", citizen.AuthCodeView.as_view(), name="auth_code"),
    path("auth/token/", citizen.AuthTokenView.as_view(), name="auth_token"),
    # Reports: submit, track, the reporter's own, actions (reporter or official), staff detail.
    path("reports/", citizen.ReportSubmitView.as_view(), name="reports"),
    path("reports/track/", citizen.ReportTrackView.as_view(), name="report_track"),
    path("reports/<int:id>/", official.StaffReportView.as_view(), name="staff_report"),
    path("reports/<str:report>/actions/", official.ReportActionView.as_view(), name="report_actions"),
    path("me/reports/", citizen.MyReportsView.as_view(), name="my_reports"),
    path("me/reports/<str:reference>/", citizen.MyReportView.as_view(), name="my_report"),
    # Public read.
    path("public/reports/", citizen.PublicReportListView.as_view(), name="public_reports"),
    path("public/reports/similar/", citizen.PublicReportSimilarView.as_view(), name="public_reports_similar"),
    path("public/reports/<str:reference>/", citizen.PublicReportView.as_view(), name="public_report"),
    path("public/reports/<str:reference>/support/", citizen.PublicReportSupportView.as_view(), name="public_report_support"),
    # Officials' inboxes (agency keys).
    path("inbox/", official.InboxCountsView.as_view(), name="inbox_counts"),
    re_path(r"^inbox/(?P<inbox>verification|agency|overdue|escalated)/$", official.InboxView.as_view(), name="inbox"),
    # Directory.
    path("agencies/", directory.AgencyListView.as_view(), name="agencies"),
    path("agencies/<str:slug>/", directory.AgencyDetailView.as_view(), name="agency"),
    path("agencies/<str:slug>/keys/", keys.AgencyKeysView.as_view(), name="agency_keys"),
    path("agencies/<str:slug>/keys/<str:prefix>/", keys.AgencyKeyView.as_view(), name="agency_key"),
    path("categories/", directory.CategoryListView.as_view(), name="categories"),
    path("regions/", directory.RegionListView.as_view(), name="regions"),
    path("regions/<str:code>/", directory.RegionDetailView.as_view(), name="region"),
    path("regions/<str:code>/children/", directory.RegionChildrenView.as_view(), name="region_children"),
    path("devices/<str:identity>/observations/", views_devices.DeviceObservationView.as_view(), name="device_observations"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
