"""factory_boy factories for directory objects and users; reports are always created
through ``report_submit`` so tests exercise the real write path."""

from __future__ import annotations

from datetime import date

import factory

from aduan.accounts.models import Membership, User
from aduan.agencies.models import Agency, Category
from aduan.regions.models import Region
from aduan.reports.services.submit import ReportDraft, report_submit


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 89}")
    name = factory.Sequence(lambda n: f"Wilayah {n}")
    level = Region.Level.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Instansi Uji {n}")
    slug = factory.Sequence(lambda n: f"instansi-uji-{n}")
    kind = Agency.Kind.UNIT


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")


def member(role: str, agency: Agency | None = None, *, username: str | None = None, include_descendants: bool = True) -> User:
    user = UserFactory(username=username or f"{role}-{agency.slug if agency else 'nasional'}")
    Membership.objects.get_or_create(user=user, agency=agency, role=role, defaults={"include_descendants": include_descendants})
    return user


def submit(*, actor=None, now=None, **overrides):
    """Submit a report through the service; returns (report, token)."""
    fields = {
        "title": "Jalan berlubang di depan sekolah",
        "body": "Lubang besar di jalan sejak dua minggu, membahayakan pengendara motor.",
        "incident_date": date(2026, 11, 20),
    }
    if actor is None:
        fields.update(reporter_name="Warga Uji", reporter_email="warga@example.test")
    fields.update(overrides)
    result = report_submit(draft=ReportDraft(**fields), actor=actor, now=now)
    return result.report, result.token
