"""The seed's article page in a real browser: Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from newsdesk.config import Settings
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import open_store
from newsdesk.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "corpus" / "000_seed.txt"
SEED_TITLE = "Japan and South Korea Hold Summit in Nara as China Steps Up Pressure Over Taiwan"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh --test)")
    db = str(tmp_path_factory.mktemp("browser") / "site.db")
    store = open_store(db)
    ingest_items(store, read_paths([str(SEED)]))
    app = create_app(Settings(db=db, admin_token="t", secret="s"), store)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(10)
    store.close()


def test_seed_article_page_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright

    base, store = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
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
        browser.close()
    stored = store.list_feedback()
    assert [(f.kind, f.text) for f in stored] == [("error", "The second subhead is misspelt.")]


def test_refused_feedback_keeps_the_readers_words_in_view(server):
    from playwright.sync_api import sync_playwright

    base, store = server
    before = len(store.list_feedback())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
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
        browser.close()
    assert len(store.list_feedback()) == before
