"""Loaded by pytest before Django's settings (see pyproject's addopts): the test environment's defaults.

Set here rather than in a fixture because the live server's middleware reads them once, at start.
Anything already set in the environment wins.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789-abcdefghijklmnop")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
# Playwright's sync API runs an event loop in the test thread; Django must allow the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property-based tests draw the same examples on every run of `make test`, so that a suite green here is
# green on CI and a failure can be rerun. `make fuzz` (GKPORTAL_FUZZ=N) draws fresh ones; see tests/properties.py.
try:
    from hypothesis import settings as _hypothesis
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
else:
    if os.environ.get("GKPORTAL_FUZZ"):
        _hypothesis.register_profile("gkportal")  # random, and failures kept in .hypothesis/ to replay
    else:
        _hypothesis.register_profile("gkportal", derandomize=True, database=None)
    _hypothesis.load_profile("gkportal")
