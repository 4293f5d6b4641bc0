"""The enrichment stages as the pipeline runs them: each wraps the pure functions of its
module and writes their results to the store, one transaction per article.

Bump a stage's version when its output changes; `newsdesk enrich` then re-runs it.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Callable

from ..models import Article, Entity
from ..store.base import EntityLink, Store

if TYPE_CHECKING:
    from ..pipeline import Stage

SECTION_MODEL_BLOB = "sections.model"
# The site's section list the store's articles were placed on, comma-joined: when
# NEWSDESK_SECTIONS no longer says the same, `newsdesk enrich` places every article again.
SECTION_LIST_BLOB = "sections.site-list"
MIN_SECTION_EXAMPLES = 3


class StoreKnownEntities:
    """What the store already knows, for resolving short names (`Lee`, `AFP`)."""

    def __init__(self, store: Store):
        self.store = store

    def lookup(self, key: str, type: str) -> list[str]:
        return self.store.names_by_short_form(key, type)

    def weight(self, key: str, type: str) -> int:
        return self.store.entity_article_count(key, type)

    def names_written(self, key: str) -> list[str]:
        """The stored names and aliases under this key, of any type, as written, and those
        this one-word form stands for (`trump` -> Donald Trump)."""
        out = []
        for entity in self.store.entities_by_key(key):
            out += [entity.name, *entity.aliases]
        for type_ in ("PERSON", "ORG"):
            out += self.store.names_by_short_form(key, type_)
        return out


def short_forms(name: str, type_: str, mentions: list[str]) -> list[str]:
    """Keys of the one-word forms these mentions use for the longer `name`, the forms a later
    article may use alone: a person's surname (or the family name that opens a name of three
    words, `Lee` of Lee Jae Myung), an organisation's acronym or single word. A given name
    (`Steve` of Steve Jobs) is not one: alone it names too many people."""
    from .names import core_name, entity_key, is_common_word

    words = name.split()
    if type_ not in ("PERSON", "ORG") or len(words) < 2:
        return []
    out = set()
    for text in mentions:
        core = core_name(text, type_)
        if len(core.split()) != 1:
            continue
        if type_ == "PERSON" and not (core == words[-1] or (core == words[0] and len(words) > 2)):
            continue
        if type_ == "ORG" and is_common_word(core):
            continue  # `the Church` of one article is no other article's Church of Scientology
        out.add(entity_key(core, type_))
    out.discard(entity_key(name, type_))
    return sorted(k for k in out if k)


# A headline's word alone is a name the store knows when its entity is linked by this many
# articles, or when the language hardly knows the word: the model's one-off misreadings of a
# common word (ORG "Government", "Tech"; "Key", the short form of John Key) are no evidence.
KNOWN_WORD_ARTICLES = 2
KNOWN_WORD_RARE_ZIPF = 4.0


def _store_knows(store: Store, phrase: str) -> bool:
    """True when the store has an entity of this name; for one capitalised word, an entity
    of that name or one articles call so (`Trump`), if several articles link it or the word
    is rare (`Greenland`)."""
    from wordfreq import zipf_frequency

    from .names import entity_key

    keys = {entity_key(phrase), entity_key(phrase, "ORG")}
    if len(phrase.split()) > 1:
        return any(store.entities_by_key(k) for k in keys)
    if not phrase[:1].isupper():
        return False
    found = {(k, e.type) for k in keys for e in store.entities_by_key(k)}
    found |= {(entity_key(name, t), t) for k in keys for t in ("PERSON", "ORG")
              for name in store.names_by_short_form(k, t)}
    if not found:
        return False
    return (zipf_frequency(phrase.lower(), "en") < KNOWN_WORD_RARE_ZIPF
            or any(store.entity_article_count(k, t, KNOWN_WORD_ARTICLES) >= KNOWN_WORD_ARTICLES
                   for k, t in found))


def named_as_entities(phrases: list[str], mentions, known=None) -> list[str]:
    """Key phrases with a name written as its entity is (`America`, `Fed` -> `United States`,
    `Federal Reserve`), once: facets and trending then count one name however each
    article wrote it."""
    from .canonical import canonical_names

    # as written, case and all: the noun `jobs` is no mention `Jobs` of Steve Jobs
    canonical = {m.text: m.canonical for m in mentions if m.canonical}
    orgs = [(name, "ORG") for name in dict.fromkeys(m.canonical for m in mentions
                                                    if m.type == "ORG" and m.canonical)]
    places = [(name, "PLACE") for name in dict.fromkeys(m.canonical for m in mentions
                                                         if m.type == "PLACE" and m.canonical)]

    def named(phrase: str) -> str:
        if phrase in canonical:
            return canonical[phrase]
        if orgs and phrase[:1].isupper() and " " not in phrase:
            # a word only the headline has (`Fed Minutes Show ...`) read as the body's
            # organisations are: an acronym, a clipped word, a name's first or last word
            name = canonical_names(orgs + places + [(phrase, "ORG")], known)[-1]
            return name if (name, "ORG") in orgs else phrase
        return phrase

    return list(dict.fromkeys(named(p) for p in phrases))


def run_who(store: Store, articles: list[Article]) -> None:
    from .keywords import headline_phrases, keywords
    from .who import analyse_each, entity_key

    # each article is stored before the next one's names are read, so what one article of
    # the batch names, the next one finds in the store (analyse_each)
    known = StoreKnownEntities(store)
    results = analyse_each(articles, known=known)
    for article, found in zip(articles, results):
        # a phrase only the headline has is a name if the model found it there or the store
        # knows it (a word alone: as a name, or as what articles call someone); read before
        # the article's transaction, which holds its entities' row locks
        names = {m.text for m in found.entities} | {m.canonical for m in found.entities}
        names |= {p for p in headline_phrases(article) if p not in names and _store_knows(store, p)}
        article_keywords = named_as_entities(keywords(article, names=names, nouns=found.nouns),
                                             found.entities, known)
        with store.transaction():
            by_name: dict[tuple[str, str], list] = {}
            for m in found.entities:
                by_name.setdefault((m.canonical or m.text, m.type), []).append(m)
            named: list[tuple[Entity, str]] = []
            for (name, type_), mentions in by_name.items():
                roles = [r for r, _ in Counter(m.role for m in mentions if m.role).most_common()]
                named.append((Entity(name=name, type=type_, roles=roles,
                                     aliases=sorted({m.text for m in mentions} - {name}),
                                     short_forms=short_forms(name, type_,
                                                             [m.text for m in mentions])),
                              entity_key(name, type_)))
            ids: dict[str, int] = {}
            links: dict[int, EntityLink] = {}
            eids = store.link_entities(article.id, named)
            for (entity, _key), mentions, eid in zip(named, by_name.values(), eids):
                role = entity.roles[0] if entity.roles else ""
                ids.setdefault(entity.name, eid)
                # Two spellings may share one key ("U.S." and "US"): one link, mentions summed.
                link = links.setdefault(eid, EntityLink(entity_id=eid, mentions=0, role=role))
                link.mentions += len(mentions)
                link.role = link.role or role
            for q in found.quotes:
                q.speaker_entity_id = ids.get(q.speaker)
            store.replace_article_enrichment(article.id, list(links.values()), found.quotes,
                                             found.dates, article_keywords)


def run_summary(store: Store, articles: list[Article]) -> None:
    from .summary import summarise_article

    for article in articles:
        if article.summary and not article.summary_generated:
            continue  # a summary the outlet gave is never replaced
        text, _blocks = summarise_article(article)
        store.update_article_fields(article.id, summary=text, summary_generated=True)


def run_section(store: Store, articles: list[Article], sections: list[str] | None = None) -> None:
    """A section the outlet gave, mapped onto the site's list (NEWSDESK_SECTIONS); else
    `sections.place`: the store's classifier or the nearest section description, each only
    where it is sure; else Uncategorised."""
    from .sections import SectionClassifier, place, section_text

    sections = sections or _site_sections()
    if store.get_blob(SECTION_LIST_BLOB) is None:  # the store's first articles
        _record_section_list(store, sections)
    model = None
    blob = store.get_blob(SECTION_MODEL_BLOB)
    if blob:
        model = SectionClassifier.from_bytes(blob)
    labels = {a.id: given_section(a, sections) for a in articles}
    unsure = [a for a in articles if labels[a.id] is None]
    placed = place([section_text(a.title, a.text) for a in unsure], model, sections)
    labels.update(zip((a.id for a in unsure), placed))
    unsure_ids = {a.id for a in unsure}
    moved: set[int] = set()  # stories some of whose articles changed section
    for article in articles:
        label = labels[article.id]
        given = article.id not in unsure_ids
        if label != article.section or given != article.section_given:
            store.update_article_fields(article.id, section=label, section_given=given)
            if article.story_id is not None and label != article.section:
                moved.add(article.story_id)
    if moved:  # placed before this run (a retrained model): their stories follow them
        from ..stories.stage import refresh_story_sections

        refresh_story_sections(store, moved)


def given_section(article: Article, sections: list[str]) -> str | None:
    """The site section the outlet gave this article, if any maps: its headline's kicker
    first ("Opinion", "Markets": the item's own label), then the section its address files
    it under (`wsj.com/tech/...`), then the section its page or feed gave. That last is often
    the whole feed's: a "World News" feed carries personal finance, arts and politics, each
    filed under its own path."""
    from .sections import map_section, url_section

    label = map_section(article.kicker, sections) if article.kicker else None
    label = label or url_section(article.url, sections)
    if not label and article.given_section_name:
        label = map_section(article.given_section_name, sections)
    return label


def section_list_change(store: Store) -> tuple[list[str], list[str]] | None:
    """(the list the store's articles were placed on, the site's list now) when they
    differ; None when they agree or the store placed nothing yet."""
    blob = store.get_blob(SECTION_LIST_BLOB)
    now = _site_sections()
    if blob is None or blob.decode() == ",".join(now):
        return None
    return [s for s in blob.decode().split(",") if s], now


def place_all_sections(store: Store, advance: Callable[[int], None] = lambda n: None,
                       batch: int = 200) -> tuple[int, int]:
    """Run the section stage on every article (the site's list or the model changed), then
    record the list they now stand on. Returns (placed, failed); `advance(n)` after each
    batch. While any failed, the list is not recorded, so the next `enrich` tries again."""
    from ..pipeline import default_stages, enrich_articles
    from ..store.base import iter_all_ids

    stage = next(s for s in default_stages() if s.name == "section")
    ids = list(iter_all_ids(store))
    failed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        failed += enrich_articles(store, chunk, [stage]).get("section", 0)
        advance(len(chunk))
    if not failed:
        _record_section_list(store, _site_sections())
    return len(ids) - failed, failed


def _record_section_list(store: Store, sections: list[str]) -> None:
    store.put_blob(SECTION_LIST_BLOB, ",".join(sections).encode())


def _site_sections() -> list[str]:
    """The site's sections, as the web app reads them (config.Settings.sections)."""
    from ..config import Settings

    return Settings.from_env().section_list


def train_section_model(store: Store) -> tuple[int, list[str]]:
    """Train the section classifier on the store's own articles whose outlet gave a section
    that maps onto the site's list; keep it in the store. Returns (examples, labels)."""
    from ..store.base import ArticleFilter, iter_all_ids
    from .sections import SectionClassifier, section_text

    sections = _site_sections()
    texts, labels = [], []
    ids = list(iter_all_ids(store))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for a in store.list_articles(ArticleFilter(ids=chunk, order="id", limit=len(chunk))):
            mapped = given_section(a, sections)
            if mapped:
                texts.append(section_text(a.title, a.text))
                labels.append(mapped)
    # A section seen once or twice cannot be learned (nor calibrated); leave it out.
    counts = Counter(labels)
    keep = [i for i, label in enumerate(labels) if counts[label] >= MIN_SECTION_EXAMPLES]
    texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    model = SectionClassifier.train(texts, labels)  # ValueError with fewer than two sections
    store.put_blob(SECTION_MODEL_BLOB, model.to_bytes())
    return len(texts), model.labels


def enrich_stages() -> list["Stage"]:
    from ..pipeline import Stage

    return [
        Stage("who", 35, run_who),  # 6: signed and nested quotes, nearest speaking verb, no-break spaces;
        # 7: a year that ends a name ("Act of 1977") is no date; "March of 2020" is one;
        # 8: a bare surname or acronym is the one entity articles called so; no title is
        # stripped from an organisation's name ("General Motors" was "Motors"); 9: a headline's
        # names the body or the store already knows are linked (a feed teaser names few);
        # keywords leave out a headline's kicker ("Opinion | ..."); 10: a name said once is a
        # keyword whole ("Donald Trump", not "Donald" and "Trump"); no weekday or month is one;
        # 11: a keyword that only a sentence's start capitalised is written in lower case
        # ("Debris", "Stock markets" looked like names); 12: an organisation's name without
        # its legal form ("Apple Inc." and "Apple" are one entity); an article finds the names
        # the one before it in its batch gave; 13: what was said starts after "that," and a
        # clause hung on a speaking verb past a comma is nobody's words; a people and a
        # common word are one organisation ("Islamic State", not "Islamic" and "State"); a
        # word only the headline has keeps its capital only as a name ("consumers", "Trump");
        # 14: a count of years or days is no date ("its 41-year history" was 1941); a date
        # the sentence compares with is a "reference" ("lowest since 2003", a past "before
        # 2025"), on no timeline;
        # a month or day the tense leaves open is the nearer one, not always the last; a
        # title before a name is never cut from another name ("Arlington", "old"), and a
        # name the parser joins to titles as a conjunct is the speaker ("American academic
        # and professor Marc Lamont Hill"); a middle initial stays in a name ("George W.
        # Bush" was "W. Bush"); `said X commenting on ...` and `Governor of Washington X`
        # give X as the speaker; `a statement from X` is X's; a described thing (`is claimed
        # to be "..."`) and a name for a thing (`commonly called "apps"`) say nothing; a role
        # ends with its paragraph; a short name keeps the person it was first read as; a
        # university's campus and a word the model left off a name's front are the name's
        # ("University of North Carolina at Greensboro", "Internet Explorer"); a name stops
        # at a sentence's end ("Bank of Canada. These"); "the Church" is the Church of
        # Scientology the article names, and a common word is no short form across articles;
        # 15: a clipped word is the one organisation it cuts short ("the Fed"); a country's
        # everyday name is the country ("Britain"); a company's longer name is the shorter one
        # known ("Ford Motor Company", "U.S. Federal Reserve" -> Ford, Federal Reserve); a
        # name is the article's one longer name ending so ("Chrome": Google Chrome); a PERSON
        # the store knows as an organisation is one ("Pixar"); "airline, Ryanair," is a company;
        # 16: a company's legal name and its acronym are one ("European Aeronautic Defence &
        # Space NV (EADS)"); a plural product is the one it counts ("iPhones"); a camel-case
        # brand is no people ("iTunes" was NORP); a name does not open with "a" (`a "New GM`);
        # the capitalised words after "named" are a thing's name, not a quote; a quote after a
        # sentence that names who issued it is theirs ("Cornyn issued a statement ... \"...\"");
        # "who" is a person, not the place of work before it; "Cornyn's statement added" is Cornyn;
        # a name with its s left off is the name known more ("General Motor's" and its "GM");
        # a unit's symbol after a figure is no name ("16 GB"); a letter or statement speaks for
        # who wrote it ("Jobs resigned in a letter ... stating", "a statement on Apple's website");
        # an acronym may hold an ampersand ("S&P" is Standard & Poor's); a few quoted words are
        # checked against the verb of their own sentence ("pointed to ... gumball \"pills\""); a
        # company after a country's possessive is the company ("UK's VT Group");
        # 17: a name written after "the" is no person ("the App Store", "the Beatles"); a name
        # after its kind is a thing ("web browser Safari", "the cruise ship, Freewinds"); an
        # acronym is no person nor a surname ("DAB"); no person's name opens "Pro-Beijing"; a
        # craft's name is a thing ("Space Shuttle Columbia", "aircraft carrier Carl Vinson"); a
        # fair or expo is an event ("Google Science Fair"); what the copy says a name is, it
        # is ("Longyear is a Norwegian settlement", "Valeska Paris, an Australian woman,"); a
        # newspaper's name is an organisation's ("Saudi Gazette" was a place); a role is no
        # contrast ("Jobs, not Papermaster, who ..."), no quotation ("the text \"Steve Jobs
        # 1955-2011\"") and no relative clause after it ("..., who stated, ..."); a name ends
        # at an em dash and at its closing quote ("Tariff Man\"—to", "\"Big Three\" United
        # States"); an amount of money is no name ("US $299" was an event); a word the model
        # took for a person that the article also writes in lower case is a thing ("Iodine"); a
        # business before a full name makes a company ("retailer Best Buy"); "Tiger, the newest
        # version of ..." is a thing; a person the article names on their own is cut from the
        # end of an organisation's span ("Air Force for Acquisition Marvin Sambur"); an owner
        # named on its own is apart from its thing ("Apple Computer's Mac OS"); where something
        # is located, based or born is a place ("located in Evansville"); a person's body after
        # "of" is an organisation ("Cheng Chung-tai of Civic Passion"); a name ending in a
        # street's or a body's word is no person ("Castlefrank Road", "Music Store");
        # 18: a one-word name the copy counts in the plural is a thing ("sold 13.7 million
        # Macs", "bought 20 Dreamliners", "Warhol's Polaroids");
        # 19: a lone word taken for a person that ends a longer name of a thing is that thing
        # ("Google Chrome" ... "Chrome"); a name with users is a thing ("IE6 users"); a
        # building's or ground's name is a place ("Kennedy Space Center", "Museum of Flight");
        # a full name listed among people's is a person's ("Chuck Close , Walker Evans , ...");
        # a body the copy calls so or gives members is an organisation ("the elite group
        # within Scientology called the Sea Org", "a member of Scientology", "posted to Twitter");
        # a river's bank is no bank ("West Bank" was an organisation);
        # 20: one type per name in an article, the first mention's in a tie ("Windows" was
        # NORP and PLACE); a town with its country or state is a place ("Toulouse, France,
        # on"); a name before a product's kind is a thing ("the Safari 4.0 web browser"), before
        # a service's an organisation ("the Twitter social network"), as is the body of a
        # company's officers ("vice president of Dacia"); "... Mutual", "... Securities",
        # "... Industries", "... Technologies", "... Motors" are organisations; a lone word
        # opening an organisation's longer name is it ("Northrop"); a PERSON the store links
        # as a thing in more articles is that thing ("Safari");
        # 21: a Title Case headline is read in sentence case (nlp.sentence_case): its names
        # the body or store knows are linked ("Trump Can Prevent a War Among Iran" was one ORG);
        # 22: a headline span run on past a possessive whose owner the body or store names is
        # two names ("Donald Trump’s Greenland"); 23: a person's full name only a headline
        # gives is linked ("Jerome Powell punches back"); 24: a headline's inflected common
        # word is read in lower case ("Kim Embarks" was a person); 25: "with Boswell stating:"
        # is Boswell's quote, not the paper's that quoted her; a rare first name before the
        # model's one-word person is the person's ("Enver Solomon" was "Solomon"); 26: a
        # headline's organisations by their heads are read in sentence case ("Kenya’s Central
        # Bank" over "Kenya’s central bank" linked Russia's "Central Bank"); 27: a body's name
        # runs on past a second "of"/"for" ("Joint Council for the Welfare of Immigrants");
        # 28: "said <role> at <organisation>, <name>" is the name's quote; no indirect report
        # opens with a clitic ("'s why ..." cut from inside a direct quote); 29: of two
        # subjects the parser hangs on a verb, the person speaks ("chief ... Duncan McNab stated");
        # 30: a source list's cited headlines ("..." — Toronto Star, August 15, 2008) are no quotes;
        # 31: a headline's country is linked whoever else names it ("Vietnam’s growth ...");
        # 32: said_to only after a verb whose `to` is a listener (not `according to X`, the
        # speaker, nor `responded to Jobs' death`); 33: an abbreviation defined by lower-case
        # words ("voice over internet protocol (VoIP)") is a term, not a name; 34: a thing
        # `dubbed a "retina display"` or glossed (`a free case, or "bumper,"`) is named, not
        # quoted; the region after a town (`Livorno, Tuscany,`) is a place, as is a name
        # `in and around` or `north of`; a common word capitalised only by its sentence is no
        # person (`Continuous growth`); a name ending a sentence leaves its full stop
        # (`James To.`); a role drops the `company` it points back with (`company CEO`);
        # 35: that common word from Zipf 3 (`Benchmark crude`, `Dashboard provides`)
        Stage("summary", 4, run_summary),  # 3: sentences holding page furniture (captions, "Scroll down") rank lower
        # 4: a line that is only a date or time stamp is never picked
        Stage("section", 4, run_section),  # 2: char n-gram SVM, threshold 0.7; 3: what it
        # cannot place goes to the nearest section description; the site's own section list;
        # 4: the section an article's own address files it under, before the feed's
    ]
