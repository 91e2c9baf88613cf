"""Settings from the environment.

The embedded default (no environment at all) runs the whole product on one machine: SQLite and
files under ``instance/``, Celery in eager mode, in-memory rate limits, e-mails written to a local
outbox folder, simulators mounted in the app. ``APP_ENV=production`` refuses every unsafe value.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent

#: Values that must never be used outside a developer's machine.
DEV_ONLY_SECRETS = frozenset({"dev-only-secret-key-do-not-use-in-production"})
#: DEV-ONLY: the VNPay simulator's terminal secret; production refuses it.
DEV_VNPAY_SECRET = "dev-only-vnpay-hash-secret-DO-NOT-USE"  # noqa: S105
#: DEV-ONLY: the SMS simulator's API key and signing secret; production refuses them.
DEV_SMS_API_KEY = "dev-only-sms-key"
DEV_SMS_SECRET = "dev-only-sms-secret-DO-NOT-USE"  # noqa: S105
#: DEV-ONLY: the passphrase of the generated dev signing keys; production refuses it.
DEV_RESULTS_KEYS_PASSPHRASE = "dev-only-results-keys-passphrase"  # noqa: S105
#: DEV-ONLY: integration simulators' shared secrets (DVCQG, population DB, VNeID); production
#: refuses them.
DEV_INTEGRATION_SECRET = "dev-only-integration-secret-DO-NOT-USE"  # noqa: S105


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the selected environment."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, key: str, default: int) -> int:
    raw = env.get(key)
    return default if raw in (None, "") else int(raw)


def _embedded_secret(instance_dir: Path) -> str:
    """A random secret kept in ``instance/secret_key`` so sessions survive restarts locally."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    try:  # atomic: of several processes starting together, one writes and all read the same
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another process may still be writing it
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise ConfigError(f"{path} is empty")


def load_config(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """The Flask config from ``environ`` (default ``os.environ``), then ``overrides``."""
    env = dict(os.environ if environ is None else environ)
    if overrides:
        env.update({k: v for k, v in overrides.items() if isinstance(v, str)})
    app_env = env.get("APP_ENV", "development").strip().lower()
    production = app_env == "production"
    instance_dir = Path(env.get("INSTANCE_DIR") or ROOT_DIR / "instance")

    secret_key = env.get("SECRET_KEY") or (None if production else _embedded_secret(instance_dir))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'app.db'}"
    redis_url = env.get("REDIS_URL") or None
    broker_url = env.get("CELERY_BROKER_URL") or None

    public_base = (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    cfg: dict = {
        "APP_ENV": app_env,
        "DEBUG": _bool(env.get("DEBUG")),
        "TESTING": app_env == "test",
        "SECRET_KEY": secret_key,
        "INSTANCE_DIR": str(instance_dir),
        "DATABASE_URL": normalise_database_url(database_url),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": env.get("CELERY_RESULT_BACKEND") or None,
        # Without a broker, tasks run inline after commit (embedded default).
        "CELERY_TASK_ALWAYS_EAGER": broker_url is None,
        "SIMULATORS_ENABLED": _bool(env.get("SIMULATORS_ENABLED"), default=not production),
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 60 * 1024 * 1024),
        "TRUSTED_PROXY_COUNT": _int(env, "TRUSTED_PROXY_COUNT", 0),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        "LOG_FORMAT": env.get("LOG_FORMAT", "json" if production else "text"),
        # Tokens and cookies.
        "ACCESS_TOKEN_MINUTES": _int(env, "ACCESS_TOKEN_MINUTES", 15),
        "REFRESH_TOKEN_DAYS": _int(env, "REFRESH_TOKEN_DAYS", 30),
        "PASSWORD_RESET_MINUTES": _int(env, "PASSWORD_RESET_MINUTES", 30),
        "COOKIE_SECURE": _bool(env.get("COOKIE_SECURE"), default=production),
        # Login abuse protection.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI")
        or (redis_url if redis_url else "memory://"),
        "LOGIN_RATE_LIMIT_IP": env.get("LOGIN_RATE_LIMIT_IP", "30 per minute"),
        "LOGIN_RATE_LIMIT_ACCOUNT": env.get("LOGIN_RATE_LIMIT_ACCOUNT", "10 per minute"),
        "LOGIN_LOCK_THRESHOLD": _int(env, "LOGIN_LOCK_THRESHOLD", 5),
        "LOOKUP_RATE_LIMIT": env.get("LOOKUP_RATE_LIMIT", "30 per minute"),
        "LOGIN_LOCK_MINUTES": _int(env, "LOGIN_LOCK_MINUTES", 15),
        # Password hashing (argon2id), tuned to about 50 ms per hash on 2 cores; see bench/auth.
        "ARGON2_TIME_COST": _int(env, "ARGON2_TIME_COST", 2),
        "ARGON2_MEMORY_KIB": _int(env, "ARGON2_MEMORY_KIB", 32768),
        "ARGON2_PARALLELISM": _int(env, "ARGON2_PARALLELISM", 1),
        # Mail: "outbox" writes .eml files (embedded default); "smtp" sends.
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "outbox"),
        "MAIL_OUTBOX_DIR": env.get("MAIL_OUTBOX_DIR") or str(instance_dir / "outbox"),
        "MAIL_FROM": env.get("MAIL_FROM", "Dịch vụ công <no-reply@localhost>"),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env, "SMTP_PORT", 587),
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_SECURITY": env.get("SMTP_SECURITY", "starttls"),  # starttls | ssl | none
        "SMTP_TIMEOUT": _int(env, "SMTP_TIMEOUT", 10),
        "FRONTEND_DIST": env.get("FRONTEND_DIST") or str(ROOT_DIR / "frontend" / "dist"),
        # File storage: "local" folder (embedded default) or "s3" (S3-compatible object storage).
        "STORAGE_BACKEND": env.get("STORAGE_BACKEND", "local"),
        "STORAGE_LOCAL_DIR": env.get("STORAGE_LOCAL_DIR") or str(instance_dir / "files"),
        "S3_BUCKET": env.get("S3_BUCKET") or None,
        "S3_PREFIX": env.get("S3_PREFIX", ""),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL") or None,
        "S3_REGION": env.get("S3_REGION", "us-east-1"),
        "S3_ACCESS_KEY_ID": env.get("S3_ACCESS_KEY_ID") or None,
        "S3_SECRET_ACCESS_KEY": env.get("S3_SECRET_ACCESS_KEY") or None,
        # VNPay (the embedded default points at the simulator mounted in the app).
        "VNPAY_TMN_CODE": env.get("VNPAY_TMN_CODE") or ("" if production else "DEVSIM01"),
        "VNPAY_HASH_SECRET": env.get("VNPAY_HASH_SECRET")
        or ("" if production else DEV_VNPAY_SECRET),
        "VNPAY_PAYMENT_URL": env.get("VNPAY_PAYMENT_URL")
        or f"{public_base}/simulators/vnpay/paymentv2/vpcpay.html",
        "VNPAY_API_URL": env.get("VNPAY_API_URL")
        or f"{public_base}/simulators/vnpay/merchant_webapi/api/transaction",
        "VNPAY_RETURN_URL": env.get("VNPAY_RETURN_URL")
        or f"{public_base}/api/v1/payments/vnpay/return",
        "VNPAY_SIM_IPN_MODE": env.get("VNPAY_SIM_IPN_MODE", "thread"),
        "VNPAY_SIM_IPN_INTERVAL_SECONDS": _int(env, "VNPAY_SIM_IPN_INTERVAL_SECONDS", 300),
        # Attachments.
        "UPLOAD_MAX_FILE_MB": _int(env, "UPLOAD_MAX_FILE_MB", 10),
        "UPLOAD_MAX_DOSSIER_MB": _int(env, "UPLOAD_MAX_DOSSIER_MB", 50),
        "UPLOAD_MAX_FILES": _int(env, "UPLOAD_MAX_FILES", 20),
        "DRAFT_RETENTION_DAYS": _int(env, "DRAFT_RETENTION_DAYS", 30),
        # Notifications: SMS provider (the embedded default points at the simulator mounted in
        # the app), reminder settings; e-mail uses the MAIL_* / SMTP_* settings above.
        "SMS_API_URL": (env.get("SMS_API_URL") or f"{public_base}/simulators/sms").rstrip("/"),
        "SMS_API_KEY": env.get("SMS_API_KEY") or ("" if production else DEV_SMS_API_KEY),
        "SMS_API_SECRET": env.get("SMS_API_SECRET") or ("" if production else DEV_SMS_SECRET),
        "SMS_SENDER": env.get("SMS_SENDER", "DVC"),
        "SMS_TIMEOUT": _int(env, "SMS_TIMEOUT", 10),
        "SMTP_CA_FILE": env.get("SMTP_CA_FILE") or None,
        "NOTIFY_PAYMENT_REMINDER_MINUTES": _int(env, "NOTIFY_PAYMENT_REMINDER_MINUTES", 5),
        "NOTIFY_RESULT_REMINDER_DAYS": _int(env, "NOTIFY_RESULT_REMINDER_DAYS", 5),
        "NOTIFY_RETENTION_DAYS": _int(env, "NOTIFY_RETENTION_DAYS", 365),
        # Results: signing keys (pkcs12 files per agency, or a pkcs11 token), trust roots,
        # timestamping, PDF/A variant. Dev keys are generated into the instance folder.
        "RESULTS_SIGNING_BACKEND": env.get("RESULTS_SIGNING_BACKEND", "pkcs12"),
        "RESULTS_KEYS_DIR": env.get("RESULTS_KEYS_DIR") or str(instance_dir / "keys"),
        "RESULTS_KEYS_DIR_SET": bool(env.get("RESULTS_KEYS_DIR")),
        "RESULTS_KEYS_PASSPHRASE": env.get("RESULTS_KEYS_PASSPHRASE")
        or ("" if production else DEV_RESULTS_KEYS_PASSPHRASE),
        "RESULTS_DEV_KEYS": _bool(env.get("RESULTS_DEV_KEYS"), default=not production),
        "RESULTS_TRUST_ROOTS": env.get("RESULTS_TRUST_ROOTS") or None,
        "RESULTS_PKCS11_MODULE": env.get("RESULTS_PKCS11_MODULE") or None,
        "RESULTS_PKCS11_TOKEN": env.get("RESULTS_PKCS11_TOKEN") or None,
        "RESULTS_PKCS11_PIN": env.get("RESULTS_PKCS11_PIN") or None,
        "RESULTS_PKCS11_KEY_LABEL": env.get("RESULTS_PKCS11_KEY_LABEL") or None,
        "RESULTS_PKCS11_RAW_MECHANISM": _bool(env.get("RESULTS_PKCS11_RAW_MECHANISM")),
        "RESULTS_TSA_URL": env.get("RESULTS_TSA_URL") or None,
        "RESULTS_TSA_TIMEOUT": _int(env, "RESULTS_TSA_TIMEOUT", 10),
        "RESULTS_PDF_VARIANT": env.get("RESULTS_PDF_VARIANT", "pdf/a-2a"),
        "RESULTS_VERIFY_RATE_LIMIT": env.get("RESULTS_VERIFY_RATE_LIMIT", "60 per minute"),
        "RESULTS_VERIFY_MAX_MB": _int(env, "RESULTS_VERIFY_MAX_MB", 20),
        # Statistics: days during which a citizen may change the satisfaction rating given.
        "SATISFACTION_EDIT_DAYS": _int(env, "SATISFACTION_EDIT_DAYS", 7),
        # Integration: outbound webhooks, one-stop inbound API, DVCQG, population DB, VNeID.
        "INTEGRATION_ALLOW_PRIVATE_TARGETS": _bool(env.get("INTEGRATION_ALLOW_PRIVATE_TARGETS")),
        "INTEGRATION_RETRY_LADDER": env.get(
            "INTEGRATION_RETRY_LADDER", "60,300,900,3600,10800,21600,43200,43200"
        ),
        "INTEGRATION_RETRY_JITTER": float(env.get("INTEGRATION_RETRY_JITTER") or 0.2),
        "INTEGRATION_HTTP_CONNECT_TIMEOUT": float(env.get("INTEGRATION_HTTP_CONNECT_TIMEOUT") or 3),
        "INTEGRATION_HTTP_READ_TIMEOUT": float(env.get("INTEGRATION_HTTP_READ_TIMEOUT") or 10),
        "INTEGRATION_RELAY_CONCURRENCY": _int(env, "INTEGRATION_RELAY_CONCURRENCY", 8),
        "INTEGRATION_RELAY_ON_COMMIT": _bool(
            env.get("INTEGRATION_RELAY_ON_COMMIT"), default=app_env != "test"
        ),
        "INTEGRATION_INBOUND_WINDOW_SECONDS": _int(env, "INTEGRATION_INBOUND_WINDOW_SECONDS", 300),
        # The national systems' URLs default to the simulators mounted in the app (tests set
        # their own: nothing is called unless configured).
        "DVCQG_API_URL": env.get("DVCQG_API_URL")
        or ("" if production or app_env == "test" else f"{public_base}/simulators/dvcqg/api"),
        "DVCQG_API_KEY": env.get("DVCQG_API_KEY") or ("" if production else DEV_INTEGRATION_SECRET),
        "DVCQG_FILE_BASE_URL": env.get("DVCQG_FILE_BASE_URL") or public_base,
        "POPULATION_API_URL": env.get("POPULATION_API_URL")
        or (
            ""
            if production or app_env == "test"
            else f"{public_base}/simulators/population/api/congdan"
        ),
        "POPULATION_API_KEY": env.get("POPULATION_API_KEY")
        or ("" if production else DEV_INTEGRATION_SECRET),
        "POPULATION_SERVICE_CODE": env.get("POPULATION_SERVICE_CODE", "DVC-TINH"),
        "POPULATION_INTEGRATION_CODE": env.get("POPULATION_INTEGRATION_CODE", "LGSP-DEV"),
        # off | verify (mark matching accounts verified) | require (refuse a mismatch).
        "POPULATION_CHECK_AT_REGISTRATION": env.get(
            "POPULATION_CHECK_AT_REGISTRATION", "off" if app_env == "test" else "verify"
        ),
        "VNEID_ISSUER": env.get("VNEID_ISSUER")
        or ("" if production or app_env == "test" else f"{public_base}/simulators/vneid"),
        "VNEID_CLIENT_ID": env.get("VNEID_CLIENT_ID") or ("" if production else "dvc-dev"),
        "VNEID_CLIENT_SECRET": env.get("VNEID_CLIENT_SECRET")
        or ("" if production else DEV_INTEGRATION_SECRET),
        "VNEID_REDIRECT_URI": env.get("VNEID_REDIRECT_URI")
        or f"{public_base}/api/v1/auth/vneid/callback",
    }
    if overrides:
        cfg.update(overrides)
    if cfg["APP_ENV"] == "production":
        check_production(cfg)
    return cfg


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_production(cfg: dict) -> None:
    """Refuse to start production with any value that is only safe on a developer's machine."""
    problems = []
    key = cfg.get("SECRET_KEY") or ""
    if len(key) < 32 or key in DEV_ONLY_SECRETS:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if str(cfg.get("DATABASE_URL", "")).startswith("sqlite"):
        problems.append("DATABASE_URL must point to PostgreSQL, not SQLite")
    if cfg.get("SIMULATORS_ENABLED"):
        problems.append("SIMULATORS_ENABLED must be false")
    if cfg.get("DEBUG"):
        problems.append("DEBUG must be off")
    if not cfg.get("COOKIE_SECURE"):
        problems.append("COOKIE_SECURE must be on (cookies only over TLS)")
    if not str(cfg.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be an https:// URL")
    secret = cfg.get("VNPAY_HASH_SECRET") or ""
    if not cfg.get("VNPAY_TMN_CODE") or len(secret) < 16 or secret == DEV_VNPAY_SECRET:
        problems.append("VNPAY_TMN_CODE and VNPAY_HASH_SECRET must be the merchant's own values")
    for key in ("VNPAY_PAYMENT_URL", "VNPAY_API_URL", "VNPAY_RETURN_URL"):
        if not str(cfg.get(key, "")).startswith("https://"):
            problems.append(f"{key} must be an https:// URL")
    if cfg.get("STORAGE_BACKEND") == "s3" and not cfg.get("S3_BUCKET"):
        problems.append("S3_BUCKET must be set when STORAGE_BACKEND is s3")
    if cfg.get("MAIL_BACKEND") == "smtp" and cfg.get("SMTP_SECURITY") == "none":
        problems.append("SMTP_SECURITY must be starttls or ssl")
    # Notifications: SMS is off without SMS_API_KEY; when on, the provider's own values.
    if cfg.get("SMS_API_KEY"):
        sms_secret = cfg.get("SMS_API_SECRET") or ""
        if (
            cfg["SMS_API_KEY"] == DEV_SMS_API_KEY
            or len(sms_secret) < 16
            or (sms_secret == DEV_SMS_SECRET)
        ):
            problems.append("SMS_API_KEY and SMS_API_SECRET must be the provider's own values")
        sms_url = str(cfg.get("SMS_API_URL", ""))
        if not sms_url.startswith("https://") or "/simulators/" in sms_url:
            problems.append("SMS_API_URL must be the provider's https:// URL")
    problems.extend(_results_problems(cfg))
    if cfg.get("INTEGRATION_ALLOW_PRIVATE_TARGETS"):
        problems.append("INTEGRATION_ALLOW_PRIVATE_TARGETS must be off (SSRF protection)")
    ladder = [float(x) for x in str(cfg.get("INTEGRATION_RETRY_LADDER") or "0").split(",")]
    if sum(ladder) * (1 - float(cfg.get("INTEGRATION_RETRY_JITTER") or 0)) < 86400:
        problems.append("INTEGRATION_RETRY_LADDER must span at least 24 hours")
    for key in ("DVCQG_API_URL", "POPULATION_API_URL", "VNEID_ISSUER", "VNEID_REDIRECT_URI"):
        value = str(cfg.get(key) or "")
        if value and not value.startswith("https://"):
            problems.append(f"{key} must be an https:// URL")
    for key in ("DVCQG_API_KEY", "POPULATION_API_KEY", "VNEID_CLIENT_SECRET"):
        if cfg.get(key) == DEV_INTEGRATION_SECRET:
            problems.append(f"{key} must not be the development value")
    if problems:
        raise ConfigError("Unsafe production configuration: " + "; ".join(problems))


def _results_problems(cfg: dict) -> list[str]:
    """Signing keys: production needs the agencies' own key material and trust roots."""
    problems = []
    if cfg.get("RESULTS_DEV_KEYS"):
        problems.append("RESULTS_DEV_KEYS must be off")
    backend = cfg.get("RESULTS_SIGNING_BACKEND")
    if backend == "pkcs12":
        if not cfg.get("RESULTS_KEYS_DIR_SET"):
            problems.append("RESULTS_KEYS_DIR must point to the agencies' PKCS#12 files")
        passphrase = cfg.get("RESULTS_KEYS_PASSPHRASE") or ""
        if len(passphrase) < 12 or passphrase == DEV_RESULTS_KEYS_PASSPHRASE:
            problems.append("RESULTS_KEYS_PASSPHRASE must be the key files' own passphrase")
    elif backend == "pkcs11":
        if not cfg.get("RESULTS_PKCS11_MODULE") or not cfg.get("RESULTS_PKCS11_KEY_LABEL"):
            problems.append("RESULTS_PKCS11_MODULE and RESULTS_PKCS11_KEY_LABEL must be set")
    else:
        problems.append("RESULTS_SIGNING_BACKEND must be pkcs12 or pkcs11")
    if not cfg.get("RESULTS_TRUST_ROOTS"):
        problems.append("RESULTS_TRUST_ROOTS must name the agencies' root certificates (PEM)")
    tsa = cfg.get("RESULTS_TSA_URL")
    if tsa and not str(tsa).startswith("https://"):
        problems.append("RESULTS_TSA_URL must be an https:// URL")
    return problems
