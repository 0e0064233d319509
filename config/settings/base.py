"""Settings shared by every deployment. Everything that differs is an environment variable.

See docs/settings.md for the reference of every variable.
"""

from pathlib import Path
import os

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ADUAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Real data shipped beside the checkout (regions, boundaries, agency names).
SHARED_DATA_DIR = Path(os.environ.get("ADUAN_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "aduan.core",
    "aduan.audit",
    "aduan.accounts",
    "aduan.regions",
    "aduan.agencies",
    "aduan.standards",
    "aduan.routing",
    "aduan.notifications",
    "aduan.reports",
    "aduan.portal",
    "aduan.backoffice",
    "aduan.api",
    "aduan.dispatch",
    "aduan.intake",
    "aduan.analytics",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: locks out after repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aduan.backoffice.auth.lockout_response"
LOGIN_URL = "/petugas/masuk/"
OTP_TOTP_ISSUER = "Aduan"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aduan.backoffice.context_processors.backoffice_nav",
            ],
        },
    },
]

# --- Database: SQLite in var/ by default, anything else through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'aduan.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout so the web process and the worker can share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work: Huey on SQLite by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "aduan",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "aduan",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
    }

# --- Internationalisation: Bahasa Indonesia first, English switchable; UTC stored.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aduan <no-reply@aduan.localhost>")

# Public base URL used in tracking links sent to citizens.
ADUAN_PUBLIC_URL = os.environ.get("ADUAN_PUBLIC_URL", "http://127.0.0.1:8000")

# --- Intake limits (bad input gets a clear error and nothing is stored).
ADUAN_TITLE_MAX = 200
ADUAN_BODY_MAX = int(os.environ.get("ADUAN_BODY_MAX", "10000"))
ADUAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("ADUAN_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ADUAN_ATTACHMENTS_TOTAL_MAX_BYTES = int(os.environ.get("ADUAN_ATTACHMENTS_TOTAL_MAX_BYTES", str(25 * 1024 * 1024)))
ADUAN_ATTACHMENTS_MAX_COUNT = 10
ADUAN_IMAGE_MAX_SIDE = int(os.environ.get("ADUAN_IMAGE_MAX_SIDE", "12000"))  # pixels, longest side

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The Huey consumer installs its own handler; do not print every line twice.
    "loggers": {
        "huey": {"level": "INFO", "propagate": False},
        # fpdf2 subsets fonts with fontTools, which logs every table it prunes at INFO.
        "fontTools": {"level": "WARNING"},
        # httpx logs request URLs at INFO, and the Telegram Bot API puts the bot token in
        # the URL; python-telegram-bot logs message texts at DEBUG. Neither may reach logs.
        "httpx": {"level": "WARNING"},
        "telegram": {"level": "INFO"},
    },
}

# --- REST API (issue #4) -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["aduan.api.v1.authentication.ApiKeyAuthentication",
                                       "aduan.api.v1.citizen_auth.CitizenTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser",
                               "rest_framework.parsers.FormParser"],
    "DEFAULT_THROTTLE_CLASSES": ["aduan.api.v1.throttles.ClientRateThrottle", "aduan.api.v1.throttles.SubmitRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": os.environ.get("API_RATE_KEY", "1200/min"),
        "user": os.environ.get("API_RATE_USER", "120/min"),
        "anon": os.environ.get("API_RATE_ANON", "60/min"),
        "submit_api_key": os.environ.get("API_RATE_SUBMIT_KEY", "600/min"),
        "submit": os.environ.get("API_RATE_SUBMIT", "10/min"),
        # Streamed open-data exports per client address (/data/laporan.csv|jsonl): each can
        # be a million rows; the daily dump files are the way to take everything.
        "opendata": os.environ.get("API_RATE_OPENDATA", "30/hour"),
    },
    "EXCEPTION_HANDLER": "aduan.api.v1.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aduan API",
    "DESCRIPTION": "REST API v1 of Aduan: citizens' reports, officials' and agency systems' work, the directory.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used in several serializers.
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "aduan.reports.workflow.Status.choices",
        "ReportKindEnum": "aduan.reports.models.Kind.choices",
        "AgencyKindEnum": "aduan.api.v1.serializers.AGENCY_KINDS",
        "ResolutionTierEnum": "aduan.agencies.models.ResolutionTier.choices",
        "ReporterActionEnum": "aduan.api.v1.serializers.REPORTER_ACTIONS",
        "ReportActionEnum": "aduan.api.v1.serializers.USER_ACTIONS",
    },
}

# --- Dispatch to agencies' own systems (issue #4) ----------------------------------------
ADUAN_DISPATCH_TIMEOUT = float(os.environ.get("ADUAN_DISPATCH_TIMEOUT", "10"))  # seconds per HTTP call

# --- Open311 GeoReport v2 (issue #4) -----------------------------------------------------
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "")  # empty: the public site's host
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = os.environ.get("OPEN311_KEY_SERVICE", "")
OPEN311_ENDPOINT_TYPE = os.environ.get("OPEN311_ENDPOINT_TYPE", "production")
OPEN311_MAX_RESULTS = int(os.environ.get("OPEN311_MAX_RESULTS", "1000"))  # GeoReport v2 default cap

# --- SMS intake (docs/channels.md). Empty secret/token: that webhook answers 503.
INTAKE_SMS_SECRET = os.environ.get("INTAKE_SMS_SECRET", "")  # generic signed webhook (X-Aduan-Signature)
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")  # validates X-Twilio-Signature; REST auth for sending

# --- SMS sending (outbox channel "sms", aduan/notifications/sms.py) -----------------------
ADUAN_SMS_BACKEND = os.environ.get("ADUAN_SMS_BACKEND", "console")  # console | locmem | twilio | dotted path
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")  # E.164 number or messaging sender

# --- E-mail intake (docs/channels.md) ---------------------------------------------------
# IMAP polling: empty host = polling off. The mailbox's messages are fetched, stored and
# moved to INTAKE_IMAP_DONE_FOLDER (or flagged \Seen when that folder is empty).
INTAKE_IMAP_HOST = os.environ.get("INTAKE_IMAP_HOST", "")
INTAKE_IMAP_PORT = int(os.environ.get("INTAKE_IMAP_PORT", "993"))
INTAKE_IMAP_SSL = env_bool("INTAKE_IMAP_SSL", True)
INTAKE_IMAP_USER = os.environ.get("INTAKE_IMAP_USER", "")
INTAKE_IMAP_PASSWORD = os.environ.get("INTAKE_IMAP_PASSWORD", "")
INTAKE_IMAP_FOLDER = os.environ.get("INTAKE_IMAP_FOLDER", "INBOX")
INTAKE_IMAP_DONE_FOLDER = os.environ.get("INTAKE_IMAP_DONE_FOLDER", "")
# Replies thread to a report by "[<reference>]" in the subject or by a per-report address:
# "{reference}" is replaced, e.g. "lapor+{reference}@aduan.example.go.id". Empty: subject only.
ADUAN_EMAIL_REPLY_ADDRESS = os.environ.get("ADUAN_EMAIL_REPLY_ADDRESS", "")
# Provider inbound webhooks (django-anymail): /intake/email/anymail/<provider>/inbound/
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", ""),  # "user:password" basic auth on the webhook
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY", ""),
}

# --- WhatsApp Business Cloud API (docs/channels.md) ---------------------------------------
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")  # the webhook verification handshake
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")  # checks X-Hub-Signature-256; empty: webhook answers 503
WHATSAPP_ACCESS_TOKEN = os.environ.get("WHATSAPP_ACCESS_TOKEN", "")  # Graph API bearer token (sending, media download)
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_GRAPH_URL = os.environ.get("WHATSAPP_GRAPH_URL", "https://graph.facebook.com/v21.0")

# --- Telegram bot (docs/channels.md) -------------------------------------------------------
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")  # X-Telegram-Bot-Api-Secret-Token; empty: 503
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org")

# --- City monitoring devices (docs/channels.md) ---------------------------------------------
# Detections of the same category within this distance and time of an open machine report
# are merged into it instead of opening a new report.
DEVICE_MERGE_METRES = int(os.environ.get("DEVICE_MERGE_METRES", "100"))
DEVICE_MERGE_HOURS = int(os.environ.get("DEVICE_MERGE_HOURS", "72"))

# --- Notifications ------------------------------------------------------------------------------
# Reminder to the reporter this many working days before a responded report closes itself.
ADUAN_AUTOCLOSE_REMINDER_DAYS = int(os.environ.get("ADUAN_AUTOCLOSE_REMINDER_DAYS", "2"))
# Officials are warned when a deadline is this many hours away.
ADUAN_DEADLINE_WARNING_HOURS = int(os.environ.get("ADUAN_DEADLINE_WARNING_HOURS", "24"))

# Routing at submission (issue #6; aduan/reports/services/routing.py, docs/routing.md).
# A report is disposed automatically when the combined confidence reaches this threshold
# *and* the deciding model proved the same precision on held-out data; set above 1 to send
# every report to the verifiers. Urgent reports go at the lower urgent threshold.
ADUAN_ROUTING_ENABLED = os.environ.get("ADUAN_ROUTING_ENABLED", "1") not in ("0", "false", "False")
ADUAN_ROUTING_AUTO_THRESHOLD = float(os.environ.get("ADUAN_ROUTING_AUTO_THRESHOLD", "0.95"))
ADUAN_ROUTING_URGENT_THRESHOLD = float(os.environ.get("ADUAN_ROUTING_URGENT_THRESHOLD", "0.5"))
ADUAN_ROUTING_MODEL_DIR = Path(os.environ.get("ADUAN_ROUTING_MODEL_DIR", VAR_DIR / "models" / "routing"))
# Model names under ADUAN_ROUTING_MODEL_DIR: agency (destination), category (sector), kind.
ADUAN_ROUTING_MODELS = {"agency": "agency", "category": "category", "kind": "kind"}
# Duplicate checks (issue #6): "memory" keeps one long-lived index of the open reports per
# process (aduan/reports/services/duplicate_index.py, ≈ 270 bytes per open report);
# "database" narrows in SQL and scores the newest few thousand instead (no memory, slower).
ADUAN_DUPLICATE_INDEX = os.environ.get("ADUAN_DUPLICATE_INDEX", "memory")
ADUAN_DUPLICATE_INDEX_MAX_TAIL = int(os.environ.get("ADUAN_DUPLICATE_INDEX_MAX_TAIL", "20000"))
ADUAN_DUPLICATE_INDEX_MAX_AGE = int(os.environ.get("ADUAN_DUPLICATE_INDEX_MAX_AGE", str(6 * 3600)))
ADUAN_DUPLICATE_INDEX_BUILD = os.environ.get("ADUAN_DUPLICATE_INDEX_BUILD", "background")  # or "sync"

# Transparency and planning (issue #7; docs/statistics.md).
# Below this many reports a region or agency shows no individual reports in drill-downs.
ADUAN_STATS_MIN_ROWS = int(os.environ.get("ADUAN_STATS_MIN_ROWS", "10"))
# An agency is ranked in the public league only with at least this many reports in the period.
ADUAN_LEAGUE_MIN_REPORTS = int(os.environ.get("ADUAN_LEAGUE_MIN_REPORTS", "30"))
