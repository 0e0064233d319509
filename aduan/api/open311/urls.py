"""Open311 GeoReport v2 under /open311/v2/ (JSON and XML).

Every resource takes its format as a suffix (``services.xml``, ``requests/2611-K7QX-M9P3.json``);
``views.endpoint`` answers an unknown suffix with 404.
"""

from django.urls import re_path

from . import views

app_name = "open311"

_FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + _FMT, views.discovery, name="discovery"),
    re_path(r"^services" + _FMT, views.services, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + _FMT, views.service_definition_view, name="service_definition"),
    re_path(r"^requests" + _FMT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + _FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + _FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + _FMT, views.updates_view, name="updates"),
]
