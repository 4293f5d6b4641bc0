"""Named entities of one article: the model's spans, mended by general rules, typed, given
the roles the text states, and resolved to one canonical name per entity in the article.

Everything works on character offsets into the joined article text (see nlp.py); the
caller maps them back to blocks.
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections import Counter
from typing import Protocol

from babel import Locale
from dateparser.timezones import timezone_info_list
from spacy.tokens import Doc, Span

from newsdesk.enrich.nlp import mostly_upper

TYPES = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
    "NORP": "NORP", "EVENT": "EVENT", "WORK_OF_ART": "OTHER", "LAW": "OTHER",
    "PRODUCT": "OTHER", "LANGUAGE": "OTHER",
}

# Words that open a name as a form of address or office; they are the role, not the name.
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev"}
TITLES = {
    "president", "prime minister", "minister", "chancellor", "premier", "king", "queen",
    "prince", "princess", "pope", "sen", "senator", "rep", "representative", "gov",
    "governor", "mayor", "gen", "general", "col", "lt", "capt", "judge", "justice",
    "secretary", "chairman", "chairwoman", "ceo", "vice president", "speaker", "leader",
}
_TITLE_RE = re.compile(
    r"^(?:(?:%s)\.?\s+)+" % "|".join(
        sorted((re.escape(t) for t in HONORIFICS | TITLES), key=len, reverse=True)),
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)

# Organisation heads: "<Capitalised words> University", "Ministry of Defence", "Bank of X".
_ORG_HEADS = (
    "University|Institute|Institution|Agency|Ministry|Council|Committee|Commission|"
    "Corporation|Corp|Bank|Association|Foundation|Party|Department|Court|College|School|"
    "Hospital|Group|Fund|Organisation|Organization|Union|Federation|Board|Authority|"
    "Company|Inc|Ltd|Assembly|Parliament|Congress|Senate|Academy|Society|Club|League|"
    "Centre|Center|Service|Police|Army|Navy|Bureau|Reserve|Exchange|Airlines|Airways|"
    "SpA|AG|plc|PLC|Plc|NV|GmbH|Holdings|Bancorp|Co"
)
# Legal forms of a company: the words before one name the company on their own too
# (`Pirelli SpA` ... `Pirelli said`).
_LEGAL_FORMS = {"inc", "corp", "corporation", "co", "ltd", "plc", "spa", "ag", "nv", "sa",
                "gmbh", "holdings", "bancorp", "group", "company"}
_CAP = r"(?:[A-Z][\w&'’.-]*)"
_ORG_RE = re.compile(
    rf"\b(?:{_CAP}\s+){{1,4}}(?:{_ORG_HEADS})\b(?:\s+(?:of|for)(?:\s+the)?(?:\s+{_CAP}){{1,3}})?"
    rf"|\b(?:{_ORG_HEADS})\s+(?:of|for)(?:\s+the)?(?:\s+{_CAP}){{1,3}}"
)
# Named events: "<Capitalised words> Open|Cup|Championship|Games ...", with the edition's
# year before and what it is of after (`1998 World Cup`, `World Series of Golf`).
_EVENT_RE = re.compile(
    rf"(?<![\w-])(?:(?:19|20)\d\d\s+)?(?:{_CAP}\s+){{1,4}}(?:Open|Cup|Championships?|Games|Olympics|"
    rf"Grand Prix|Tour|Series|Trophy|Masters|Classic|Tournament|Marathon|Rally|Summit|Festival|"
    rf"War|Election)\b(?:\s+of\s+{_CAP}(?!\s+[A-Z]))?"
)
_NOT_NAME_START = {"The", "A", "An", "This", "That", "Both", "And", "But", "In", "On", "At",
                   "For", "Of", "By", "With", "As", "If", "When", "While", "After"}


class KnownEntities(Protocol):
    """What the store knows: canonical names it holds for a short form (a surname, an
    acronym) of the given type, only those it is confident of."""

    def lookup(self, key: str, type: str) -> list[str]: ...


def entity_key(name: str, type: str = "") -> str:
    """The normalised key the store dedups entities on: no case, diacritics, honorifics,
    possessive or dots (`Ms. Takaichi's` -> `takaichi`, `U.S.` -> `us`)."""
    core = core_name(name)
    core = unicodedata.normalize("NFKD", core)
    core = "".join(c for c in core if not unicodedata.combining(c)).lower()
    core = re.sub(r"(?<=\w)\.(?=\w|$)|\.(?=\s|$)", "", core)
    core = re.sub(r"[‘’`´]", "'", core)
    return re.sub(r"\s+", " ", core).strip(" .,'\"-")


def core_name(text: str) -> str:
    """A mention without its honorifics, titles, possessive and leading article."""
    text = _POSSESSIVE.sub("", text.strip())
    text = _LEADING_THE.sub("", text)
    stripped = _TITLE_RE.sub("", text)
    return stripped.strip() or text.strip()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading `the` and a trailing possessive or punctuation from a span."""
    span = text[start:end]
    m = _LEADING_THE.match(span)
    if m and end - start > m.end():
        start += m.end()
    while end > start and text[end - 1] in " .,;:'’\"":
        if text[end - 1] == "." and re.search(r"\b[A-Z]\.[A-Z]?\.?$|\b\w{1,3}\.$", text[start:end]):
            break  # "U.S." / "Inc." keep their dot
        end -= 1
    m = _POSSESSIVE.search(text[start:end])
    if m and end - start > 2 and text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


# What a name does not run across: a spaced dash or colon (`CRICKET - ENGLAND`, a slug and
# a headline), a bracket (`National League for Democracy ( NLD`), a semicolon, a comma
# (`Mercantile , Commerce`), a figure (`Pohang 3 Ulsan`).
_BREAK = re.compile(r"\s[-–—:;]\s|\s?[()]\s?|\s?,\s|\s\d[\d.,:-]*\s")
# Figures and lower-case words at the edges of a name are the sentence's, not the name's
# (`Colin Montgomerie 68`, `Interfax news agency`, `pro-Socialist CFDT union`).
_EDGE_FIGURE = re.compile(r"^[\d.,/+-]+(?:st|nd|rd|th|s)?$")
_PARTICLES = {"de", "da", "di", "du", "van", "von", "der", "den", "del", "la", "le", "al", "el",
              "bin", "ibn", "dos", "das", "y"}


def _pieces(text: str, start: int, end: int, typ: str) -> list[tuple[int, int]]:
    """A model span cut at the breaks no name runs across, each piece without the
    figures and lower-case words at its edges; names of events and works keep theirs
    (`Euro 96`)."""
    if typ in ("EVENT", "OTHER"):
        return [(start, end)]
    out, pos = [], start
    for m in list(_BREAK.finditer(text, start, end)) + [None]:
        a, b = pos, (m.start() if m else end)
        pos = m.end() if m else end
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", text[a:b])]
        while words and _edge_word(text[a + words[-1][0]:a + words[-1][1]], last=True):
            words.pop()
        while words and _edge_word(text[a + words[0][0]:a + words[0][1]], last=False):
            words.pop(0)
        if words:
            out.append((a + words[0][0], a + words[-1][1]))
    return out


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


def _edge_word(word: str, last: bool) -> bool:
    if _EDGE_FIGURE.match(word):
        return True
    return word.islower() and word.isalpha() and (last or word not in _PARTICLES)


def raw_spans(doc: Doc, text: str) -> list[tuple[int, int, str]]:
    """The model's entities, mended: (start, end, type) over the joined text."""
    # The model's view of the text: upper-case headlines re-cased, same offsets. Names are
    # compared there (`AUSTRIA` is the `Austria` of the body). Doc.text joins every token
    # on each call, so it is read once.
    view = doc.text
    spans = []
    for ent in doc.ents:
        typ = TYPES.get(ent.label_)
        if not typ:
            continue
        for a, b in _pieces(text, ent.start_char, ent.end_char, typ):
            start, end = _trim(text, a, b)
            if (end > start and any(c.isupper() for c in view[start:end])
                    and not _is_time_zone(text, start, end)):
                spans.append((start, end, typ))
    spans = _add_pattern_orgs(text, spans)
    spans = _drop_slugs(text, spans)
    spans, teams = _layout_rules(text, spans)
    evidence = _name_evidence(view, spans, teams)
    spans = _propagate(view, doc, spans, evidence)
    return _unify_types(view, spans, evidence)


def _drop_slugs(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Without the slug that opens an upper-case headline (`SOCCER - ...`): a section word."""
    out = []
    for s, e, t in spans:
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if s == line_start and text.startswith(" - ", e) and mostly_upper(line) and " " not in text[s:e]:
            continue
        out.append((s, e, t))
    return out


# Words that tie a place name to a sports club when they follow it (`Norwich striker`,
# `Surrey all-rounder`) or precede it (`side Nice`, `played for Blackburn`).
_CLUB_AFTER = re.compile(
    r"^(?:'s? )?(?:striker|midfielder|defender|goalkeeper|winger|forward|skipper|batsman|bowler|"
    r"all-rounder|wicketkeeper|team-?mates?|team mates?|fans|supporters|manager|coach|chairman)\b")
_CLUB_BEFORE = re.compile(r"\b(?:club|side|played for|joined|signed for|moved to)$")


def _teams(text: str, spans: list[tuple[int, int, str]], teams: set[str]) -> dict[str, str]:
    """Names used as sports teams: a country's team is the country (PLACE), any other
    team is an organisation (`Nice`, `Surrey`, `Newcastle`)."""
    named = set(teams)
    for s, e, t in spans:
        if t in ("PLACE", "ORG", "PERSON") and len(text[s:e].split()) <= 3:
            if _CLUB_AFTER.match(text[e:e + 20].lstrip()) or _CLUB_BEFORE.search(text[max(0, s - 20):s].rstrip()):
                named.add(text[s:e])
    countries = country_names()
    return {name: "PLACE" if name in countries else "ORG" for name in named if len(name) > 2}


# Where business and news copy name companies and media: `shares of X`, `X shares rose`,
# `X said in a statement`, `the news agency X`, `X news agency`.
_COMPANY_AFTER = re.compile(
    r"^(?:'s? )?(?:shares|stock|share price|was (?:up|down|unchanged)|said in a statement|"
    r"news agency|newspaper|daily|weekly|reported)\b")
_COMPANY_BEFORE = re.compile(
    r"\b(?:shares (?:of|in)|news agency|agency|newspaper|daily|weekly|magazine|broadcaster)$")
_MEDIA_NAME = re.compile(
    r"\b(?:news agency|newspaper|daily|weekly|magazine|broadcaster) ((?:[A-Z][\w&'-]+ ?){1,3})")


def _companies(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the copy uses as companies or media (`Magna was up 1/8`, `Ericsson said in a
    statement`, `the news weekly Der Spiegel`). A name the model took for a person counts
    only when the article never gives it a first name: people are introduced in full."""
    person_words = {w for s, e, t in spans if t == "PERSON"
                    for w in core_name(text[s:e]).split()[1:] if len(core_name(text[s:e]).split()) > 1}
    found = {m.group(1).strip(): "ORG" for m in _MEDIA_NAME.finditer(text)}
    for s, e, t in spans:
        name = text[s:e]
        if t == "ORG" and " " in name:
            continue  # already one
        before = text[max(0, s - 6):s].split()
        if (t not in ("PERSON", "ORG") or " " in name or name in person_words or len(name) < 3
                or (before and before[-1].lower().rstrip(".") in HONORIFICS)):
            continue  # a people, a place, a full name, a surname, `Mr Camus`
        if _COMPANY_AFTER.match(text[e:e + 30].lstrip()) or _COMPANY_BEFORE.search(text[max(0, s - 20):s].rstrip()):
            found[name] = "ORG"
    return found


# Words that make a name a place: `the capital Dushanbe`, `the outskirts of Arbil`,
# `Jakarta's Tanjung Priok port`, `the al-Aqsa mosque`; and a dateline.
_PLACE_BEFORE = re.compile(
    r"\b(?:capital|(?:town|city|village|outskirts|province|region|port|suburb|district|state) of)$")
_PLACE_AFTER = re.compile(r"^(?:port|airport|mosque|checkpoint|stadium|province|region|border)\b")


def _places(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    found = {}
    for s, e, t in spans:
        name = text[s:e]
        line_start = text.rfind("\n", 0, s) + 1
        dateline = _DATELINE.match(text, line_start)
        if (_PLACE_BEFORE.search(text[max(0, s - 25):s].rstrip()) or _PLACE_AFTER.match(text[e:e + 12].lstrip())
                or (dateline and s in (dateline.start(1), dateline.start(2)))):
            found[name] = "PLACE"
    return found


@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """English names of countries (Babel's territories, with the home nations and the
    short forms news copy uses); a national team is named by its country."""
    # Two-letter codes are countries, less the groupings (EU, UN, eurozone, unknown).
    names = {n for code, n in Locale("en").territories.items()
             if code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}}
    return frozenset(names | {"England", "Scotland", "Wales", "Northern Ireland", "Britain",
                              "U.S.", "USA", "Czech Republic", "Holland", "Russia",
                              "South Korea", "North Korea", "Ivory Coast"})


def _name_evidence(text: str, spans: list[tuple[int, int, str]], teams: set[str]) -> dict[str, str]:
    """Surface forms whose type the article itself settles, wherever they stand: the
    company of `X Corp`/`X SpA` is ORG as plain `X`; an acronym in brackets beside a name
    has the name's type (`Central Narcotics Bureau ( CNB )`); the surname of a person
    named in full is that person (`Glenn Hoddle` ... `Hoddle said`); a country is a place."""
    found: dict[str, str] = {}
    for s, e, t in spans:
        words = text[s:e].split()
        if t == "ORG" and len(words) > 1 and words[-1].lower().rstrip(".") in _LEGAL_FORMS:
            found[" ".join(words[:-1])] = "ORG"
    by_end = {e: (s, t) for s, e, t in spans}
    by_start = {s: (e, t) for s, e, t in spans}
    for m in re.finditer(r"\(\s?([A-Z][A-Z&.]{1,7})\s?\)", text):
        if m.start() - 1 in by_end and m.start(1) not in by_start:
            found.setdefault(m.group(1), by_end[m.start() - 1][1])
    for m in re.finditer(r"(?<![\w.])([A-Z][A-Z&.]{1,7})\s?\(\s?", text):
        if m.end() in by_start and by_start[m.end()][1] in ("ORG", "PLACE"):
            found.setdefault(m.group(1), by_start[m.end()][1])
    for s, e, t in spans:
        words = core_name(text[s:e]).split()
        if (t == "PERSON" and len(words) > 1 and words[0] not in found
                and re.fullmatch(r"[A-Z][\w'’-]{2,}", words[-1])):
            found.setdefault(words[-1], "PERSON")
    for name, t in _teams(text, spans, teams).items():
        found.setdefault(name, t)
    for name, t in _companies(text, spans).items():
        found.setdefault(name, t)
    for name, t in _places(text, spans).items():
        found.setdefault(name, t)
    countries = country_names()
    places: dict[str, list[str]] = {}  # by their first four letters
    for place in countries | {text[s:e] for s, e, t in spans if t == "PLACE"}:
        places.setdefault(place[:4], []).append(place)
    for s, e, t in spans:
        name = text[s:e]
        if name in countries:  # `Moldova` is a place, whatever the model guessed
            found.setdefault(name, "PLACE")
        elif _DESCRIPTOR.search(name):
            found.setdefault(name, "OTHER")
        elif t != "NORP" and _demonym(name, places):
            found.setdefault(name, "NORP")
    return found


# A name made into a descriptive word is not the place or group itself: `London-based`,
# `Moscow-backed`, `Pro-Moscow`.
_DESCRIPTOR = re.compile(
    r"^(?:[Pp]ro|[Aa]nti)-|-(?:based|backed|born|listed|led|bound|owned|run|made|registered|"
    r"controlled|dominated|sponsored)$")
_DEMONYM_END = re.compile(r"(?:an|ans|ese|ish|i|is|ic|k|ks|en|ens|on|ons)$")


def _demonym(word: str, places: dict[str, list[str]]) -> bool:
    """A people or nationality word formed from a place the article or the world knows
    (`Rwandan`, `Tajik`, `Chechens`, `Briton`), which the model took for a name."""
    if " " in word or not _DEMONYM_END.search(word) or len(word) < 4:
        return False
    for place in places.get(word[:4], ()):
        if place == word or len(word) > len(place) + 4:
            continue
        common = len(os.path.commonprefix([place, word]))
        if common >= 4 and common * 2 >= len(place):
            return True
    return False


def _add_pattern_orgs(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Organisations and events the model misses or cuts short, by their heads
    (`... University`, `... Open`)."""
    found = [(m, "ORG") for m in _ORG_RE.finditer(text)] + [(m, "EVENT") for m in _EVENT_RE.finditer(text)]
    for m, label in found:
        start, end = m.start(), m.end()
        first = text[start:end].split()[0]
        if first in _NOT_NAME_START:
            start += len(first) + 1
        if "\n" in text[start:end] or len(text[start:end].split()) < 2:
            continue
        start, end = _trim(text, start, end)
        # A person or place the model found inside the match means the match is wrong
        # about its edge only when it is not longer; keep the longer, organisation reading.
        overlapping = [s for s in spans if s[0] < end and start < s[1]]
        if any(s[0] < start or s[1] > end for s in overlapping):
            continue
        spans = [s for s in spans if s not in overlapping] + [(start, end, label)]
    return sorted(spans)


# Results and tables (sports pages, wire digests) name teams and players by layout the
# model was not trained on: a name beside a score is a team, `R. Surname` is a person.
_NAME = r"[A-Z][\w'’.&-]*(?: (?:of |de |la )?[A-Z][\w'’.&-]*){0,2}"
# A dateline: `COLOMBO 1996-08-30`, `WIGAN, England 1996-08-31`, `LONDON (Reuters)`.
_DATELINE = re.compile(
    r"^([A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+){0,2})(?: ?, ([A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+)?))?"
    r"(?= \d{4}-\d\d-\d\d$| \((?:Reuters|AP|AFP)\))")
_LAYOUT = [
    # A scoreline, each side perhaps with its country, perhaps a note after:
    # `Benetton ( Italy ) 92 Dinamo ( Russia ) 81 ( halftime 50-28 )`.
    (re.compile(rf"^({_NAME})(?: \( [^()]+ \))? \d+ ({_NAME})(?: \( [^()]+ \))? \d+(?: \(.*\))?$"), "ORG"),
    (re.compile(rf"^({_NAME})(?: (?:-?\.?\d+(?:\.\d+)?|-|\d+/\d+)){{4,}}$"), "ORG"),  # standings row
    (re.compile(rf"^(?:Postponed : )?({_NAME}) v ({_NAME})\b"), "ORG"),  # fixture
    (re.compile(rf"(?:^|: |, )({_NAME}) \d+(?:-\d+)?(?: and \d+(?:-\d+)?)?(?= \(| \.| ,|$)"), "ORG"),
    (re.compile(r"(?<![\w.])((?:[A-Z]\. ){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b"), "PERSON"),
    (re.compile(rf"(?:^|, |; |\d |- |beat |\) )([A-Z][a-z]+(?: [A-Z][\w'’-]+){{1,2}}) \( [A-Z]"), "PERSON"),
    # Figures after a name: a bowler's `8-0-39-3`, a golfer's rounds `68 76 77 69`.
    (re.compile(rf"(?:^|, |; |: )({_NAME}) \d+(?:\.\d)?-\d+-\d+-\d+\b"), "PERSON"),
    (re.compile(rf"(?:^\d+ |, )({_NAME})(?: \( [A-Z][^()]*\))?(?: \d\d){{2,4}}(?= ,|$)"), "PERSON"),
    # The ground before a result: `Hove : Sussex 363 ...`, `London ( The Oval ) : Surrey beat ...`.
    (re.compile(rf"^(?:At )?({_NAME})(?: \( ({_NAME}) \))? : (?={_NAME} (?:\d+(?:-\d+)?\b(?!-\d)|beat\b|v\b))"), "PLACE"),
    (_DATELINE, "PLACE"),
]


# A batting line of a cricket scorecard: `Saeed Anwar c Stewart b Gough 33`.
_DISMISSAL = r"(?:c & b|c|st|b|lbw b|run out|not out|retired hurt)"
_BATTING = re.compile(rf"^{_NAME}(?: {_DISMISSAL}(?: {_NAME})?)+ \d+$")
_NAME_IN_LINE = re.compile(rf"(?<![\w'’.&-]){_NAME}")
# A team's list of players: `Austria : Michael Konsel , Markus Schopp , ...`,
# `France - 1 - Bernard Lama ; 2 - Lilian Thuram ( 14 - Sabri Lamouchi 87th ) , ...`.
_ROSTER_HEAD = re.compile(r"^(?:[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2} [-:] )+")
_ROSTER_ITEM = re.compile(
    r"^(?:\d+ ?- )?([A-Z][\w'’.-]*(?: (?:(?:van|von|der|den|de|del|da|di|la|le|dos|du) )*[A-Z][\w'’-]*){0,3})"
    r"(?: \d+(?:st|nd|rd|th)?)?(?: \.)?$")


def _layout_rules(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], set[str]]:
    """Spans found by layout, and the names it places as teams."""
    pos, teams = 0, set()
    for line in text.split("\n"):
        found = [(pos + m.start(g), pos + m.end(g), label)
                 for pattern, label in _LAYOUT for m in pattern.finditer(line)
                 for g in range(1, (m.lastindex or 0) + 1)]
        if _BATTING.match(line):
            found += [(pos + m.start(), pos + m.end(), "PERSON") for m in _NAME_IN_LINE.finditer(line)]
        found += [(pos + a, pos + b, "PERSON") for a, b in _roster(line)]
        for a, b, label in found:
            spans = [sp for sp in spans if not (sp[0] < b and a < sp[1])] + [(a, b, label)]
            if label == "ORG":
                teams.add((a, b))
        pos += len(line) + 1
    # A team only where no later rule (a player's initials) took the name over.
    return sorted(spans), {text[a:b] for a, b, t in spans if (a, b) in teams and t == "ORG"}


def _roster(line: str) -> list[tuple[int, int]]:
    """The players' names of a roster line, or none when any part is not a name."""
    head = _ROSTER_HEAD.match(line)
    if not head or mostly_upper(line):
        return []
    out = []
    for m in re.finditer(r"[^,;()]+", line[head.end():]):
        item = m.group(0).strip()
        if not any(c.isupper() for c in item):
            continue  # `captain`, `87th`, `pen`
        name = _ROSTER_ITEM.match(item)
        if not name:
            return []
        a = head.end() + m.start() + len(m.group(0)) - len(m.group(0).lstrip()) + name.start(1)
        out.append((a, a + len(name.group(1))))
    # One name alone is a roster only beside a figure (`Lithuania - Danius Gleveckas ( 13rd )`).
    return out if len(out) > 1 or re.search(r"\(\s?\d", line) else []


def _propagate(text: str, doc: Doc, spans: list[tuple[int, int, str]],
               evidence: dict[str, str]) -> list[tuple[int, int, str]]:
    """What the article names once it names the same way elsewhere: tag the untagged
    repeats of a tagged surface form (one sense per discourse), and let a full name
    replace a shorter span the model found inside one of its repeats. `text` is the model's
    view, where upper-case headlines are re-cased."""
    other = [(e.start_char, e.end_char) for e in doc.ents if e.label_ not in TYPES]
    spans = [(s, e, _settled(text[s:e], evidence) or t) for s, e, t in spans]
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


def _settled(form: str, evidence: dict[str, str]) -> str:
    """The type the article settles for a form: its own, or that of the company its
    first words name (`Pirelli Cables` of `Pirelli SpA`)."""
    if form in evidence:
        return evidence[form]
    words = form.split()
    for n in range(len(words) - 1, 0, -1):
        if evidence.get(" ".join(words[:n])) == "ORG":
            return "ORG"
    return ""


def _unify_types(text: str, spans: list[tuple[int, int, str]],
                 evidence: dict[str, str]) -> list[tuple[int, int, str]]:
    """One type per name in an article: a lone word that is part of a person's full name
    is that person (`Takaichi` tagged ORG once); otherwise the majority type wins."""
    person_words = set()
    for s, e, t in spans:
        words = core_name(text[s:e]).split()
        if t == "PERSON" and len(words) > 1 and not _settled(text[s:e], evidence):
            person_words.update((words[0], words[-1]))
    votes: dict[str, Counter] = {}
    for s, e, t in spans:
        votes.setdefault(core_name(text[s:e]), Counter())[t] += 1
    out = []
    for s, e, t in spans:
        core = core_name(text[s:e])
        settled = _settled(text[s:e], evidence) or _settled(core, evidence)
        if settled:
            t = settled
        elif core in person_words:
            t = "PERSON"
        elif votes[core].most_common(1)[0][1] > votes[core][t]:
            t = votes[core].most_common(1)[0][0]
        out.append((s, e, t))
    return out


def role_of(doc: Doc, start: int, end: int, text: str) -> str:
    """The role the text gives a person: a title before the name (`Japanese Prime
    Minister`) or an appositive after it (`..., an expert at Temple University`)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    prefix = _title_prefix(doc, span, text)
    if prefix:
        return prefix
    return _appositive(span, text)


def _title_prefix(doc: Doc, span: Span, text: str) -> str:
    inside = set(range(span.start, span.end))
    i = span.start - 1
    run: list[int] = []
    while i >= 0:
        tok = doc[i]
        if tok.dep_ not in ("compound", "amod", "nmod", "npadvmod") or tok.is_punct:
            break
        if tok.head.i not in inside and tok.head.i not in run:
            break
        run.append(i)
        i -= 1
    if not run:
        # The name's own first tokens may be the title the model put inside the entity.
        words = text[span.start_char:span.end_char]
        m = _TITLE_RE.match(words)
        title = m.group(0).strip() if m else ""
        return "" if title.lower().rstrip(".") in HONORIFICS else title
    lo = doc[min(run)].idx
    title = text[lo:span.start_char].strip() + " " + _leading_title(text[span.start_char:span.end_char])
    title = title.strip()
    words = [w.lower().rstrip(".") for w in title.split()]
    return "" if all(w in HONORIFICS for w in words) else title


def _leading_title(name: str) -> str:
    m = _TITLE_RE.match(name)
    return m.group(0).strip() if m else ""


def _appositive(span: Span, text: str) -> str:
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.tag_.startswith("NN"):
            sub = list(child.subtree)
            if child.tag_.startswith("NNP") and child.ent_type_:
                continue  # another name in apposition, not a role
            return text[sub[0].idx:sub[-1].idx + len(sub[-1])].strip(" ,")
    if root.dep_ == "appos" and root.head.i < span.start and root.head.tag_ in ("NN", "NNS"):
        head = root.head
        toks = [t for t in head.subtree if t.i < span.start and t.i >= head.left_edge.i
                and not t.is_punct and t.i <= head.i]
        if toks:
            return text[toks[0].idx:head.idx + len(head)].strip()
    return ""


def canonical_names(mentions: list[tuple[str, str]], known: KnownEntities | None = None) -> list[str]:
    """Canonical name within the article for each (text, type) mention, in order: a short
    form takes the full name it is a part of (`Ms. Takaichi` -> `Sanae Takaichi`, `Lee`
    -> `Lee Jae Myung`), an acronym the organisation whose initials it is."""
    cores = [core_name(text) for text, _ in mentions]
    fulls: dict[str, list[tuple[int, list[str]]]] = {}
    for i, ((_, typ), core) in enumerate(zip(mentions, cores)):
        fulls.setdefault(typ, []).append((i, core.split()))
    out = []
    for i, ((_, typ), core) in enumerate(zip(mentions, cores)):
        words = core.split()
        name = core
        if typ == "PERSON":
            cands = [(j, w) for j, w in fulls["PERSON"]
                     if len(w) > len(words) and (w[:len(words)] == words or w[-len(words):] == words)]
            name = _pick(cands, i) or name
        elif typ == "ORG" and re.fullmatch(r"[A-Z]{2,6}", core):
            cands = [(j, w) for j, w in fulls["ORG"]
                     if "".join(x[0] for x in w if x[0].isupper()) == core and len(w) > 1]
            name = _pick(cands, i) or name
        if name == core and known is not None and len(words) == 1 and typ in ("PERSON", "ORG"):
            found = known.lookup(entity_key(core, typ), typ)
            if len(set(found)) == 1:  # conservative: only an unambiguous answer
                name = found[0]
        out.append(name)
    return out


def _pick(cands: list[tuple[int, list[str]]], i: int) -> str:
    """The full name among candidates: the only one, else the nearest one before."""
    names = {" ".join(w) for _, w in cands}
    if len(names) == 1:
        return names.pop()
    before = [(j, w) for j, w in cands if j < i]
    return " ".join(before[-1][1]) if before else ""
