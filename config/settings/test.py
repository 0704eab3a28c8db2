"""Test settings: fast hasher, local-memory e-mail and cache, immediate tasks."""

from __future__ import annotations

import os

import dj_database_url

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
IMPORT_DIR = VAR_DIR / "test-imports"
ENGINE_CACHE_DIR = VAR_DIR / "test-engine-cache"
# Encoding thousands of example sentences is for real use; tests build engines on tiny data.
ENGINE_EXAMPLES = ""
# Static files are served by the test server's finders; no collected folder is needed.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"

_test_url = os.environ.get("TEST_DATABASE_URL")
if _test_url:
    DATABASES = {"default": dj_database_url.parse(_test_url)}
else:
    # The test database lives in memory: fast, and parallel runs never share a file.
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "test.sqlite3")}
    }
