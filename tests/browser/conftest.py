"""Browser fixtures live in ``tests/browser/support.py`` and are registered once for the
whole suite by ``tests/conftest.py`` (one Playwright instance per session, whichever
folder the browser tests are in)."""
