"""Test settings: the database comes from DATABASE_URL (SQLite by default, PostgreSQL in CI's second run).

Huey is not put in immediate mode: tests call tasks' services explicitly, so on-commit bugs stay visible.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aduan-test-media-"))
HUEY = {"huey_class": "huey.MemoryHuey", "name": "aduan-test", "immediate": False}

# A file (not :memory:) so that threaded tests share one database, as two web workers would.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="aduan-test-db-")) / "test.sqlite3")}  # noqa: F405
ADUAN_SMS_BACKEND = "locmem"  # aduan.notifications.sms.outbox, like mail.outbox
# Models trained in a developer's var/ must not route the tests' reports.
ADUAN_ROUTING_MODEL_DIR = Path(tempfile.mkdtemp(prefix="aduan-test-models-"))
# Tests build the duplicate index inline; tests/reports/test_duplicate_candidates.py covers the background build.
ADUAN_DUPLICATE_INDEX_BUILD = "sync"
