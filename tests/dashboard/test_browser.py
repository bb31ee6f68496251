"""The dashboard in a real browser (Debian's Chromium driven by Playwright): log in, go from
the dashboard to a vulnerable component, approve an exception as a reviewer, and see the
dashboard change; declare a finding not affected, see it leave the open findings, and revoke
that from the exceptions page. Every page visited is saved as a screenshot under test-artifacts/.
Skips when /usr/bin/chromium is absent (Playwright's own browser download is never used)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Dashboard
from .seed import CVE, PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install chromium)"),
    # one browser run is enough: the HTTP tests cover PostgreSQL
    pytest.mark.parametrize("any_store_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def page() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            yield context.new_page()
        finally:
            browser.close()


def shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_reviewer_approves_an_exception_from_the_dashboard(
    dashboard: Dashboard, page: object, any_store_url: str
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(dashboard.url + "/")
    expect(page).to_have_url(dashboard.url + "/login?next=%2F")
    shot(page, "01-login")
    page.get_by_label("E-mail").fill("reviewer@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OSPO dashboard")
    expect(page.locator("#review-count")).to_have_text("2")
    shot(page, "02-dashboard")

    # keyboard users first meet the skip link
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    # the most urgent finding leads to the vulnerable component
    page.get_by_role("link", name="pkg:pypi/vulnpkg@1.5.0").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Component vulnpkg")
    expect(page.get_by_role("cell", name="2.0.1")).to_be_visible()  # the upgrade that clears it
    shot(page, "03-component")

    page.get_by_label("Reason").fill("Only used in an offline batch job; upgrade planned for 1.1")
    page.get_by_label("Expires").fill("2030-01-31")
    page.get_by_role("button", name="Approve exception").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Component vulnpkg")
    expect(page.get_by_role("button", name="Approve exception")).to_have_count(0)
    shot(page, "04-component-approved")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#review-count")).to_have_text("1")
    shot(page, "05-dashboard-after")

    page.get_by_role("link", name="Review queue", exact=True).first.click()
    expect(page.get_by_role("cell", name="Only used in an offline batch job; upgrade planned for 1.1")).to_be_visible()
    shot(page, "06-review")

    page.goto(dashboard.url + "/project?name=shop-web")
    expect(page.get_by_role("heading", level=1)).to_have_text("Project shop-web")
    shot(page, "07-project")
    page.get_by_role("link", name="why is this here?").first.click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Shortest dependency path from the project root")
    shot(page, "08-why")

    for name, path in [
        ("09-portfolio", "/portfolio"),
        ("10-product", "/product?name=Shop"),
        ("11-vulnerabilities", "/vulnerabilities"),
        ("12-advisory", f"/advisory?id={CVE}"),
        ("13-license", "/license?expression=MIT"),
        ("17-exceptions", "/exceptions"),  # the approval above, kept as exception ospo-1
    ]:
        page.goto(dashboard.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot(page, name)

    # search works as a plain form, and suggests as you type with our own script
    page.goto(dashboard.url + "/search")
    box = page.get_by_label("Package URL, name, licence, advisory id or CVE")
    box.press_sequentially("vulnp", delay=30)
    expect(page.locator("#q-list a").first).to_contain_text("pkg:pypi/vulnpkg")
    shot(page, "14-search-suggest")
    box.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text("result(s)")
    shot(page, "15-search")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(dashboard.url + "/login")


def test_a_viewer_sees_no_decision_buttons(dashboard: Dashboard, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(dashboard.url + "/review")
    page.get_by_label("E-mail").fill("viewer@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_role("button", name="Approve exception")).to_have_count(0)
    shot(page, "16-review-viewer")


def test_reviewer_declares_a_finding_not_affected_then_revokes_it(dashboard: Dashboard, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(dashboard.url + "/")
    page.get_by_label("E-mail").fill("reviewer@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#open-findings")).to_have_text("1")

    page.get_by_role("link", name="pkg:pypi/vulnpkg@1.5.0").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Component vulnpkg")
    page.get_by_label("Justification (VEX)").select_option("code_not_reachable")
    page.get_by_label("Detail (optional)").fill("The header parser is never called")
    shot(page, "18-component-finding-forms")
    page.get_by_role("button", name="Not affected").click()
    expect(page.locator("td.finding-state")).to_contain_text("not-affected (code not reachable)")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    shot(page, "19-component-not-affected")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#open-findings")).to_have_text("0")
    expect(page.get_by_text("No open vulnerability findings.")).to_be_visible()
    shot(page, "20-dashboard-not-affected")

    page.get_by_role("link", name="Exceptions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exceptions")
    row = page.locator("tr#ospo-1")
    expect(row).to_contain_text("not affected (code not reachable)")
    expect(row).to_contain_text("The header parser is never called")
    shot(page, "21-exceptions")
    page.get_by_label("Why revoke ospo-1").fill("It is reachable through the upload endpoint")
    page.get_by_role("button", name="Revoke ospo-1").click()
    expect(page.locator("#ended-count")).to_have_text("1")
    expect(page.locator("tr#ospo-1")).to_contain_text("revoked")
    shot(page, "22-exceptions-revoked")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#open-findings")).to_have_text("1")
