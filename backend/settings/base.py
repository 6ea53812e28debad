"""Settings for every profile. Everything a deployment changes comes from the environment.

Embedded default (no variables set): SQLite and files under ./data, Celery tasks run
in-process, e-mail to the console. Production: DATABASE_URL (PostgreSQL), REDIS_URL
(Celery broker and cache), ANBUD_S3_* (object storage), SECRET_KEY, ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from backend.links import DEFAULT_ADDRESS, WILDCARD_HOSTS, site_url_for_address, split_address

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("ANBUD_DATA_DIR", BASE_DIR / "data"))
# The embedded profile keeps its database, files and search index here.
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The embedded default runs without configuration; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "anbud-embedded-default-not-secret")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
if os.environ.get("ANBUD_RUN_ADDR") and "ALLOWED_HOSTS" not in os.environ:
    # `make run ADDR=…`: the host it serves on answers too; a wildcard serves any name.
    _run_host = split_address(os.environ["ANBUD_RUN_ADDR"])[0]
    ALLOWED_HOSTS = (["*"] if _run_host in WILDCARD_HOSTS
                     else sorted({*ALLOWED_HOSTS, _run_host.strip("[]")}))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "notices",
    "bids",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'anbud.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a task writes; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "notices:workspace"
LOGOUT_REDIRECT_URL = "notices:list"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
# crypto/ is a pure library, not a Django app, so its browser modules are listed here.
STATICFILES_DIRS = [BASE_DIR / "crypto" / "static", BASE_DIR / "backend" / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Object storage: local files unless an S3 bucket is configured.
S3_BUCKET = os.environ.get("ANBUD_S3_BUCKET", "")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("ANBUD_S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("ANBUD_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("ANBUD_S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("ANBUD_S3_REGION", "eu-north-1"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads above this size go to a temporary file, never into memory whole.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("ANBUD_UPLOAD_TMP") or None
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Tender documents: limits are settings so an operator can change them.
TENDER_DOCUMENT_MAX_BYTES = int(os.environ.get("ANBUD_DOCUMENT_MAX_BYTES", str(2 * 1024**3)))
TENDER_DOCUMENT_EXTENSIONS = env_list(
    "ANBUD_DOCUMENT_EXTENSIONS",
    "pdf,docx,doc,xlsx,xls,odt,ods,odp,pptx,txt,csv,xml,json,zip,png,jpg,jpeg,dwg,dxf,ifc,sosi",
)

# Evaluation: individual scores of one offer and criterion that differ by at least this many
# points (of 10) are flagged for the consensus discussion.
EVALUATION_DIVERGENCE_THRESHOLD = float(
    os.environ.get("ANBUD_EVALUATION_DIVERGENCE_THRESHOLD", "3"))

# OCDS open data: the ocid prefix registered with the Open Contracting Partnership.
OCDS_OCID_PREFIX = os.environ.get("ANBUD_OCDS_OCID_PREFIX", "ocds-anbud-")
# OCDS open data: the ocid prefix registered with the Open Contracting Partnership
# (`ocds-` and six lowercase letters or digits). The default only has the right form: an
# operator registers their own (README, docs/open-data.md).
OCDS_OCID_PREFIX = os.environ.get("ANBUD_OCDS_OCID_PREFIX", "ocds-anbud0")
OCDS_PUBLISHER_NAME = os.environ.get("ANBUD_OCDS_PUBLISHER", "Anbud")
# Licence of the open data (exports, feeds, API), shown on /open-data/ and in OCDS packages.
OPEN_DATA_LICENSE_URL = os.environ.get(
    "ANBUD_OPEN_DATA_LICENSE_URL", "https://data.norge.no/nlod/no/2.0")
OPEN_DATA_LICENSE_NAME = os.environ.get(
    "ANBUD_OPEN_DATA_LICENSE_NAME", "Norsk lisens for offentlige data (NLOD) 2.0")

# eForms: the SDK folder (schemas/, schematrons/) used to validate imports; beside the
# checkout by default. Without it (or without the saxonche wheel) imports get the built-in
# checks only.
_SHARED_EFORMS = BASE_DIR.parent / "shared" / "standards" / "eforms"
EFORMS_SDK_DIR = os.environ.get("ANBUD_EFORMS_SDK_DIR",
                                str(_SHARED_EFORMS) if _SHARED_EFORMS.is_dir() else "")
EFORMS_SCHEMATRON_CACHE = os.environ.get("ANBUD_EFORMS_SCHEMATRON_CACHE",
                                         str(DATA_DIR / "cache" / "eforms-schematron"))
# The review body named in notices for TED (OPT-301-Lot-ReviewOrg): the court where a supplier
# asks for an interim injunction. Empty values keep the defaults of notices/exports/eforms.py
# (DEFAULT_REVIEW_BODY); set the court competent for your authorities.
EFORMS_REVIEW_BODY = {
    "name": os.environ.get("ANBUD_REVIEW_BODY_NAME", ""),
    "company_id": os.environ.get("ANBUD_REVIEW_BODY_ORG_NUMBER", ""),
    "street": os.environ.get("ANBUD_REVIEW_BODY_STREET", ""),
    "postal_code": os.environ.get("ANBUD_REVIEW_BODY_POSTAL_CODE", ""),
    "city": os.environ.get("ANBUD_REVIEW_BODY_CITY", ""),
    "nuts": os.environ.get("ANBUD_REVIEW_BODY_NUTS", ""),
    "email": os.environ.get("ANBUD_REVIEW_BODY_EMAIL", ""),
    "website": os.environ.get("ANBUD_REVIEW_BODY_WEBSITE", ""),
}
# Bulk open data: where the daily exports go (inside the default storage).
OPEN_DATA_EXPORT_PREFIX = "open-data"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: in-process (eager) unless a broker is configured. ANBUD_BROKER_URL names the broker
# (RabbitMQ recommended, docs/operations.md: amqp://user:password@host:5672/vhost); without
# it REDIS_URL serves as the broker too.
CELERY_BROKER_URL = os.environ.get("ANBUD_BROKER_URL", "").strip() or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER",
                                    CELERY_BROKER_URL == "memory://")
# Long tasks (the opening) are acknowledged after they ran: a worker takes one at a time.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Search: every node's index follows the search outbox (docs/search.md). With a broker
# (production) each node runs `manage.py search_follow`; without one (embedded) the web
# process follows after each commit and before each search.
SEARCH_FOLLOW_INLINE = env_bool("SEARCH_FOLLOW_INLINE", not REDIS_URL)
SEARCH_FOLLOW_INTERVAL = float(os.environ.get("SEARCH_FOLLOW_INTERVAL", "0.5"))
SEARCH_OUTBOX_GAP_SECONDS = float(os.environ.get("SEARCH_OUTBOX_GAP_SECONDS", "60"))
SEARCH_OUTBOX_RETENTION_DAYS = float(os.environ.get("SEARCH_OUTBOX_RETENTION_DAYS", "7"))
# `search_reindex`: the index writer's threads (0: one per core, 2 to 8) and memory per thread
# before it writes a segment (bench/RESULTS.md, "Index build").
SEARCH_REBUILD_THREADS = int(os.environ.get("SEARCH_REBUILD_THREADS", "0"))
SEARCH_REBUILD_HEAP_MB = int(os.environ.get("SEARCH_REBUILD_HEAP_MB", "128"))

# The public address of the site, for links in e-mails and feeds.
# `make run ADDR=host:port` passes its address as ANBUD_RUN_ADDR; links follow it unless
# ANBUD_SITE_URL names the public address.
ANBUD_RUN_ADDR = os.environ.get("ANBUD_RUN_ADDR", "").strip()
ANBUD_SITE_URL = (os.environ.get("ANBUD_SITE_URL", "").strip()
                  or site_url_for_address(ANBUD_RUN_ADDR or DEFAULT_ADDRESS))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Anbud <noreply@anbud.localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = 14

REST_FRAMEWORK = {
    # JSON with a nesting limit (backend/parsers.py); forms and multipart as DRF has them.
    "DEFAULT_PARSER_CLASSES": [
        "backend.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in unless a view says otherwise: every public endpoint declares AllowAny.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "backend.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "backend.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Anbud API",
    "DESCRIPTION": "Public procurement notices, tender documents, sealed bids and evaluation.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: no code is fetched from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["backend.schema.only_api_paths"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per eager task drowns the console in the embedded profile; a worker logs each
    # task it ran (name, id, time; arguments are ids).
    "loggers": {"celery.app.trace": {
        "level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}},
}

if not DEBUG and os.environ.get("ANBUD_HTTPS", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Periodic bookkeeping (Celery beat in production; `manage.py run_scheduler` when embedded).
CELERY_BEAT_SCHEDULE = {
    "notices-close-due": {"task": "notices.following_tasks.close_due", "schedule": 60.0},
    "notices-saved-search-digests": {"task": "notices.following_tasks.send_digests",
                                     "schedule": 60.0},
    "notices-retry-notifications": {
        "task": "notices.following_tasks.retry_unsent_notifications", "schedule": 300.0},
}
# Bulk open data: yesterday's notices as OCDS and eForms, written once (the task is cheap when
# there is nothing to do, so it runs hourly).
CELERY_BEAT_SCHEDULE["notices-open-data-daily"] = {"task": "notices.exports.open_data_daily",
                                                   "schedule": 3600.0}
# Beat's heartbeat (backend/health.py): proves beat and a worker are running.
CELERY_BEAT_SCHEDULE["backend-heartbeat"] = {"task": "backend.heartbeat", "schedule": float(
    os.environ.get("ANBUD_HEARTBEAT_SECONDS", "30"))}
CELERY_BEAT_SCHEDULE["notices-search-prune-outbox"] = {"task": "notices.tasks.search_prune_outbox",
                                                       "schedule": 3600.0}
CELERY_BEAT_SCHEDULE.update({"bids-close-due": {"task": "bids.tasks.close_due", "schedule": 15.0}, "bids-cleanup-unfinished": {"task": "bids.tasks.cleanup_unfinished", "schedule": 300.0}, "bids-tree-head": {"task": "bids.tasks.tree_head", "schedule": 300.0}})  # noqa: E501
# The officer's award-notice reminders (evaluation/dashboard/tasks.py), idempotent.
CELERY_BEAT_SCHEDULE["evaluation-award-notice-reminders"] = {
    "task": "evaluation.dashboard.award_notice_reminders", "schedule": 3600.0}
# The ethical-trade self-report reminders (evaluation/ethics/tasks.py), idempotent; the days
# before the due date on which the supplier is told.
CELERY_BEAT_SCHEDULE["evaluation-follow-up-reminders"] = {
    "task": "evaluation.ethics.follow_up_reminders", "schedule": 3600.0}
ANBUD_FOLLOW_UP_REMINDER_DAYS = [int(d) for d in os.environ.get(
    "ANBUD_FOLLOW_UP_REMINDER_DAYS", "14,3").split(",") if d.strip()]
# The same task reminds the buyer's editors of a submitted self-report not reviewed after this
# many days, and then every ..._EVERY_DAYS days until it is reviewed.
ANBUD_FOLLOW_UP_REVIEW_REMINDER_AFTER_DAYS = int(os.environ.get(
    "ANBUD_FOLLOW_UP_REVIEW_REMINDER_AFTER_DAYS", "14"))
ANBUD_FOLLOW_UP_REVIEW_REMINDER_EVERY_DAYS = int(os.environ.get(
    "ANBUD_FOLLOW_UP_REVIEW_REMINDER_EVERY_DAYS", "7"))
# The public statistics' summary tables (evaluation/statistics/services.py), idempotent.
CELERY_BEAT_SCHEDULE["evaluation-statistics-refresh"] = {
    "task": "evaluation.statistics.refresh", "schedule": 60.0}
# ... and a full rebuild every night at 03:15 Oslo time (CELERY_TIMEZONE), so a change that
# writes no event (an edit in the admin, a data migration, a fix of the counting rules) is
# picked up by the next morning.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["evaluation-statistics-rebuild-nightly"] = {
    "task": "evaluation.statistics.rebuild", "schedule": crontab(hour=3, minute=15)}
# Corrective actions of audits due within a week or overdue (evaluation/audits/tasks.py):
# reminders to the supplier, once per action, step and deadline.
CELERY_BEAT_SCHEDULE["evaluation-corrective-action-reminders"] = {
    "task": "evaluation.audits.corrective_action_reminders", "schedule": 3600.0}

# --- Sign-in: throttling (django-axes) and API tokens (django-rest-knox) -----------------------
from datetime import timedelta  # noqa: E402

# Axes refuses a locked-out account or address before any password is checked; it must come
# first. Its middleware (last) turns the refusal into the 429 of accounts.signin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]
# Failures count per account and per client address, each on its own.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_FAILURE_LIMIT = int(os.environ.get("ANBUD_SIGNIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ANBUD_SIGNIN_COOLOFF_MINUTES", "15")))
AXES_USERNAME_CALLABLE = "accounts.signin.client_username"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address", "csrfmiddlewaretoken"]
# How many proxies in front append to X-Forwarded-For (0: use REMOTE_ADDR). Behind the TLS
# proxy of the production profile this must be set, or one address would be everybody.
ANBUD_PROXY_COUNT = int(os.environ.get("ANBUD_PROXY_COUNT", "0"))

KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations create its swapped-out token table anyway, with a foreign key to the
# users that blocks PostgreSQL's TRUNCATE in test flushes. Nothing uses that table.
MIGRATION_MODULES = {"knox": None}
ANBUD_API_TOKEN_DAYS = int(os.environ.get("ANBUD_API_TOKEN_DAYS", "90"))
ANBUD_API_TOKENS_PER_USER = int(os.environ.get("ANBUD_API_TOKENS_PER_USER", "20"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=ANBUD_API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",  # the header clients already send
    "AUTO_REFRESH": False,  # a token expires on its date, however often it is used
}

# --- Browser code integrity: Content-Security-Policy (django-csp 4) and HSTS -------------------
# The sealing happens in JavaScript this server sends, so the pages may run only the platform's
# own script files: no inline code, no eval, nothing from another origin. The only inline
# elements are the bid pages' import map and the downloadable receipt's stylesheet, each
# allowed by the response's nonce. Scripts and styles of the bid, committee and opening pages
# also carry Subresource Integrity (bids/integrity.py).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG and os.environ.get("ANBUD_HTTPS", "") == "1":
    # Browsers that once saw the site over TLS never try plain HTTP again for a year, so a
    # network attacker cannot strip TLS and serve altered scripts. Preload is the operator's
    # own decision (ANBUD_HSTS_PRELOAD=1) because it is hard to undo.
    SECURE_HSTS_SECONDS = int(os.environ.get("ANBUD_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ANBUD_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ANBUD_HSTS_PRELOAD", False)

# The evaluation (evaluation/). An offer is flagged as abnormally low when its price lies this
# share below the average of the other offers, or below the next lowest price; the committee
# then asks the supplier to explain the price before it rejects or accepts (FOA § 24-9).
# A guide for the committee, not a rule of the regulation, so a setting and not a dated row.
EVALUATION_ABNORMALLY_LOW_BELOW_AVERAGE = float(
    os.environ.get("ANBUD_ABNORMALLY_LOW_BELOW_AVERAGE", "0.40"))
EVALUATION_ABNORMALLY_LOW_BELOW_NEXT = float(
    os.environ.get("ANBUD_ABNORMALLY_LOW_BELOW_NEXT", "0.30"))
# The largest document a supplier may send with an answer to a clarification request.
EVALUATION_CLARIFICATION_MAX_BYTES = int(
    os.environ.get("ANBUD_CLARIFICATION_MAX_BYTES", str(50 * 1024 * 1024)))
