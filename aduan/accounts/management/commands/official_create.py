"""Create (or update) an official and grant a role, e.g. the first national administrator:

    python manage.py official_create --username admin --role national_admin
    python manage.py official_create --username dishub --role liaison_officer --agency dishub-kota-semarang
"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from aduan.accounts.models import User
from aduan.accounts.permissions import Role
from aduan.accounts.services import membership_grant
from aduan.agencies.models import Agency
from aduan.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an official account and grant it a role (national or on an agency)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--agency", help="agency slug; omit for a national role")
        parser.add_argument("--email", default="")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password-env", default="ADUAN_OFFICIAL_PASSWORD",
                            help="environment variable holding the password (asked interactively if unset)")

    def handle(self, *args, **opts):
        agency = None
        if opts["agency"]:
            agency = Agency.objects.filter(slug=opts["agency"]).first()
            if agency is None:
                raise CommandError(f"Instansi dengan slug {opts['agency']!r} tidak ditemukan.")
        user, created = User.objects.get_or_create(username=opts["username"], defaults={
            "email": opts["email"], "full_name": opts["full_name"]})
        password = os.environ.get(opts["password_env"])
        if created or password:
            if not password:
                password = getpass.getpass("Kata sandi: ")
            user.set_password(password)
            user.save()
        try:
            membership_grant(actor=None, user=user, role=opts["role"], agency=agency, bootstrap=True)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.field_errors}") from exc
        self.stdout.write(self.style.SUCCESS(f"{user.username}: {opts['role']} · {agency or 'nasional'}"))
