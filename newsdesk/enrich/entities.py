"""Named entities of one article: the model's spans, mended by general rules and typed
(roles.py reads the roles the text gives people; canonical.py resolves the names to one
per entity in the article).

Everything works on character offsets into the joined article text (see nlp.py); the
caller maps them back to blocks.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable

from dateparser.timezones import timezone_info_list
from spacy.tokens import Doc
from wordfreq import zipf_frequency

from newsdesk.enrich.evidence import DESCRIPTOR, country_names, name_evidence, settled
from newsdesk.enrich.layout import drop_slugs, layout_rules
from newsdesk.enrich.canonical import KnownEntities, canonical_names  # noqa: F401  (who.py)
from newsdesk.enrich.names import (HONORIFICS, LEADING_THE, POSSESSIVE, all_capitalised,
                                   core_name, is_common_word, without_legal_form)
from newsdesk.enrich.names import entity_key  # noqa: F401  (who.py imports it from here)
from newsdesk.enrich.names import TITLES  # noqa: F401  (quotes.py imports it from here)

TYPES = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
    "NORP": "NORP", "EVENT": "EVENT", "WORK_OF_ART": "OTHER", "LAW": "OTHER",
    "PRODUCT": "OTHER", "LANGUAGE": "OTHER",
}

# Organisation heads: "<Capitalised words> University", "Ministry of Defence", "Bank of X".
_ORG_HEADS = (
    "University|Institute|Institution|Agency|Ministry|Council|Committee|Commission|"
    "Corporation|Corp|Bank|Association|Foundation|Party|Department|Court|College|School|"
    "Hospital|Group|Fund|Organisation|Organization|Union|Federation|Board|Authority|"
    "Company|Inc|Ltd|Assembly|Parliament|Congress|Senate|Academy|Society|Club|League|"
    "Centre|Center|Service|Police|Army|Navy|Bureau|Reserve|Exchange|Airlines|Airways|"
    "Gazette|Herald|Tribune|Journal|Chronicle|Telegraph|"
    "SpA|AG|plc|PLC|Plc|NV|GmbH|Holdings|Bancorp|Co(?=\\.|\\s|$)"
)
_CAP = r"(?:[A-Z][\w&'’.-]*)"
# ... and companies' heads, which are never "of" anything (`Renault Samsung Motors of Korea`)
_COMPANY_HEADS = "Mutual|Securities|Industries|Technologies|Motors"
_ORG_RE = re.compile(
    rf"\b(?:{_CAP}\s+){{1,4}}(?:{_ORG_HEADS})\b(?!-)(?:\s+(?:of|for)(?:\s+the)?(?:\s+{_CAP}){{1,3}}){{0,2}}"
    # a university's campus is part of its name: `University of North Carolina at Greensboro`
    # and `... at Chapel Hill` are two universities (GUM's Warhol article had one)
    rf"|\b(?:University|College)\s+of(?:\s+{_CAP}){{1,3}}\s+at(?:\s+{_CAP}){{1,2}}"
    rf"|\b(?:{_ORG_HEADS})\s+(?:of|for)(?:\s+the)?(?:\s+{_CAP}){{1,3}}"
    rf"|\b(?:{_CAP}\s+){{1,4}}(?:{_COMPANY_HEADS})\b(?!-)"
)
# Named events: "<Capitalised words> Open|Cup|Championship|Games ...", with the edition's
# year before and what it is of after (`1998 World Cup`, `World Series of Golf`).
_EVENT_HEADS = ("Open|Cup|Championships?|Games|Olympics|Grand Prix|Tour|Series|Trophy|Masters|"
                "Classic|Tournament|Marathon|Rally|Summit|Festival|War|Election|Fair|Expo")
_EVENT_RE = re.compile(
    rf"(?<![\w-])(?:(?:19|20)\d\d\s+)?(?:{_CAP}\s+){{1,4}}(?:{_EVENT_HEADS})\b"
    rf"(?:\s+of\s+{_CAP}(?!\s+[A-Z]))?"
)
_ORG_HEAD_WORD = re.compile(rf"\b(?:{_ORG_HEADS}|{_COMPANY_HEADS})\b")
_EVENT_HEAD_WORD = re.compile(rf"\b(?:{_EVENT_HEADS})\b")
_NOT_NAME_START = {"The", "A", "An", "This", "That", "Both", "And", "But", "In", "On", "At",
                   "For", "Of", "By", "With", "As", "If", "When", "While", "After"}


def known_types(text: str, spans: list[tuple[int, int, str]],
                known: KnownEntities) -> list[tuple[int, int, str]]:
    """A lone word the model tagged ORG that other articles used as one person's surname is
    that person (the small model tags most `Trump said ...` as an organisation), unless an
    organisation goes by that word in more articles than the person does (`Apple`: a Fiona
    Apple does not take over the company; a `Trump` ORG made by earlier mistagging gives way),
    or the article names an organisation holding it."""
    org_words = set()  # the words of the article's longer organisation names
    person_words = set()  # ... and people's
    for s, e, t in spans:
        words = core_name(text[s:e], t).split() if t in ("ORG", "PERSON") else []
        (org_words if t == "ORG" else person_words).update(words if len(words) > 1 else ())
    retype: dict[str, bool] = {}
    as_thing: dict[str, str] = {}
    out = []
    for s, e, t in spans:
        core = core_name(text[s:e], t)
        if t == "PERSON" and core not in person_words:
            if core not in as_thing:  # a name is said many times: the store is asked once
                as_thing[core] = _known_thing(core, known)
            # `Ryanair`, `Twitter`, `Safari`: the model's PERSON, which other articles name
            t = as_thing[core] or t
        elif t == "ORG" and " " not in core and not core.isupper() and core not in org_words:
            if core not in retype:
                key = entity_key(core, "ORG")
                people = set(known.lookup(entity_key(core, "PERSON"), "PERSON"))
                retype[core] = (len(people) == 1 and not known.lookup(key, "ORG") and
                                known.weight(key, "ORG") < known.weight(
                                    entity_key(people.pop(), "PERSON"), "PERSON"))
            if retype[core]:
                t = "PERSON"
        out.append((s, e, t))
    return out


def _known_thing(core: str, known: KnownEntities) -> str:
    """ORG or OTHER for a name the store links as an organisation or a thing in more
    articles than as a person, which no person goes by as a surname either: the small
    model's PERSON for a company (`Ryanair said`), a product's maker (`Twitter`) or a
    product (`behind Safari`) that other articles typed right; else "". A person's name
    seen as a thing by mistake once gives way to the person's own articles."""
    person_key = entity_key(core, "PERSON")
    weights = {t: known.weight(entity_key(core, t), t) for t in ("ORG", "OTHER")}
    best = max(weights, key=weights.get)
    if weights[best] > 0 and weights[best] > known.weight(person_key, "PERSON") and not \
            known.lookup(person_key, "PERSON"):
        return best
    return ""


_LEADING_ARTICLE = re.compile(r"an?\s+(?=[“\"‘'A-Z])")
_LEADING_POSSESSIVE = re.compile(r"['’]s\s+")


# Abbreviations a name ends on that are written with their dot (any short word kept it, so
# `defeated by James To.` made the entity `James To.`).
_DOTTED = frozenset("inc co corp ltd jr sr st bros mt ft no dr mr mrs ms prof gen col lt sgt "
                    "gov sen rep ave rd blvd cie esq".split())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading `a`, `the` or dash (`― Jorge Falcon`, a signature whose no-break space
    the tokenizer does not split on), the possessive ending of the word before (`men’s
    Munich speeches`: `’s Munich`) and a trailing possessive or punctuation."""
    if m := _LEADING_ARTICLE.match(text, start, end):
        start = m.end()  # `called a "New GM"`: an event's or work's span keeps its edge words
    while end > start and text[start] in "―—–-\u00a0 “\"‘(":
        start += 1
    if (m := _LEADING_POSSESSIVE.match(text, start, end)) and start > 0 and text[start - 1].isalpha():
        start = m.end()
    span = text[start:end]
    m = LEADING_THE.match(span)
    if m and end - start > m.end():
        start += m.end()
        while end > start and text[start] in "“\"‘ \u00a0":
            start += 1  # `the "Big Three`, `the " Iron Lady`
    while end > start and text[end - 1] in " .,;:'’\"”":
        if text[end - 1] == "." and (re.search(r"\b[A-Z]\.[A-Z]?\.?$", text[start:end]) or (
                m := re.search(r"\b(\w+)\.$", text[start:end])) and m.group(1).lower() in _DOTTED):
            break  # "U.S." / "Inc." keep their dot; "James To." ends a sentence
        end -= 1
    m = POSSESSIVE.search(text[start:end])
    if m and end - start > 2 and text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


# What a name does not run across: a spaced dash or colon (`CRICKET - ENGLAND`, a slug and
# a headline), a bracket (`National League for Democracy ( NLD`), a semicolon, a comma
# (`Mercantile , Commerce`), a figure (`Pohang 3 Ulsan`), a list's bullet run into one line
# (`Chicago, Illinois * Wixom Assembly Plant`), an em dash however spaced (`"Tariff Man"—to`).
_BREAK = re.compile(r"\s[-–—:;*•]\s|\s?[()]\s?|\s?,\s|\s\d[\d.,:-]*\s|—")
# Nor does a product's or work's name run across a spaced dash into lower-case words: that
# is an aside (`the new MacBook Pro - a notebook computer replacing the PowerBook -`); nor
# across an em dash or the end of its quotation (`the "Big Three" United States automakers`).
_ASIDE = re.compile(r"\s[-–—]\s+(?=[a-z])|—|(?<=\w)[”\"]\s")
# Figures and lower-case words at the edges of a name are often the sentence's, not the
# name's (`Colin Montgomerie 68`, `Interfax news agency`, `pro-Socialist CFDT union`).
_EDGE_FIGURE = re.compile(r"^[\d.,/+-]+(?:st|nd|rd|th|s)?$")
_PARTICLES = {"de", "da", "di", "du", "van", "von", "der", "den", "del", "la", "le", "al", "el",
              "bin", "ibn", "dos", "das", "y"}


def _pieces(text: str, start: int, end: int, typ: str) -> list[tuple[int, int]]:
    """A model span cut at the breaks no name runs across, each piece without the
    figures and lower-case words at its edges; names of events and works keep theirs
    (`Euro 96`)."""
    if typ in ("EVENT", "OTHER"):
        aside = _ASIDE.search(text, start, end)
        return [(start, aside.start() if aside else end)]
    out, pos = [], start
    for m in list(_BREAK.finditer(text, start, end)) + [None]:
        a, b = pos, (m.start() if m else end)
        pos = m.end() if m else end
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", text[a:b])]
        while words and _edge_word(text[a + words[-1][0]:a + words[-1][1]], typ, last=True):
            words.pop()
        while words and _edge_word(text[a + words[0][0]:a + words[0][1]], typ, last=False):
            words.pop(0)
        if words:
            out.extend(_conjuncts(text, a + words[0][0], a + words[-1][1]))
    return [piece for a, b in out for piece in _sentences(text, a, b)]


# A full stop after a word (not an abbreviation) then a capital: the model ran a name on
# into the next sentence (`Bank of Canada. These`, `University of Southern Indiana. USI`)
_SENTENCE_END = re.compile(r"(?<=[a-z]{3})\.\s+(?=[A-Z])")
_ABBREVIATIONS = {"inc", "corp", "ltd", "bros", "assn", "dept", "univ", "gov", "sen", "rep",
                  "gen", "col", "capt", "sgt", "ave", "blvd", "est", "jan", "feb", "aug", "sep",
                  "sept", "oct", "nov", "dec", "no", "vol", "fig"}


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at sentence ends inside it; a piece that is one common word (`These`,
    `Due`) was the next sentence's opening, not a name."""
    out, pos = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"(\w+)$", text[start:m.start()])
        if word is None or word.group(1).lower() in _ABBREVIATIONS:
            continue
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(a, b) for k, (a, b) in enumerate(out)
            if b > a and not (k and " " not in text[a:b] and is_common_word(text[a:b]))]


_TWO_NAMES = re.compile(r"([A-Z][\w'’.-]+) (?:and|or) ([A-Z][\w'’.-]+)")


def _conjuncts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Two one-word names joined by `and`/`or` are two names (`Mercantile and Commerce`,
    `Derbyshire and Surrey`), unless together they name a country (`Trinidad and Tobago`)."""
    m = _TWO_NAMES.fullmatch(text, start, end)
    if not m or m.group(1) == m.group(2) or text[start:end] in country_names():
        return [(start, end)]
    return [m.span(1), m.span(2)]


@functools.lru_cache(maxsize=1)
def _zone_abbreviations() -> frozenset[str]:
    """Time-zone abbreviations (`GMT`, `EST`, `CEST`), from dateparser's table."""
    return frozenset(name for group in timezone_info_list for name, _ in group["timezones"])


def _is_time_zone(text: str, start: int, end: int) -> bool:
    """`UTC` and `GMT` anywhere, another zone's abbreviation after a clock time
    (`0900 EST`, `10 a.m. PST`): a time, never an organisation (trending showed them)."""
    word = text[start:end]
    if word in ("UTC", "GMT") or re.fullmatch(r"(?:UTC|GMT)[+-]\d{1,2}(?::?\d\d)?", word):
        return True
    return (word in _zone_abbreviations()
            and re.search(r"(?:\d|[ap]\.?m\.?)\s*$", text[max(0, start - 12):start], re.IGNORECASE) is not None)


def _edge_word(word: str, typ: str, last: bool) -> bool:
    """A word at the edge of a span that is not part of the name: a lower-case word, and
    for a person any figure (`Colin Montgomerie 68`); an organisation or place keeps a
    plain number (`Studio 54`, `Terminal 3`, `501st Legion`) and loses a score (`Surrey 429-7`)."""
    if _EDGE_FIGURE.match(word) and (typ == "PERSON" or re.search(r"\d[-/]\d", word)):
        return True
    if not last and typ in ("ORG", "PLACE") and word in _QUESTION_OPENERS:
        return True  # `Are Meta and Alphabet ...?`: the question's verb (a person may be Are)
    if not last and typ == "PERSON" and DESCRIPTOR.search(word):
        return True  # `Pro-Beijing DAB's`: no one's name opens so (an organisation's may:
        # the Anti-Defamation League)
    return word.islower() and word.isalpha() and (last or word not in _PARTICLES)


# Verbs that open a question before a name and take its capital (`Is Apple ...?`)
_QUESTION_OPENERS = {"Are", "Is", "Was", "Were", "Does", "Do", "Did", "Has", "Have", "Had",
                     "Should", "Could", "Would", "Will", "Can", "Shall"}


@functools.lru_cache(maxsize=1)
def _unit_symbols() -> frozenset[str]:
    """Capitalised symbols of units (`GB`, `MHz`, `MW`), as CLDR writes two of each short
    ("2 GB"); one letter (`A`, `W`) is left out: an initial as often as a unit."""
    from babel import Locale
    from babel.units import format_unit

    symbols = (format_unit(2, unit, length="short", locale="en").replace("2", "", 1).strip()
               for unit in Locale("en").unit_display_names)
    return frozenset(s for s in symbols if len(s) > 1 and s[:1].isupper() and s.isalpha())


def _is_unit(text: str, start: int, end: int) -> bool:
    """A unit's symbol after a figure or in brackets (`16 GB`, `5 gigabytes (GB)`): a
    measure, never a name (the demo's iPhone articles had a person `GB`)."""
    return text[start:end] in _unit_symbols() and (
        re.search(r"\d\s?$", text[max(0, start - 3):start]) is not None
        or text[start - 1:start] == "(" and text[end:end + 1] == ")")


# An abbreviation the text defines by lower-case words ("digital rights management (DRM)",
# "voice over internet protocol (VoIP)") is a term, not a name, wherever the article uses it
# (the demo had an organisation `DRM` and a person `VoIP`); a name is defined by its capitals
# ("World Health Organization (WHO)").
_DEFINED = re.compile(r"(?<![\w-])((?:[a-z][a-z-]*,?\s+){1,6})\(([A-Za-z]{2,6})\)")
_NOT_SPELLED = frozenset({"a", "an", "the"})


def defined_terms(text: str) -> set[str]:
    """The abbreviations `text` defines in brackets after the lower-case words they spell:
    each capital of the abbreviation begins one of those words, in order, the first its
    first ("maintenance, repair and overhaul (MRO)")."""
    out = set()
    for m in _DEFINED.finditer(text):
        words, abbr = m.group(1).replace(",", " ").split(), m.group(2)
        capitals = [c.lower() for c in abbr if c.isupper()]
        if len(capitals) < 2:  # "(tennis)", "(apps)": a word; "(dB)": too little to tell
            continue
        for k in range(len(capitals), len(words) + 1):
            window = words[-k:]
            if window[0] in _NOT_SPELLED or window[0][0] != capitals[0]:
                continue
            initials = iter(w[0] for w in window)
            if all(c in initials for c in capitals):
                out.add(abbr)
                break
    return out


# A capital that only a sentence's opening gave: `Continuous growth can make economies fat`,
# `Volunteer organization Comic Corps ...`, `Attendance : 2,000` (CoNLL), each a person to
# the model. A word of the English dictionary (lemminflect's: not `Jim`, an email's sign-off)
# as common as these (Zipf 3 and over: `Benchmark crude was down`, `Dashboard provides ...`
# are 3.6 and 3.3) that the article never capitalises inside a sentence, that ends no
# person's longer name and says nothing (`Frank said`), is no name. Surnames that are words
# (`Woods`, `Brown`) are written capitalised mid-sentence too. CoNLL dev PER precision, both
# halves: Zipf 4 0.911 / 0.900, Zipf 3 0.913 / 0.902, recall unchanged (2.5: as 3).
COMMON_WORD_ZIPF = 3.0
_OPENING = re.compile(r"(?:^|[.!?:;]['\"”’)]*\s+|\n\s*)$")
_SPEAKS_AFTER = re.compile(r",? (?:said|says|told|tells|added|asked|wrote|writes)\b")


def _opening_words(view: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    from lemminflect import getAllLemmas  # loaded when first needed (about 0.9 s)

    people = {view[s:e].split()[-1] for s, e, t in spans if t == "PERSON" and " " in view[s:e]}

    def opening_word(s: int, e: int, t: str) -> bool:
        word = view[s:e]
        if t != "PERSON" or not word.isalpha() or not word[1:].islower() or word in people \
                or not _OPENING.search(view, max(0, s - 4), s):
            return False
        if zipf_frequency(word.lower(), "en") < COMMON_WORD_ZIPF \
                or not getAllLemmas(word.lower()) or _SPEAKS_AFTER.match(view, e):
            return False
        return not any(not _OPENING.search(view, max(0, m.start() - 4), m.start())
                       for m in re.finditer(rf"(?<![\w-]){word}(?![\w-])", view))

    return [sp for sp in spans if not opening_word(*sp)]


# An amount of money is no name, whatever the model made of it (`US $299` was an event).
_MONEY = re.compile(r"[$€£¥]\s?\d")


def raw_spans(doc: Doc, text: str) -> list[tuple[int, int, str]]:
    """The model's entities, mended: (start, end, type) over the joined text."""
    # The model's view of the text: upper-case headlines re-cased, same offsets. Names are
    # compared there (`AUSTRIA` is the `Austria` of the body). Doc.text joins every token
    # on each call, so it is read once.
    view = doc.text
    terms = defined_terms(text)
    spans = []
    for ent in doc.ents:
        typ = TYPES.get(ent.label_)
        if not typ:
            continue
        for a, b in _pieces(text, ent.start_char, ent.end_char, typ):
            start, end = _trim(text, a, b)
            if (end > start and any(c.isupper() for c in view[start:end])
                    and not _is_time_zone(text, start, end) and not _is_unit(text, start, end)
                    and not _MONEY.search(text, start, end)
                    and text[start:end].rstrip(".") not in terms):
                spans.append((start, end, typ))
    spans = _join_legal_forms(text, _join_people_to_their_body(text, spans))
    spans = _without_letters_after_names(text, spans)
    spans = _name_words_before(doc, view, spans)
    spans = _add_pattern_orgs(view, spans)
    spans = _people_after_bodies(text, spans)
    spans = possessors_apart(text, spans)
    spans = drop_slugs(text, spans)
    spans = _opening_words(view, spans)
    spans, teams = layout_rules(text, spans)
    spans = _listed_people(view, _facilities(view, spans))
    evidence = name_evidence(view, spans, teams)
    for name, t in _determined(doc, view, spans).items():
        evidence.setdefault(name, t)
    for name, t in _headed(view, spans).items():
        evidence.setdefault(name, t)
    spans = _propagate(view, doc, spans, evidence)
    return _unify_types(view, spans, evidence)


# A thing whose name ends in one of these words is a body, a business or a venue.
_ORG_END = re.compile(rf"\b(?:{_ORG_HEADS}|{_COMPANY_HEADS}|Store|Gallery|Studios?|Records)$")


def _determined(doc: Doc, view: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the model took for people that the text writes as a noun phrase of their own
    after `the` (`the App Store will ...`, `the Beatles' music`, `the PowerBook`): news
    copy puts no article before a person's name. A plural (`the Beatles`) or a name ending
    in a body's word (`the Music Store`) is an organisation, anything else a thing (OTHER).
    Not when `the` belongs to a noun after the name (`the Obama administration`), an
    adjective stands between (`the late Steve Jobs`), or a family is meant (`the Clintons`
    of an article naming Bill Clinton)."""
    people = {w for s, e, t in spans if t == "PERSON" for w in core_name(view[s:e]).split()}
    found: dict[str, str] = {}
    for s, e, t in spans:
        if t != "PERSON":
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or span.start == 0:
            continue
        det = doc[span.start - 1]
        if det.lower_ != "the" or det.dep_ != "det" or not (span.start <= det.head.i < span.end):
            continue
        if span.end < len(doc) and doc[span.end].lower_ in ("to", "-", "–"):
            continue  # a range before its noun, which the parser gives `the` to the first
            # name of: `the Biden to Trump economies`
        name = view[s:e]
        last = name.split()[-1]
        plural = last.endswith("s") and not last.endswith("ss") and len(last) > 3
        if plural and last[:-1] in people:
            continue  # `the Clintons`
        found[name] = "ORG" if plural or _ORG_END.search(name) else "OTHER"
    return found


# Last words that make a name a street or an airport, which no person's surname is.
_PLACE_END = re.compile(r"\b(?:Road|Street|Avenue|Boulevard|Airport)$")
# ... and a building or ground, which the model often calls an organisation (a museum is a
# body too, but GUM and CoNLL type it where the shuttle went, as a place).
_FACILITY_END = re.compile(
    r"\b(?:Stadium|Arena|Station|Planetarium|Museum|Towers?|Prison|Hotel|Bridge|Palace|Square|Zoo|"
    r"Cathedral|Air Force Base|(?:Space|Science|Convention|Tennis|Shopping|Trade|Exhibition|"
    r"Sports|Conference) (?:Center|Centre))$")
_MUSEUM_OF = re.compile(r"\bMuseum of\b")  # `Museum of Flight`, `National Museum of ...`


def _facilities(view: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A building's or ground's name is a place, whatever the model said (`Kennedy Space
    Center`, `Old Trafford Stadium`: an organisation to it, a place to GUM and CoNLL); typed
    before the article's evidence, so an acronym beside it (`KSC`) takes the place's type."""
    return [(s, e, "PLACE" if t in ("PERSON", "ORG") and " " in view[s:e]
             and (_FACILITY_END.search(view[s:e]) or _MUSEUM_OF.search(view[s:e])) else t)
            for s, e, t in spans]


# Between two names of one list: a comma, `and`, `or`, or a comma and one of them.
_LIST_GAP = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")


def _listed_people(view: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A full name listed among people's full names is a person's, whatever the model said
    (`Romelu Lukaku , Yannick Carrasco , and Dries Mertens`: the last was a thing to it).
    Only a name of two or three capitalised words that no body's or building's word ends."""
    ordered = sorted(spans)
    out = list(ordered)
    run: list[int] = []

    def settle(run: list[int]) -> None:
        people = [i for i in run if ordered[i][2] == "PERSON"
                  and " " in view[ordered[i][0]:ordered[i][1]]]
        if len(people) < 2:
            return
        for i in run:
            s, e, t = ordered[i]
            words = view[s:e].split()
            if t in ("ORG", "OTHER") and 2 <= len(words) <= 3 \
                    and all_capitalised(words) \
                    and not _ORG_END.search(view[s:e]) and not _FACILITY_END.search(view[s:e]):
                out[i] = (s, e, "PERSON")

    for i, (s, e, t) in enumerate(ordered):
        if run and _LIST_GAP.fullmatch(view[ordered[run[-1]][1]:s]):
            run.append(i)
        else:
            settle(run)
            run = [i]
    settle(run)
    return out


def _headed(view: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the model took for people that end in a place's or a body's word: `Castlefrank
    Road` is a place, `the Art Gallery` and `Steven F. Udvar-Hazy Center` are bodies."""
    found: dict[str, str] = {}
    for s, e, t in spans:
        name = view[s:e]
        if t == "PERSON" and " " in name:
            if _PLACE_END.search(name):
                found[name] = "PLACE"
            elif _ORG_END.search(name):
                found[name] = "ORG"
    return found


_OPENERS = ".:;!?\"“‘'("


def _written_inside(view: str, words: str) -> bool:
    """`words` appear somewhere not at a sentence's or a quotation's start."""
    for m in re.finditer(re.escape(words), view):
        i = m.start() - 1
        while i >= 0 and view[i] == " ":
            i -= 1
        if i >= 0 and view[i] not in _OPENERS and view[i] != "\n":
            return True
    return False


# A first name is rarer than this as a word (`Enver` 2.2, `Didier` 3.0); `Ambassador` (4.4)
# and `Cardinal` (3.9) before a surname are the person's office. A word English text never
# uses (Zipf 0) is no first name it knows either (`Trofej Beograd`, a tournament)
FIRST_NAME_ZIPF = 3.5


def _name_words_before(doc: Doc, view: str, spans: list[tuple[int, int, str]]
                       ) -> list[tuple[int, int, str]]:
    """`Internet Explorer`: the model sometimes tags an organisation or product from its
    last word (`Explorer`), and the article's repeats of that word then all name it so. A
    capitalised word right before such a span, inside the sentence, in no other name or date
    (`December GM`, `Today Apple`) and no title, is the name's own. So is a rare proper
    noun right before a person the model named by the surname alone (`Enver Solomon`)."""
    taken = {i for s, e, _ in spans for i in range(s, e)}
    out = []
    for s, e, t in spans:
        # `CEO of the Refugee Council Enver Solomon`: the model's person is the surname
        # alone; a first name is a proper noun and no common word (`Chancellor` is a title).
        # An article gives a person's full name before the surname alone: a word it used
        # alone before is some other name (`Twitter ... "Wilayat Twitter"`, an account)
        surname = t == "PERSON" and " " not in view[s:e] and not re.compile(
            rf"\b{re.escape(view[s:e])}\b").search(view, 0, s)
        if t == "ORG" or surname:
            tok = doc.char_span(s, e, alignment_mode="expand")
            for _ in range(1 if surname else 2):
                prev = doc[tok.start - 1] if tok is not None and tok.start > 0 else None
                if surname and prev is not None and (
                        prev.tag_ != "NNP" or not 0 < zipf_frequency(prev.lower_, "en") < FIRST_NAME_ZIPF):
                    break
                # a sentence's first word is capitalised anyway: it is the name's when the
                # article also writes the two together inside a sentence (`Internet
                # Explorer's market share` and `Microsoft's Internet Explorer 9`)
                opening = prev is not None and (prev.is_sent_start or (
                    prev.i > 0 and doc[prev.i - 1].text in _OPENERS))
                if opening and not _written_inside(view, f"{prev.text} {view[tok.start_char:e]}"):
                    break
                if (prev is None or not prev.is_title or not prev.is_alpha or prev.idx in taken
                        or prev.ent_type_
                        or prev.whitespace_ != " " or prev.lower_ in TITLES or prev.lower_ in HONORIFICS
                        or prev.lower_ in ("the", "a", "an")):
                    break
                s, tok = prev.idx, doc[prev.i:tok.end]
        out.append((s, e, t))
    return out


def _join_legal_forms(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """`Chrysler LLC`: the model sometimes reads a company's legal form as an organisation
    of its own after the name; the form (whatever cleanco drops from the two together)
    belongs to the name before it."""
    out: list[tuple[int, int, str]] = []
    for span in spans:
        if out and out[-1][2] == "ORG" and span[2] == "ORG" and text[out[-1][1]:span[0]] == " ":
            name = text[out[-1][0]:out[-1][1]]
            if without_legal_form(f"{name} {text[span[0]:span[1]]}") == name:
                out[-1] = (out[-1][0], span[1], "ORG")
                continue
        out.append(span)
    return out


# `Mark Tedeschi, QC,`, `Tom Molomby, SC.`: letters of a rank or degree right after a name,
# between commas (the model reads them as an organisation or a place)
_LETTERS_AFTER_NAME = re.compile(r"[A-Z]{2,3}")


def _without_letters_after_names(text: str, spans: list[tuple[int, int, str]]
                                 ) -> list[tuple[int, int, str]]:
    """The spans less the letters after a person's name (`QC`, `SC`, `MP`): a rank, not a
    name of their own."""
    out: list[tuple[int, int, str]] = []
    for s, e, t in spans:
        if (out and out[-1][2] == "PERSON" and t != "PERSON" and text[out[-1][1]:s] == ", "
                and _LETTERS_AFTER_NAME.fullmatch(text, s, e) and text[e:e + 1] in ("", ",", ".", ";")):
            continue
        out.append((s, e, t))
    return out


def _join_people_to_their_body(text: str, spans: list[tuple[int, int, str]]
                               ) -> list[tuple[int, int, str]]:
    """`Islamic State`: the model reads a people's adjective (NORP) and then a one-word
    organisation; when that word alone names nothing, being one of the language's most
    common (`State`, `Party`, `Government`: Zipf >= 5), the two are one organisation. A
    name the word is on its own stays apart: `British FTSE`, `Japanese Toyota`."""
    out: list[tuple[int, int, str]] = []
    for span in spans:
        if out and out[-1][2] == "NORP" and span[2] == "ORG" and text[out[-1][1]:span[0]] == " ":
            word = text[span[0]:span[1]]
            if word.isalpha() and word[0].isupper() and not word.isupper() and is_common_word(word):
                out[-1] = (out[-1][0], span[1], "ORG")
                continue
        out.append(span)
    return out


def _people_after_bodies(text: str, spans: list[tuple[int, int, str]]
                         ) -> list[tuple[int, int, str]]:
    """An organisation's span that ends with the full name of a person the article names on
    their own elsewhere is the organisation and then the person (`the Air Force for
    Acquisition Darleen Druyun` beside `USAF official Darleen Druyun`): no organisation's
    name ends with a person's full name."""
    # (not a thing the model took for a person: `iTunes Music Store` keeps its `Music Store`)
    people = {name for s, e, t in spans if t == "PERSON" and " " in (name := text[s:e].strip())
              and not is_common_word(name.split()[-1]) and not _ORG_END.search(name)}
    if not people:
        return spans
    out = []
    for s, e, t in spans:
        name = text[s:e]
        person = next((p for p in people if name.endswith(" " + p)), None) if t == "ORG" else None
        if person is None:
            out.append((s, e, t))
            continue
        cut = e - len(person)
        out += [(s, s + len(text[s:cut].rstrip()), t), (cut, e, "PERSON")]
    return out


INNER_POSSESSIVE = re.compile(r"(?<=\w)['’]s? (?=[A-Z])")


def possessors_apart(text: str, spans: list[tuple[int, int, str]],
                     owner_type: Callable[[str], str | None] | None = None
                     ) -> list[tuple[int, int, str]]:
    """A span `A's B` whose `A` is a name of its own is two names, the owner and its thing
    (`Apple Computer's Mac OS`, `Airbus' Delivery Center` beside `Apple Computer`,
    `Airbus`); a name that holds a possessive stays whole (`New People's Party`, `Korean
    People's Army`: no `New People` is named). `owner_type` says whether `A` is a name and
    its type; by default, when the text names it on its own among `spans`."""
    if owner_type is None:
        owner_type = {text[s:e]: t for s, e, t in spans}.get
    out = []
    for s, e, t in spans:
        m = INNER_POSSESSIVE.search(text, s, e)
        kind = owner_type(text[s:m.start()]) if m else None
        out += [(s, m.start(), kind), (m.end(), e, t)] if kind else [(s, e, t)]
    return out


# A bank of a river, not a bank (`West Bank`, `Left Bank`): CoNLL's ten West Banks were ORG.
_RIVER_BANK = re.compile(r"(?:the )?(?:West|East|North|South|Left|Right) Bank")


def _add_pattern_orgs(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Organisations and events the model misses or cuts short, by their heads
    (`... University`, `... Open`)."""
    found = [(m, "ORG") for m in _ORG_RE.finditer(text)] + [(m, "EVENT") for m in _EVENT_RE.finditer(text)]
    for m, label in found:
        start, end = m.start(), m.end()
        first = text[start:end].split()[0]
        if first in _NOT_NAME_START:
            start += len(first) + 1
        # the words may run on past a full stop (`Bank of Canada. These`): the name is the
        # sentence's piece that holds the head
        heads = _ORG_HEAD_WORD if label == "ORG" else _EVENT_HEAD_WORD
        held = [(a, b) for a, b in _sentences(text, start, end) if heads.search(text, a, b)]
        if not held:
            continue
        start, end = held[0]
        if "\n" in text[start:end] or len(text[start:end].split()) < 2 \
                or _RIVER_BANK.fullmatch(text[start:end]):
            continue
        start, end = _trim(text, start, end)
        # A person or place the model found inside the match means the match is wrong
        # about its edge only when it is not longer; keep the longer, organisation reading.
        overlapping = [s for s in spans if s[0] < end and start < s[1]]
        if any(s[0] < start or s[1] > end for s in overlapping):
            continue
        spans = [s for s in spans if s not in overlapping] + [(start, end, label)]
    return sorted(spans)


def _propagate(text: str, doc: Doc, spans: list[tuple[int, int, str]],
               evidence: dict[str, str]) -> list[tuple[int, int, str]]:
    """What the article names once it names the same way elsewhere: tag the untagged
    repeats of a tagged surface form (one sense per discourse), and let a full name
    replace a shorter span the model found inside one of its repeats. `text` is the model's
    view, where upper-case headlines are re-cased."""
    other = [(e.start_char, e.end_char) for e in doc.ents if e.label_ not in TYPES]
    spans = [(s, e, settled(text[s:e], evidence) or t) for s, e, t in spans]
    labels: dict[str, Counter] = {}
    for s, e, t in spans:
        labels.setdefault(text[s:e], Counter())[t] += 1
    for form, t in evidence.items():
        labels.setdefault(form, Counter())[t] += len(text)  # outweighs any count
    for form in sorted(labels, key=len, reverse=True):
        if len(form) < 3 or not form[0].isupper():
            continue
        label = labels[form].most_common(1)[0][0]
        for m in re.finditer(r"(?<![\w-])%s(?![\w-])" % re.escape(form), text):
            a, b = m.start(), m.end()
            if any(x < b and a < y for x, y in other):
                continue
            inside = [sp for sp in spans if sp[0] < b and a < sp[1]]
            if any(sp[0] < a or sp[1] > b for sp in inside) or (a, b, label) in inside:
                continue
            if any((sp[0], sp[1]) == (a, b) for sp in inside):
                continue
            spans = [sp for sp in spans if sp not in inside] + [(a, b, label)]
    return sorted(spans)


def _unify_types(text: str, spans: list[tuple[int, int, str]],
                 evidence: dict[str, str]) -> list[tuple[int, int, str]]:
    """One type per name in an article: a lone word that is part of a person's full name
    is that person (`Takaichi` tagged ORG once); otherwise the majority type wins, and in a
    tie the type of its first mention (`Windows` once NORP, once PLACE made two entities of
    one name in one article)."""
    votes: dict[str, Counter] = {}
    for s, e, t in sorted(spans):  # Counter ranks a tie by first insertion: the first mention
        votes.setdefault(core_name(text[s:e]), Counter())[t] += 1
    person_words = set()
    for s, e, t in spans:
        core = core_name(text[s:e])
        words = core.split()
        # (a full name the article mostly gives another type is none: `Northrop Grumman`
        # once PERSON made every lone `Northrop` a person)
        if t == "PERSON" and len(words) > 1 and not settled(text[s:e], evidence) \
                and votes[core].most_common(1)[0][0] == "PERSON":
            person_words.update((words[0], words[-1]))
    out = []
    for s, e, t in spans:
        core = core_name(text[s:e])
        fixed = settled(text[s:e], evidence) or settled(core, evidence)
        if fixed:
            t = fixed
        elif core in person_words:
            t = "PERSON"
        else:
            t = votes[core].most_common(1)[0][0]
        out.append((s, e, t))
    return out
