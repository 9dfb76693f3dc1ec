"""Settings shared by every environment. Everything that differs between installations comes from
the environment (see .env.example); local.py, test.py and production.py only change defaults."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # runtime files of the embedded set-up: SQLite, broker folder, uploads

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Built-in content in every language (<app>/translation.py); must come before the admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    "accounts",
    "maturity",
    "adoption",
    "strategy",
    "value",
    "stories",
    "ideas",
    "reports",
    "idempotency",
    "entra",
    "jobs",
    "inventory",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the person's choice (cookie), else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "config.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's own language (profile) wins over the cookie and the browser.
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.MethodNotAllowedPageMiddleware",
    "idempotency.middleware.OneSubmissionPerFormMiddleware",
    "config.middleware.LoginRequiredByDefaultMiddleware",
    # Axes must come last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
            ],
        },
    },
]

# SQLite in var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'coehub.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite cannot hold the unit-cost library's unique (unit, name) with "no unit" as a value;
    # unit_cost_save() checks it (full_clean validates constraints), PostgreSQL enforces it too.
    # The ideas pipeline's covering index carries its values on PostgreSQL only; SQLite keeps
    # the key (models.W040).
    SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "entra.backend.EntraBackend",  # Sign in with Microsoft Entra ID (its callback view only)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The sign-in page lists the demo logins (local settings only).
SHOW_DEMO_LOGINS = False

# Sign-in lockout: five wrong passwords for one account lock it for 15 minutes (per client
# address, so that a stranger cannot lock a colleague out from elsewhere).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# How many reverse proxies in front of the app append to X-Forwarded-For (nginx in production: 1).
# 0 trusts no header and keys the lockout on REMOTE_ADDR (see accounts/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en-gb")
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
# English is the source language and the fallback; every interface string has a German translation
# in locale/de. Another language: add it here and run `makemessages -l <code>` (see README).
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's date, time and number formats (config/formats/<locale>/formats.py): templates use
# only the named formats (|date:"DATE_FORMAT"), never literal ones. Numbers are not grouped by
# default (a year would read "2,026"): figures group explicitly with floatformat:"0g", |money or
# config.numbers.
FORMAT_MODULE_PATH = ["config.formats"]
# Built-in content (maturity model, question bank, plan templates, welcome e-mail) has one column
# per language; a missing translation reads as English (also what an organisation adds itself).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en-gb"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb",)
MODELTRANSLATION_AUTO_POPULATE = "default"
USE_THOUSAND_SEPARATOR = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Stored files are served by a view that asks the policy first (config/files.py). In production the
# web server can stream them on the view's word: MEDIA_X_ACCEL_REDIRECT names the prefix of an
# nginx `internal` location over MEDIA_ROOT; MEDIA_X_SENDFILE=true sends X-Sendfile (Apache).
MEDIA_X_ACCEL_REDIRECT = env("MEDIA_X_ACCEL_REDIRECT", default="")
MEDIA_X_SENDFILE = env.bool("MEDIA_X_SENDFILE", default=False)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body (form fields, API JSON) over 2 MB is a 413 (config.middleware): the longest
# story is well under 200 KB. Uploads may total MAX_UPLOAD_REQUEST_SIZE (ten 5 MB pictures).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_UPLOAD_REQUEST_SIZE = 60 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail: the console by default; for a real server
# EMAIL_URL=smtp+tls://user:password@host:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CoE Hub <coe-hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Content-Security-Policy: own scripts only (plus a per-request nonce for the few inline ones).
# Inline style attributes are allowed because Bootstrap's progress bars set their width that way.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Notifications: the product's public address for links in e-mails and Teams cards; the key that
# encrypts Teams webhook URLs at rest (a Fernet key; empty: derived from SECRET_KEY); hosts besides
# Microsoft's that a webhook may point at (e.g. a local test receiver, where http is accepted);
# quiet hours (local start and end hour) during which reminder e-mails wait.
SITE_URL = env("SITE_URL", default="http://localhost:8000")
NOTIFICATIONS_WEBHOOK_KEY = env("NOTIFICATIONS_WEBHOOK_KEY", default="")
NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS = env.list("NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS", default=[])
NOTIFICATIONS_QUIET_HOURS = (
    env.int("NOTIFICATIONS_QUIET_START", default=20),
    env.int("NOTIFICATIONS_QUIET_END", default=8),
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": "format",
    # ?format= must name a format (an empty or unknown one is a 400 with the reason).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.StrictContentNegotiation",
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CoE Hub API",
    "DESCRIPTION": "Maturity, strategy, value and stories of a Power Platform adoption programme.",
    "VERSION": "1.0.0",
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Every operation documents its error answers (config/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_errors",
        "config.api_schema.decimals_as_text_or_number",
    ],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind"; name each choice set once so the schema stays unambiguous.
    "ENUM_NAME_OVERRIDES": {
        "SolutionKindEnum": "value.models.Solution.Kind",
        "ProgrammeCostKindEnum": "value.models.ProgrammeCost.Kind",
        "KeyResultKindEnum": "strategy.models.KeyResult.Kind",
        "StoryEventKindEnum": "stories.models.StoryEvent.Kind",
        "ReportKindEnum": "reports.models.ReportDefinition.Kind",
        "ImportRunSourceEnum": "inventory.models.ImportRun.Source",
        "ValueRecordSourceEnum": "value.models.ValueRecord.Source",
    },
}

# Celery. Without REDIS_URL the broker is a folder (kombu's filesystem transport), so the embedded
# set-up needs no server. Short socket timeouts and no publish retry: a broker that accepts
# connections but never answers must not hold a web request (the defaults waited about 40 s);
# with these a publish gives up within ~0.5 s and the job waits in the outbox (jobs app).
REDIS_URL = env("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 0.3,
    "socket_connect_timeout": 0.3,
    # Connecting: one quick retry instead of kombu's 2-second sleeps.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
    # An unacknowledged message goes back to the queue after this long. Longer than the hard
    # time limit, so a task still running is never handed to a second worker.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # Where the worker's control exchanges go (kombu's default is a folder in the current
        # directory).
        "control_folder": str(BROKER_DIR / "control"),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 0.3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
# A task whose worker dies mid-run is delivered again, and tasks are written to be run twice safely.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The outbox (jobs app): after a failed publish a process leaves publishing to the dispatcher for
# this long; published rows are kept this many days for operators, then deleted.
JOBS_BROKER_BACKOFF_SECONDS = 5
JOBS_KEEP_PUBLISHED_DAYS = 2
# A report generation stamps a heartbeat this often; one without a heartbeat for
# REPORTS_STALE_SECONDS lost its worker and is handed to another (see reports.services).
REPORTS_HEARTBEAT_SECONDS = env.int("REPORTS_HEARTBEAT_SECONDS", default=5)
REPORTS_STALE_SECONDS = env.int("REPORTS_STALE_SECONDS", default=20)
CELERY_TIMEZONE = TIME_ZONE
# The cache (figures: config.figures_cache) is shared by every web process and the worker: Redis
# when it is there (CACHE_URL, else REDIS_URL's server with database number 1; the broker uses
# 0), else a folder (the embedded set-up), so that a write in the worker (an inventory import)
# reaches the web server's cached figures. Short timeouts; a cache that fails is skipped (the
# figures are computed), never a 500.
CACHE_URL = env("CACHE_URL", default="")
if not CACHE_URL and REDIS_URL:
    CACHE_URL = REDIS_URL.rsplit("/", 1)[0] + "/1" if REDIS_URL.count("/") > 2 else REDIS_URL
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "coehub",
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": BASE_DIR / "var" / "cache",
        }
    }

# Tenant inventory (inventory app): the Power Platform inventory API, and the Entra app an admin
# signs in with once so that the nightly sync can use a delegated token (see inventory/README).
INVENTORY_API_BASE_URL = env("INVENTORY_API_BASE_URL", default="https://api.powerplatform.com")
INVENTORY_API_SCOPE = env("INVENTORY_API_SCOPE", default="https://api.powerplatform.com/.default")
ENTRA_AUTHORITY_HOST = env("ENTRA_AUTHORITY_HOST", default="https://login.microsoftonline.com")
INVENTORY_TENANT_ID = env("INVENTORY_TENANT_ID", default="")
INVENTORY_CLIENT_ID = env("INVENTORY_CLIENT_ID", default="")
INVENTORY_CLIENT_SECRET = env("INVENTORY_CLIENT_SECRET", default="")
INVENTORY_TOKEN_KEY = env("INVENTORY_TOKEN_KEY", default="")
INVENTORY_API_TIMEOUT = env.float("INVENTORY_API_TIMEOUT", default=60)
INVENTORY_SYNC_AUTO_CONFIRM = env.bool("INVENTORY_SYNC_AUTO_CONFIRM", default=False)
INVENTORY_MAX_FILE_BYTES = env.int("INVENTORY_MAX_FILE_MB", default=200) * 1024 * 1024
INVENTORY_DAY_FIRST = env.bool("INVENTORY_DAY_FIRST", default=False)

CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs. Each app's entries are added here, one line each, with when it runs.
CELERY_BEAT_SCHEDULE: dict = {
    # Every 15 seconds: publish the outbox's jobs whose publish after commit failed (broker down or
    # hung), so queued work starts within a minute of the broker's return. A dispatch not run
    # within 15 s expires: the next one does the same work.
    "jobs-dispatch": {
        "task": "jobs.tasks.jobs_dispatch_task",
        "schedule": 15,
        "options": {"expire_seconds": 15},
    },
    # Every 15 seconds: hand report generations whose worker died (no heartbeat for
    # REPORTS_STALE_SECONDS) to another worker, so they finish within a minute.
    "reports-recover-lost-runs": {
        "task": "reports.tasks.snapshots_recover_task",
        "schedule": 15,
        "options": {"expire_seconds": 15},
    },
    # Every 10 minutes: publish again decision e-mails and newsletter batches whose message was lost
    # after it was published (e.g. a broker restarted without persistence).
    "stories-sweep": {"task": "stories.tasks.stories_sweep_task", "schedule": 600},
    # Every 5 minutes: publish again report snapshots left pending (message lost) or generated but
    # not yet e-mailed, and request those whose scheduled run beat could not publish.
    "reports-sweep-stuck-snapshots": {
        "task": "reports.tasks.snapshots_sweep_task",
        "schedule": timedelta(minutes=5),
    },
    # Nightly at 02:30: rebuild the monthly value roll-up, healing any write made outside the
    # services (SQL, a restore). The services keep it in step during the day.
    "value-rollup-rebuild": {
        "task": "value.tasks.rollup_rebuild_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Daily at 03:10: forget the one-time tokens of forms sent more than a week ago.
    "idempotency-prune-form-tokens": {
        "task": "idempotency.tasks.form_tokens_prune_task",
        "schedule": crontab(hour=3, minute=10),
    },
    # Every 10 minutes: publish again inventory import runs left pending or committing.
    "inventory-sweep-runs": {"task": "inventory.tasks.runs_sweep_task", "schedule": 600},
    # Nightly at 01:30: sync the tenant inventory (a preview for a CoE lead to confirm, unless
    # INVENTORY_SYNC_AUTO_CONFIRM); does nothing until an admin has connected the API.
    "inventory-nightly-sync": {
        "task": "inventory.tasks.inventory_sync_task",
        "schedule": crontab(hour=1, minute=30),
    },
    # Every 15 minutes: put the reminders, digests and channel posts owed now in the outbox.
    "notifications-reminders": {
        "task": "notifications.tasks.reminders_run_task",
        "schedule": timedelta(minutes=15),
    },
    # Every minute: prepare again the dashboards executives open first (the organisation and the
    # top-level units) when their data changed, so that their first reader need not wait.
    "reports-prepare-dashboards": {
        "task": "reports.tasks.dashboards_prepare_task",
        "schedule": 60,
        "options": {"expire_seconds": 60},
    },
    # Every minute: deliver outbox rows whose publish was lost or whose retry delay has passed.
    "notifications-sweep": {"task": "notifications.tasks.notifications_sweep_task", "schedule": 60},
}

# Sign in with Microsoft Entra ID (OpenID Connect; see README). Offered when the issuer, client id
# and client secret are all set. The tenant id defaults to the first segment of the issuer's path.
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_TENANT_ID = env("OIDC_TENANT_ID", default="")
OIDC_SCOPES = env("OIDC_SCOPES", default="openid profile email")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=3.0)  # seconds per call to Entra or Graph
OIDC_CLOCK_SKEW = env.int("OIDC_CLOCK_SKEW", default=120)  # seconds of clock difference tolerated
OIDC_GRAPH_URL = env("OIDC_GRAPH_URL", default="https://graph.microsoft.com")
ENTRA_ROLES_FROM_TOKEN = env.bool("ENTRA_ROLES_FROM_TOKEN", default=True)
ENTRA_LINK_BY_EMAIL = env.bool("ENTRA_LINK_BY_EMAIL", default=False)
ENTRA_DEPARTMENT_CLAIM = env("ENTRA_DEPARTMENT_CLAIM", default="department")
# Off: the password form serves superusers only (break-glass); everyone else uses Entra.
LOCAL_PASSWORD_SIGN_IN = env.bool("LOCAL_PASSWORD_SIGN_IN", default=True)
if OIDC_ISSUER:
    # Sign-out posts a form that the server redirects to Entra's end-session endpoint.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_ISSUER))
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"one_line_per_refusal": {"()": "config.refusals.OneLinePerRefusal"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own console handler (DEBUG only) would print each record a second time
        # beside the root's.
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"filters": ["one_line_per_refusal"]},
    },
}
