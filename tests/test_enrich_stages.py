"""The enrichment stages as the pipeline runs them, on real stores."""
from newsdesk.models import Article, Block, Source
from newsdesk.pipeline import enrich_articles
from newsdesk.enrich.stages import enrich_stages


def test_two_spellings_of_one_entity_make_one_link(store):
    aid = store.add_article(Article(
        url="https://x.test/trade", title="Trade", content_hash="trade", source=Source(name="X"),
        body=[Block("paragraph", "The U.S. economy grew by 2 percent last year, the Commerce "
                                 "Department said on Friday."),
              Block("paragraph", "Exports from the US to China fell, while imports rose.")]))
    who = [s for s in enrich_stages() if s.name == "who"]
    assert enrich_articles(store, [aid], who) == {"who": 0}
    # Both spellings now resolve to the country's CLDR name (enrich/places.py).
    us = [e for e in store.article_entities(aid) if e.name in ("U.S.", "US", "United States")]
    assert len(us) == 1 and us[0].mentions == 2
    assert not store.stage_states(aid)[0].error
