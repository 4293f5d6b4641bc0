"""Every kind of page passes axe-core's accessibility rules (WCAG 2 A and AA, and its best
practices) in a real browser: Debian's Chromium, axe-core as axe-playwright-python ships it.
The site is a store of the seed page, two Wikinews articles and the Economist feed, so that
stories, entities, quotes, search results and trending have something to show."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, chromium, served

from newsdesk.config import Settings
from newsdesk.pipeline import ingest_items
from newsdesk.sources.files import read_paths
from newsdesk.store.base import ArticleFilter, open_store
from newsdesk.web.app import create_app

SEED = Path(__file__).resolve().parents[1] / "data" / "corpus" / "000_seed.txt"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("a11y") / "site.db")
    store = open_store(db)
    ingest_items(store, read_paths([str(SEED), str(FIXTURES / "ingest" / "two_articles.jsonl"),
                                    str(FIXTURES / "ingest" / "economist.xml")]))
    with served(create_app(Settings(db=db, admin_token="t", secret="s"), store)) as base:
        yield base, store
    store.close()


def _pages(store) -> list[str]:
    seed = next(a for a in store.list_articles(ArticleFilter(limit=100))
                if a.source.name == "CRBC News")
    entity = max(store.article_entities(seed.id), key=lambda link: link.mentions)
    return ["/", f"/articles/{seed.id}", f"/stories/{seed.story_id}", f"/entities/{entity.entity_id}",
            "/sections/Politics", "/stories", "/search?q=Taiwan", "/search?q=zzzz",
            "/trending", "/quotes", "/sources", "/admin/feedback?token=t", "/docs",
            "/no-such-page"]


def test_every_kind_of_page_passes_axe(site):
    from axe_playwright_python.sync_playwright import Axe

    base, store = site
    axe = Axe()
    found: dict[str, list[str]] = {}
    with chromium() as browser:
        page = browser.new_page()
        for path in _pages(store):
            page.goto(base + path)
            violations = axe.run(page).response["violations"]
            if violations:
                found[path] = [f"{v['id']} ({v['impact']}): {v['help']}: "
                               f"{[n['target'] for n in v['nodes'][:3]]}" for v in violations]
    assert not found, found


def test_axe_finds_what_it_should(site):
    """The check can fail: a page missing its title, language, image text and field label."""
    from axe_playwright_python.sync_playwright import Axe

    with chromium() as browser:
        page = browser.new_page()
        page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
        ids = {v["id"] for v in Axe().run(page).response["violations"]}
    assert {"document-title", "html-has-lang", "image-alt", "label"} <= ids
