"""Browser tests: real headless Chromium (Debian's package) driven by Playwright, axe-core on every page.

Chromium is found at /usr/bin/chromium (or $CHROMIUM). Where it is missing the browser tests are
skipped locally; under CI=true that is a failure, never a skip. Screenshots of every checked page
land in tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told the calls are really synchronous, which they are here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not _chromium_available():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install -y chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Under CI the browser suite must run.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()


def check_page(page: object, name: str) -> None:
    """Screenshot the page and fail on serious or critical accessibility violations."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)  # type: ignore[attr-defined]
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"Accessibility violations on {name}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in blocking
    )


def login(page: object, username: str, password: str) -> None:
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/")  # type: ignore[attr-defined]


def logout(page: object) -> None:
    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/accounts/login/")  # type: ignore[attr-defined]
