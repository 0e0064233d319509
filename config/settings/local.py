"""Laptop defaults: SQLite under var/, file-backed queue, console e-mail."""

from .base import *  # noqa: F401,F403
from .base import env_bool
import os

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
