"""The HTML export in a real browser: headless Chromium (the system package) driven by Playwright.

The page is opened from a file with every network request refused and counted; the tests type into the text
filter, pick a country, open an event, check what is visible, that the filters live in the address (a reload or a
link gives the same view), that the print view opens every event and that the header names the selection; they save
screenshots in tests/artifacts/.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from exporthelp import HOSTILE_TITLES, hostile_dataset

from nkwatch.export.about import describe
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


def page_of(tmp_path, dataset, filters=None, name="nk.html") -> Path:
    """A dataset's selection written as an HTML page."""
    filters = filters or Filters()
    target = tmp_path / name
    with target.open("w", encoding="utf-8", newline="") as stream:
        write_html(dataset, iter_events(dataset, filters), stream, about=describe(dataset, filters))
    return target


@pytest.fixture
def bundled_page(tmp_path) -> Path:
    """The bundled dataset as an HTML page, made on a fixed day."""
    from nkwatch.cache import open_dataset

    os.environ["SOURCE_DATE_EPOCH"] = "1764633600"
    try:
        return page_of(tmp_path, open_dataset(None))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def bundled_events() -> list:
    """The bundled dataset's events, in the order the page lists them."""
    return list(load_dataset(None).events.values())


def filter_values(page) -> dict[str, str]:
    """The value of every filter on the page."""
    return {key: page.input_value(f"#f-{key}") for key in ("country", "theme", "actor", "source", "from", "to",
                                                           "text")}


def test_the_address_keeps_the_filters_for_a_reload_and_a_link(browser, bundled_page):
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(bundled_page.as_uri())
    assert page.evaluate("location.hash") == ""
    page.select_option("#f-country", "RU")
    page.select_option("#f-theme", "defection")
    page.select_option("#f-from", "2016")
    page.select_option("#f-to", "2017")
    page.fill("#f-text", "vladivostok")
    chosen = filter_values(page)
    shown = visible_titles(page)
    total = len(bundled_events())
    assert len(shown) >= 1 and page.locator("#count").inner_text() == f"Showing {len(shown)} of {total} events"
    assert page.evaluate("location.hash") == "#country=RU&theme=defection&from=2016&to=2017&text=vladivostok"
    assert page.locator("#view").inner_text() == ("Filtered on this page: country Russia; theme defection; from "
                                                  "2016; to 2017; text “vladivostok”.")

    page.reload()
    assert (filter_values(page), visible_titles(page)) == (chosen, shown)

    link = browser.new_page(viewport={"width": 900, "height": 1200})
    link.goto(bundled_page.as_uri() + "#country=RU&theme=defection&from=2016&to=2017&text=vladivostok")
    assert (filter_values(link), visible_titles(link)) == (chosen, shown)

    link.goto(bundled_page.as_uri() + "#actor=thae-yong-ho")
    assert filter_values(link)["actor"] == "thae-yong-ho"
    assert "Thae Yong-ho, deputy ambassador at North Korea's London embassy, defects to South Korea" in visible_titles(
        link)
    link.goto(bundled_page.as_uri() + "#source=Daily+NK")
    assert filter_values(link)["source"] == "Daily NK" and 0 < len(visible_titles(link)) < total
    link.goto(bundled_page.as_uri() + "#country=XX&theme=nothing")  # values the page does not have are ignored
    assert link.locator("#count").inner_text() == f"Showing {total} of {total} events"
    page.click("#f-reset")
    assert page.evaluate("location.hash") == "" and len(visible_titles(page)) == total
    assert errors == []


def test_the_text_filter_marks_what_it_matched(browser, bundled_page):
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(bundled_page.as_uri())
    page.fill("#f-text", "vladivostok")
    titles = page.locator("li.event:visible summary .title mark")
    assert titles.count() >= 2
    assert set(titles.all_inner_texts()) == {"Vladivostok"}
    assert page.locator("mark *").count() == 0  # marks hold text only
    page.fill("#f-text", "")
    assert page.locator("mark").count() == 0
    assert visible_titles(page)[0] == bundled_events()[0].title


def test_every_year_of_the_chart_is_labelled(browser, bundled_page):
    for width in (900, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(bundled_page.as_uri())
        labels = page.locator("#chart .y")
        years = [(e.date.start or e.date.end).year for e in bundled_events()]
        assert labels.all_inner_texts() == [str(year) for year in range(min(years), max(years) + 1)]
        assert page.locator("#chart .y.skip").count() == 0
        boxes = [label.bounding_box() for label in labels.all()]
        for left, right in itertools.pairwise(boxes):
            assert left["x"] + left["width"] <= right["x"] + 0.5, "year labels overlap"
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_print_view_opens_every_event_and_names_the_selection(browser, tmp_path):
    dataset = load_dataset(hostile_dataset(tmp_path))
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(page_of(tmp_path, dataset, Filters(countries=("RU",))).as_uri())
    page.select_option("#f-theme", "protest")
    page.emulate_media(media="print")
    page.wait_for_function("document.querySelectorAll('details:not([open])').length === 0")
    summaries = page.locator("li.event:visible p.summary")
    assert summaries.count() == len(visible_titles(page)) == 6
    assert all(summary.is_visible() for summary in summaries.all())
    assert not page.locator("#filters").is_visible() and not page.locator("#chart").is_visible()
    assert page.locator("h1").inner_text() == "North Korean workers abroad: Russia"
    assert page.locator("#selection").inner_text().startswith("Selection: events concerning Russia.")
    assert page.locator("#view").inner_text() == "Filtered on this page: theme protest."
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "export-html.pdf"))
    page.emulate_media(media="screen")
    page.wait_for_function("document.querySelectorAll('details[open]').length === 0")


def test_the_header_names_the_selection_and_the_day_made(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    dataset = load_dataset(hostile_dataset(tmp_path))
    filters = Filters(countries=("RU",), themes=("defection",))
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(page_of(tmp_path, dataset, filters).as_uri())
    assert page.title() == "North Korean workers abroad: Russia, defection"
    assert page.locator("h1").inner_text() == "North Korean workers abroad: Russia, defection"
    assert page.locator("#made").inner_text() == (
        "Made on 2 December 2025 (UTC) with nkwatch 0.1.0 from the dataset in folder hostile (10 events, 3 sources).")
    assert page.locator("#selection").inner_text().startswith(
        "Selection: events concerning Russia, tagged defection. Each event cites its sources;")
    assert visible_titles(page) == ["Acme crew walks out in Tomsk"]

    hostile = Filters(sources=("evil-press",))
    page.goto(page_of(tmp_path, dataset, hostile, "evil.html").as_uri())
    assert page.locator("h1").inner_text() == "North Korean workers abroad: as told by Evil | Press <b>"
    assert page.locator("header b, header script").count() == 0


def test_html_page_reads_on_a_phone(browser, page_file):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(page_file.as_uri())
    page.locator("li.event summary").nth(1).click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export-html-phone.png"), full_page=True)
