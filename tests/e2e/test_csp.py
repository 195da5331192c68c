"""The Content-Security-Policy in a real browser: every role walks its main pages on the demo
district and Chromium reports no violation (no inline script, inline style, eval or outside
source blocked), while the charts still draw and htmx still polls and swaps.

Chromium reports each violation as a `securitypolicyviolation` event and on the console; this
test listens to both.
"""

from __future__ import annotations

import datetime
import re

import pytest

from coachmap.core.models import User
from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from coachmap.roster.models import ImportKind, ImportRun, ImportStatus
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` in ${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
});
"""
ROLES = ["teacher", "coach", "lead", "principal", "admin"]


def spy(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every violation Chromium reports from now on, with the page it happened on."""
    violations: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)

    def heard(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", heard)
    return violations


def visit(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("load")


def menu_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    hrefs = page.locator("#main-menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h and h.startswith("/")))


def charts_drawn(page) -> int:  # type: ignore[no-untyped-def]
    """How many chart canvases Chart.js has drawn on the page (0 when the page has none)."""
    return int(
        page.evaluate(
            """() => [...document.querySelectorAll("canvas[data-chart]")]
                 .filter(c => window.Chart && window.Chart.getChart(c)).length"""
        )
    )


def bar_widths(page) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    """Each bar's width class (pct-w-N) beside the width the browser drew, in % of its track."""
    pairs = page.evaluate(
        r"""() => [...document.querySelectorAll(".bar-fill, .share-bar .coaching")].map(bar => {
             const n = Number((bar.className.match(/pct-w-(\d+)/) || [null, -1])[1]);
             const track = bar.parentElement.getBoundingClientRect().width;
             return [n, track ? 100 * bar.getBoundingClientRect().width / track : -1];
           })"""
    )
    return [(int(n), float(drawn)) for n, drawn in pairs]


def test_every_role_walks_its_pages_with_no_policy_violation(page, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    violations = spy(page)

    visit(page, "/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("nobody-at-all")
        page.get_by_label("Password").fill("a guess")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Sign-in paused for this account").is_visible()

    walked: dict[str, int] = {}
    charts = 0
    bars: list[tuple[int, float]] = []
    for role in ROLES:
        login(page, role, DEMO_PASSWORD)
        links = menu_links(page)
        assert links, f"{role} has a menu to walk"
        for url in links:
            visit(page, url)
            walked[f"{role} {url}"] = 1
            charts += charts_drawn(page)
            # A page with charts needs them drawn; the test below names one for sure.
            canvases = page.locator("canvas[data-chart]").count()
            assert charts_drawn(page) == canvases, f"{role} {url}: {canvases} charts, not all drawn"
            bars += bar_widths(page)
        if role == "principal":
            visit(page, "/")
            page.locator("main a[href^='/schools/']").first.click()
            page.wait_for_load_state("load")
            assert charts_drawn(page) > 0, "the principal's needs page draws its charts"
            charts += charts_drawn(page)
        if role == "admin":
            visit(page, "/admin/")
            assert page.get_by_role("heading", name="District administration").is_visible()
            visit(page, "/admin/core/school/")
            page.locator("#result_list tbody a").first.click()
            page.wait_for_load_state("load")
            assert page.locator("form#school_form").count() == 1, "a change form, with the admin's scripts"
        visit(page, "/api/docs")
        page.locator(".swagger-ui .opblock").first.wait_for()
        visit(page, "/")
        logout(page)

    assert len(walked) >= 20, f"walked only {sorted(walked)}"
    assert charts > 0
    # The bars lost their style= widths for classes: they must still be drawn to scale.
    assert bars, "the walk passed pages with bars (the coach's impact summary)"
    assert all(abs(n - drawn) < 1.5 for n, drawn in bars), bars
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def test_htmx_polls_and_swaps_under_the_policy(page) -> None:  # type: ignore[no-untyped-def]
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    lead = User.objects.get(username="lead")
    run = ImportRun.objects.create(
        district=lead.memberships.first().district,
        kind=ImportKind.FLAGS,
        actor=lead,
        filename="flags.csv",
        status=ImportStatus.RUNNING,
    )
    violations = spy(page)
    login(page, "lead", DEMO_PASSWORD)
    status_url = re.compile(rf"/data/imports/{run.pk}/status/$")
    with page.expect_response(status_url) as polled:
        visit(page, f"/data/imports/{run.pk}/")
    assert polled.value.status == 200, "htmx asked the server for the run's status"

    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.DONE, finished_at=datetime.datetime.now(datetime.UTC)
    )
    page.locator("#run-status").get_by_text("Imported.").wait_for()
    assert page.locator("#run-status[hx-get]").count() == 0, "the finished status replaced the polling one"
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def test_the_spy_hears_a_violation_when_there_is_one(page) -> None:  # type: ignore[no-untyped-def]
    """The control for the walks above: an inline script and a style attribute added to a
    page are refused, and reported."""
    violations = spy(page)
    visit(page, "/accounts/login/")
    page.evaluate(
        """() => {
             const s = document.createElement("script");
             s.textContent = "window.ranInline = true";
             document.body.appendChild(s);
             document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
           }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ranInline === undefined"), "the inline script did not run"
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
