"""The HTML export in a real browser: headless Chromium (the system package) driven by Playwright.

The page is opened from a file with every network request refused and counted; the test types into the text
filter, picks a country, opens an event, checks what is visible, and saves a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from exporthelp import HOSTILE_TITLES, hostile_dataset

from nkwatch.export.html import write_html
from nkwatch.loader import load_dataset
from nkwatch.query import Filters, iter_events

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# CI sets NKWATCH_REQUIRE_BROWSER so that a missing browser fails there instead of skipping the test unseen.
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("NKWATCH_REQUIRE_BROWSER"),
                                reason="chromium is not installed (apt-get install -y chromium)")


@pytest.fixture
def page_file(tmp_path) -> Path:
    """The hostile dataset as an HTML page, with one source's address turned into a javascript: URL."""
    dataset = load_dataset(hostile_dataset(tmp_path))
    beta = dataset.sources["beta-blog"]
    dataset.sources["beta-blog"] = beta._replace(url="javascript:alert(5)")
    target = tmp_path / "nk.html"
    with target.open("w", encoding="utf-8", newline="") as stream:
        assert write_html(dataset, iter_events(dataset, Filters()), stream) == 10
    return target


@pytest.fixture
def browser():
    """Headless Chromium, with no background networking."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


def visible_titles(page) -> list[str]:
    """The titles of the events the page shows."""
    return page.locator("li.event:visible summary .title").all_inner_texts()


def test_html_page_filters_opens_events_and_runs_no_data(browser, page_file):
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    requests, dialogs, errors = [], [], []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (requests.append(route.request.url), route.abort()))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.as_uri())

    assert page.locator("#count").inner_text() == "Showing 10 of 10 events"
    assert visible_titles(page)[1:7] == list(HOSTILE_TITLES.values())  # markup shown as the characters it is
    assert page.locator("#chart .col").count() == 9  # 2016 to 2024
    assert page.locator("#chart .col").first.get_attribute("title") == "2016: 8 events"

    page.fill("#f-text", "tomsk")
    assert visible_titles(page) == ["Acme crew walks out in Tomsk"]
    assert page.locator("#count").inner_text() == "Showing 1 of 10 events"
    assert page.locator("section.year:visible h2").all_inner_texts() == ["2016"]

    page.locator("li.event:visible summary").click()
    body = page.locator("li.event:visible .body")
    assert body.is_visible()
    assert "A fictional crew left its site." in body.inner_text()
    assert "Alpha News: six to ten. Kept the range." in body.inner_text()
    assert body.locator("a").get_attribute("href") == "https://example.org/alpha"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export-html.png"), full_page=True)

    page.fill("#f-text", "")
    page.select_option("#f-country", "CN")
    assert visible_titles(page) == ["Workers strike in Yanji"]
    assert page.locator("#chart .col[title='2024: 1 event']").count() == 1
    page.click("#f-reset")
    assert page.locator("#count").inner_text() == "Showing 10 of 10 events"

    for summary in page.locator("li.event summary").all():
        summary.click()  # open every event, the hostile ones too
    page.fill("#f-text", "no such words")
    assert visible_titles(page) == []
    assert page.locator(".empty").is_visible()
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("script").count() == 3
    assert (requests, dialogs, errors) == ([], [], [])


def test_html_page_reads_on_a_phone(browser, page_file):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(page_file.as_uri())
    page.locator("li.event summary").nth(1).click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export-html-phone.png"), full_page=True)
