"""Typed configuration defaults and the loader: defaults → instance/config.py → CASEWORK_* env → test mapping."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Config, Flask

#: Values an operator may never run with outside debug/testing.
KNOWN_DEV_SECRETS = frozenset({"", "dev", "change-me", "secret"})


class Defaults:
    """Every key casework reads, with its default. Environment variables override them as CASEWORK_<KEY>."""

    #: Signs session cookies and CSRF tokens; `casework init` writes a random one into instance/config.py.
    SECRET_KEY: str = ""
    #: Fernet key that encrypts claimant ID numbers, phones and bank accounts at rest (PIPL art. 51).
    PII_KEY: str = ""
    #: The PII key set for rotation, newest first: the newest encrypts, all decrypt (PII_KEY is always one of
    #: them). A list in instance/config.py, comma-separated in CASEWORK_PII_KEYS. See `casework pii rotate`.
    PII_KEYS: str = ""
    #: Key (64 hex digits) of the digests that find a claimant by phone or ID number; its own key, so rotating
    #: the PII keys never breaks a look-up. Empty: derived from the oldest PII key; `casework init` writes it.
    SEARCH_KEY: str = ""
    #: SQLAlchemy URL; empty means SQLite at instance/casework.sqlite.
    DATABASE_URL: str = ""
    #: Seconds a SQLite writer waits for the lock before giving up.
    SQLITE_BUSY_TIMEOUT_S: int = 15
    #: Sessions end after this long without a request …
    SESSION_IDLE_MINUTES: int = 30
    #: … and after this long in any case (ASVS v5 7.3.1/7.3.2).
    SESSION_ABSOLUTE_HOURS: int = 12
    #: A demonstration instance (`casework demo` sets it in instance/config.py): only here may the bundled
    #: FICTIONAL rate table give a crop or tree amount, and the result says the figure is invented. Elsewhere a
    #: claim without a published local rate is `insufficient_facts` (issue 15, D8).
    DEMO: bool = False
    #: Send cookies only over HTTPS; the local demo on http://127.0.0.1 turns this off.
    COOKIE_SECURE: bool = True
    #: Redirect plain HTTP to HTTPS (only behind a TLS-terminating proxy that sets X-Forwarded-Proto).
    FORCE_HTTPS: bool = False
    #: Proxies in front of the app whose X-Forwarded-For is trusted (0 = none).
    PROXY_COUNT: int = 0
    #: Failed logins for one account from one address (or from one browser with that account's device
    #: cookie) within the window before that pair is slowed down.
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: int = 5
    #: Failed logins for one account from all addresses within the window before browsers without the
    #: account's device cookie are slowed down (a browser that logged in to it before is not).
    LOGIN_MAX_FAILURES_PER_ACCOUNT: int = 20
    #: Failed logins from one address within the window before browsers without a device cookie are slowed down.
    LOGIN_MAX_FAILURES_PER_ADDRESS: int = 20
    #: The window for the login limits, in minutes; also the longest delay.
    LOGIN_WINDOW_MINUTES: int = 15
    #: The first delay (seconds) once a limit is reached; it doubles with each further failure, up to the window.
    LOGIN_DELAY_SECONDS: int = 60
    #: Days a browser's device cookie (it logged in to an account before) stays valid.
    LOGIN_DEVICE_COOKIE_DAYS: int = 90
    #: Roles that must pass a second factor (TOTP or a recovery code) after the password, comma-separated;
    #: everyone else may set one up. They are sent to enrolment until they have one.
    SECOND_FACTOR_ROLES: str = "legal_head,auditor,admin"
    #: The name authenticator apps show next to the account.
    SECOND_FACTOR_ISSUER: str = "casework"
    #: Internal service targets in days (DESIGN.md, Deadlines): first legal check after the report,
    #: and a decision after the file is complete.
    TARGET_FIRST_CHECK_DAYS: int = 3
    TARGET_DECISION_DAYS: int = 30
    #: Cases per page in lists.
    PAGE_SIZE: int = 25
    #: The language the UI speaks unless the user switches.
    BABEL_DEFAULT_LOCALE: str = "zh"
    #: Times are stored in UTC and shown in this zone.
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Shanghai"
    #: Serve Bootstrap from the package, never from a CDN.
    BOOTSTRAP_SERVE_LOCAL: bool = True
    #: Largest request body accepted (bytes), except evidence uploads (below).
    MAX_CONTENT_LENGTH: int = 16 * 1024 * 1024
    #: Settlements above this many yuan need the head of legal; below it any other legal officer approves.
    #: Goodwill payments and escalations to court always need the head of legal.
    SETTLEMENT_APPROVAL_THRESHOLD: int = 5000
    #: Where evidence files are kept; empty means instance/evidence. Never under the static folder.
    EVIDENCE_ROOT: str = ""
    #: The store for evidence, letters, dossiers and finished exports: empty (or file://PATH) is local disk
    #: (EVIDENCE_ROOT); s3://bucket/prefix is an S3-compatible bucket, its endpoint, region and credentials
    #: from the usual AWS variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY…).
    STORAGE_URL: str = ""
    #: Part size (MiB) of uploads to the bucket, and how many parts are sent at once (memory: their product).
    STORAGE_PART_MB: int = 8
    STORAGE_UPLOAD_THREADS: int = 3
    #: Send a browser straight to the bucket by a presigned URL instead of streaming the bytes through the app
    #: (the bucket's endpoint must then be reachable by the browser); valid for STORAGE_PRESIGN_SECONDS.
    STORAGE_PRESIGNED_DOWNLOADS: bool = False
    STORAGE_PRESIGN_SECONDS: int = 300
    #: Largest evidence file (bytes); a larger one is refused with 413 while it streams in.
    EVIDENCE_MAX_FILE_BYTES: int = 200 * 1024 * 1024
    #: Files in one upload (a batch of photos from a site visit).
    EVIDENCE_MAX_FILES: int = 300
    #: Largest upload request as a whole (bytes).
    EVIDENCE_MAX_REQUEST_BYTES: int = 2 * 1024 * 1024 * 1024
    #: Largest image accepted, in pixels: a 50-megapixel phone photo passes, a decompression bomb does not.
    #: (Pillow itself refuses images above 179 megapixels and warns above 89.)
    EVIDENCE_MAX_PIXELS: int = 89_000_000
    #: A PDF (dossier or letter) is laid out in a child process killed after this many seconds...
    PDF_RENDER_SECONDS: float = 120.0
    #: ...or when it needs more than this much memory (MiB) beyond its parent's.
    PDF_RENDER_MEMORY_MB: int = 2048
    #: Parallel exporters of a batch export; 0 means one per core.
    EXPORT_WORKERS: int = 0
    #: A download re-hashes a stored file up to this size (bytes) before sending it, and refuses it if the bytes
    #: changed; larger files are checked by size and by the damage marks of `casework evidence verify`.
    VERIFY_ON_READ_MAX_BYTES: int = 64 * 1024 * 1024
    #: RFC 3161 time-stamping authority that signs the audit chain's anchored heads; empty = anchors are
    #: written with hash and local time only (see README, "What an anchor proves").
    TSA_URL: str = ""
    #: PEM file with the TSA's root (and intermediate) certificates, to verify its tokens' signatures.
    TSA_CA_FILE: str = ""
    #: Seconds to wait for the TSA; past that the anchor is written without a token (sealing never waits longer).
    TSA_TIMEOUT_S: int = 10
    #: Retention (`casework retention run`): days after a case ended (closed or withdrawn) before each class of
    #: its data is anonymised or deleted; 0 keeps it forever. Conservative defaults of 30 years (10958 days):
    #: a settlement file supports the payment's accounting voucher, which 会计档案管理办法 (2015) keeps for 30
    #: years, and enterprise case files are kept 30 years or permanently (国家档案局令第10号, 2012); a
    #: claim may also come back within the Civil Code's limitation (art. 188). Shorten them with legal advice.
    #: Identifiers: the claimant's name, ID number, phone and addresses, the place, GPS and description.
    RETENTION_IDENTIFIERS_DAYS: int = 10958
    #: Bank accounts: the claimant's and the settlement proposal's.
    RETENTION_BANK_ACCOUNTS_DAYS: int = 10958
    #: Evidence: the stored bytes of evidence files, thumbnails, letters and sealed dossiers (rows and hashes stay).
    RETENTION_EVIDENCE_DAYS: int = 10958
    #: Audit trail: 0 keeps it forever (the default). It is hash-chained and append-only, so retention never
    #: shortens it; a period only makes the run report what is older. At least 183 days (Cybersecurity Law art. 21).
    RETENTION_AUDIT_DAYS: int = 0


def _coerce(raw: str, like: Any) -> Any:
    """Turn an environment string into the type of the default it overrides."""
    if isinstance(like, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(raw)
    return raw


def _read_secret(variable: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise RuntimeError(f"{variable} names {path}, which cannot be read: {error.strerror}") from None


def _apply_layers(config: Config) -> None:
    """Defaults, then the instance's config.py (beside `config.root_path`), then CASEWORK_* variables."""
    for key in dir(Defaults):
        if key.isupper():
            config[key] = getattr(Defaults, key)
    config.from_pyfile("config.py", silent=True)
    for key in dir(Defaults):
        if not key.isupper():
            continue
        env = os.environ.get(f"CASEWORK_{key}")
        # Several instances share their secrets through the environment, or through a file it names (a
        # mounted secret: CASEWORK_SECRET_KEY_FILE=/run/secrets/casework_secret), never through a checkout.
        named = os.environ.get(f"CASEWORK_{key}_FILE")
        if named:
            env = _read_secret(f"CASEWORK_{key}_FILE", named)
        if env is not None:
            config[key] = _coerce(env, getattr(Defaults, key))


def _default_database(config: Config, instance_path: str) -> None:
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "casework.sqlite")


def instance_config(instance_path: str) -> Config:
    """What an app on this instance would be configured with (no test mapping), without building one:
    for commands that only read the database, such as `casework assess`."""
    config = Config(instance_path)
    _apply_layers(config)
    _default_database(config, instance_path)
    return config


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the four layers in order; later layers win."""
    _apply_layers(app.config)
    if test_config:
        app.config.update(test_config)

    _default_database(app.config, app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    secure = bool(app.config["COOKIE_SECURE"])
    app.config.update(
        # The __Host- prefix pins the cookie to this host and path; browsers demand Secure with it.
        SESSION_COOKIE_NAME="__Host-casework" if secure else "casework",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the server-side session
    )


def check_secret(app: Flask) -> None:
    """Refuse to run in production with a missing, short or well-known secret key (ASVS v5 13.3.1)."""
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY") or ""
    if key in KNOWN_DEV_SECRETS or len(key) < 32:
        raise RuntimeError(
            f"SECRET_KEY is missing or weak: run `casework init` (writes {Path(app.instance_path) / 'config.py'}; "
            "CASEWORK_INSTANCE_PATH names another instance folder) or set CASEWORK_SECRET_KEY to at least 32 random "
            "characters."
        )
    from casework.infra.pii import configured_keys

    keys = configured_keys(app.config)
    if not keys:
        raise RuntimeError("PII_KEY is missing: run `casework init` or set CASEWORK_PII_KEY.")
    if len(keys) > 1 and not app.config.get("SEARCH_KEY"):
        raise RuntimeError("SEARCH_KEY is missing while PII keys rotate: run `casework init` (it writes the key "
                           "the phone and ID look-ups are made with) or set CASEWORK_SEARCH_KEY.")


def targets(config: Any) -> dict[str, int]:
    """The internal targets as the deadline rules name them."""
    return {"internal_first_check": config["TARGET_FIRST_CHECK_DAYS"],
            "internal_decision": config["TARGET_DECISION_DAYS"]}
