"""Headless Chromium (Debian's package, never a tool's own download) driven by Playwright,
against the live test server; axe-core (npm) injected into pages for WCAG 2.1 AA checks.

Without Chromium or axe-core the browser tests are skipped on a developer machine and FAIL
in CI (CI=true), so a missing install step can never pass silently."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _missing(what: str):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required for the browser tests in CI (.ci/run installs it)")
    pytest.skip(f"{what} not installed (run .ci/run or `apt-get install chromium` and `npm install`)")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing("Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", java_script_enabled=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def page_no_js(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", java_script_enabled=False)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations on the page as it is now (axe-core injected)."""
    if not AXE.exists():
        _missing("axe-core (npm install)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
