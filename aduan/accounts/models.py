from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency

from .permissions import Role


class User(AbstractUser):
    """Citizens and officials alike. Officials get their powers only through memberships."""

    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True, db_index=True)

    class NotifyChannel(models.TextChoices):
        DEFAULT = "", _("Kanal yang dipakai saat melapor")
        EMAIL = "email", _("Surel")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Digest(models.TextChoices):
        IMMEDIATE = "immediate", _("Setiap kejadian, segera")
        DAILY = "daily", _("Ringkasan harian")
        OFF = "off", _("Tidak usah dikirimi surel")

    # A citizen with an account chooses where progress on their reports is sent.
    notify_channel = models.CharField(_("kirim kabar laporan lewat"), max_length=10, blank=True,
                                      choices=NotifyChannel.choices, default=NotifyChannel.DEFAULT)
    # Officials: e-mail for new assignments, approaching deadlines and escalations.
    email_digest = models.CharField(_("surel tugas untuk petugas"), max_length=10, choices=Digest.choices,
                                    default=Digest.IMMEDIATE)

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships",
        help_text=_("Kosong berarti lingkup nasional."),
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    include_descendants = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_membership"),
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(role__in=[Role.NATIONAL_ADMIN, Role.VERIFIER, Role.AUDITOR]),
                name="membership_national_roles_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency or 'nasional'}"


class LoginCode(models.Model):
    """A one-time sign-in code for citizens (e-mail or phone). Only a hash is stored."""

    identifier = models.CharField(max_length=254, db_index=True)  # normalised e-mail or +62… phone
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["identifier", "created_at"])]
