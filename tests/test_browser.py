"""The seed's article page in a real browser: Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import chromium, served

from newsdesk.config import Settings
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "corpus" / "000_seed.txt"
SEED_TITLE = "Japan and South Korea Hold Summit in Nara as China Steps Up Pressure Over Taiwan"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("browser") / "site.db")
    store = open_store(db)
    ingest_items(store, read_paths([str(SEED)]))
    with served(create_app(Settings(db=db, admin_token="t", secret="s"), store)) as base:
        yield base, store
    store.close()


def test_seed_article_page_in_chromium(server, tmp_path):
    base, store = server
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=False)  # the site works without JavaScript
        page.goto(base + "/")
        page.get_by_role("link", name=SEED_TITLE).first.click()
        assert page.get_by_role("heading", level=1).inner_text() == SEED_TITLE
        for text in ("CRBC News", "Politics", "Geopolitical Incentive", "Bitter Memories",
                     "Help us improve.", "Related Articles", "Trending"):
            assert page.get_by_text(text, exact=True).first.is_visible(), text
        caption = page.locator("figcaption").inner_text()
        assert "Sanae Takaichi will host South Korea's president" in caption and "AFP" in caption
        assert page.locator(".summary").inner_text().startswith("Japanese Prime Minister")
        page.get_by_label("Report an error").check()
        page.get_by_label("Your words").fill("The second subhead is misspelt.")
        page.get_by_role("button", name="Send feedback").click()
        assert page.get_by_role("status").inner_text().startswith("Thank you")
        shot = tmp_path / "seed-article.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        out = os.environ.get("NEWSDESK_SCREENSHOTS")
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(out) / shot.name)
    stored = store.list_feedback()
    assert [(f.kind, f.text) for f in stored] == [("error", "The second subhead is misspelt.")]


def test_refused_feedback_keeps_the_readers_words_in_view(server):
    base, store = server
    before = len(store.list_feedback())
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=False)
        page.goto(base + "/")
        page.get_by_role("link", name=SEED_TITLE).first.click()
        # "Rate this article" is still chosen but no rating given: refused, words kept.
        page.get_by_label("Your words").fill("The caption names the wrong city.")
        page.get_by_role("button", name="Send feedback").click()
        alert = page.get_by_role("alert")
        assert alert.inner_text() == "a rating is a whole number from 1 to 5"
        box, height = alert.bounding_box(), page.viewport_size["height"]
        assert 0 <= box["y"] <= height  # the page opens at the form, not at the headline
        assert page.get_by_label("Your words").input_value() == "The caption names the wrong city."
    assert len(store.list_feedback()) == before
