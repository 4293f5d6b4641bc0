"""What an article itself settles about the type of a name, wherever the name stands:
the company of `X SpA`, an acronym in brackets, the surname of a person named in full, a
team, a company or a medium by what the copy says of it, a place by its cues or its
dateline, a country, a people named from a place. The model guesses a type per mention;
these say what the article means by the name throughout (one sense per discourse)."""
from __future__ import annotations

import functools
import os
import re


from newsdesk.enrich.layout import DATELINE
from newsdesk.enrich.names import HONORIFICS, all_capitalised, core_name
from newsdesk.enrich.places import territories

# Legal forms of a company: the words before one name the company on their own too
# (`Pirelli SpA` ... `Pirelli said`).
_LEGAL_FORMS = {"inc", "corp", "corporation", "co", "ltd", "plc", "spa", "ag", "nv", "sa",
                "gmbh", "holdings", "bancorp", "group", "company"}


# Words that tie a place name to a sports club when they follow it (`Norwich striker`,
# `Surrey all-rounder`) or precede it (`side Nice`, `played for Blackburn`).
_CLUB_AFTER = re.compile(
    r"^(?:'s? )?(?:striker|midfielder|defender|goalkeeper|winger|forward|skipper|batsman|bowler|"
    r"all-rounder|wicketkeeper|team-?mates?|team mates?|fans|supporters|manager|coach|chairman)\b")
_CLUB_BEFORE = re.compile(r"\b(?:club|side|played for|joined|signed for|moved to)$")


def _before(text: str, start: int, width: int = 20) -> str:
    """The few characters before a name, where the words that type it stand."""
    return text[max(0, start - width):start].rstrip()


def teams_of(text: str, spans: list[tuple[int, int, str]], teams: set[str]) -> dict[str, str]:
    """Names used as sports teams: a country's team is the country (PLACE), any other
    team is an organisation (`Nice`, `Surrey`, `Newcastle`)."""
    named = set(teams)
    for s, e, t in spans:
        if t in ("PLACE", "ORG", "PERSON") and len(text[s:e].split()) <= 3:
            if _CLUB_AFTER.match(text[e:e + 20].lstrip()) or _CLUB_BEFORE.search(_before(text, s)):
                named.add(text[s:e])
    countries = country_names()
    return {name: "PLACE" if name in countries else "ORG" for name in named if len(name) > 2}


# Where business and news copy name companies and media: `shares of X`, `X shares rose`,
# `X said in a statement`, `the news agency X`, `X news agency`.
# And the business it is in or the officer it has: `low cost airline, Ryanair,`, `the
# automaker Chrysler`, `Ryanair CEO` (not `Obama spokesman`: a person has those too).
_COMPANY_AFTER = re.compile(
    r"^(?:'s? )?(?:shares|stock|share price|was (?:up|down|unchanged)|said in a statement|"
    r"news agency|newspaper|daily|weekly|reported|CEO|chief executive)\b")
_COMPANY_BEFORE = re.compile(
    r"\b(?:shares (?:of|in)|news agency|agency|newspaper|daily|weekly|magazine|broadcaster|"
    r"airline|carrier|automaker|carmaker|retailer|manufacturer|lender|insurer),?$")
_MEDIA_NAME = re.compile(
    r"\b(?:news agency|newspaper|daily|weekly|magazine|broadcaster) ((?:[A-Z][\w&'-]+ ?){1,3})")


def _business_before(text: str, start: int) -> bool:
    """A business or medium named right before (`the automaker Chrysler`, `retailer Best Buy`)."""
    return _COMPANY_BEFORE.search(_before(text, start)) is not None


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
        business_before = _business_before(text, s)
        if t == "PERSON" and " " in name and business_before:
            found[name] = "ORG"  # `electronics retailer Best Buy`: no person's title
            continue
        if (t not in ("PERSON", "ORG") or " " in name or name in person_words or len(name) < 3
                or (before and before[-1].lower().rstrip(".") in HONORIFICS)):
            continue  # a people, a place, a full name, a surname, `Mr Camus`
        if _COMPANY_AFTER.match(text[e:e + 30].lstrip()) or business_before:
            found[name] = "ORG"
    return found


def _common_nouns(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """One word the model took for a person that the article also writes in lower case
    (`Iodine deficiency` beside `intake of iodine`, a feature `Library` beside `music
    library`): a thing, not a person (a surname of a person named in full was settled
    before this)."""
    words = {text[s:e] for s, e, t in spans if t == "PERSON" and text[s:e].isalpha()
             and text[s:e][1:].islower()}
    # one pass over the text for all of them: a long article names many people
    lower = {w for w in re.findall(r"(?<![\w-])[^\W\d_]+(?![\w-])", text) if w.islower()
             } if words else set()
    return {word: "OTHER" for word in words if word.lower() in lower}


def _affiliations(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """A name the model took for a person right after a person and `of` is their body
    (`Cheng Chung-tai of Civic Passion`, `Gary Chan of DAB`); a country there is its place
    (`Charles of Wales`)."""
    found = {}
    for (_, e1, t1), (s, e, t) in zip(spans, spans[1:]):
        if (t1 == "PERSON" and t == "PERSON" and re.fullmatch(r" of (?:the )?", text[e1:s])
                and text[s:e] not in country_names()):
            found.setdefault(text[s:e], "ORG")
    return found


# What the copy says a name is, in an appositive or after `is`/`was` (`Longyear is a Norwegian
# settlement`, `Valeska Paris, an Australian woman,`, `Ryanair, a low-cost airline,`, `Tiger,
# the newest version of Apple Computer's Mac OS X`): the
# kind's noun must head the phrase (`Jones, a former bank executive` is no bank, `Maria Lopez,
# the mayor of the city` no city).
_KINDS = {
    "PLACE": "town|city|village|settlement|hamlet|port|capital|region|province|island|country|"
             "suburb|district|county|municipality|neighbou?rhood|commune",
    "ORG": "company|firm|corporation|bank|airline|carmaker|automaker|manufacturer|retailer|"
           "charity|broadcaster|newspaper|university|band",
    "PERSON": "man|woman|boy|girl|teenager|mother|father|wife|husband|son|daughter|widow|"
              "resident|native",
    "OTHER": "version|model|edition|release|sequel",
}
_DESCRIBED = re.compile(
    r"(?:,| is| was) (?:a|an|the) (?:(?!(?:of|in|at|for|from|to|on|with|by|the|a|an) )[\w'’-]+ ){0,3}?"
    r"(?:%s)(?=[,.;:)]| (?:in|of|on|near|outside|"
    r"that|which|who|with|where|based|founded|located|and)\b)"
    % "|".join(f"(?P<{kind}>{words})" for kind, words in _KINDS.items()))


def _described(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the copy says the kind of right after them."""
    found = {}
    for s, e, t in spans:
        if t in ("PERSON", "ORG", "PLACE") and (m := _DESCRIBED.match(text, e)):
            found.setdefault(text[s:e], m.lastgroup)
    return found


# A body's kind before a name it calls so (`the elite group within Scientology called the
# Sea Org`), and belonging to it (`a member of Scientology`, `former members of Hamas`): an
# organisation, not the place or person the model took it for.
_BODY_KINDS = _KINDS["ORG"] + "|group|organi[sz]ation|movement|church|sect|party|team|club|union"
_CALLED_BEFORE = re.compile(
    r"\b(?:a|an|the) (?:[\w'’-]+ ){0,2}?(?:%s) (?:[\w'’-]+ ){0,3}?(?:called|named|known as)"
    r"(?: the)?$" % _BODY_KINDS)
_MEMBER_BEFORE = re.compile(r"\b(?:members?|employees?|shareholders?) of(?: the)?$")
# ... and a name with officers (`the vice president of Dacia`), but not a place: a region a
# firm's officer has (`the EADS CEO of North America`).
_OFFICER_BEFORE = re.compile(r"\b(?:vice[- ]president|chief executive|CEO|chairman|"
                             r"chairwoman|co-?founder|spokes(?:man|woman|person)) of(?: the)?$")


# Where one posts: a platform (`posted to Twitter`, `messages on Twitter`, `wrote on
# Facebook`), an organisation rather than the person the model took it for. Not `wrote to`:
# people are written to.
# ... and a service the copy names by its kind after it (`the Twitter social network`).
_SERVICE_AFTER = re.compile(r" (?:social network(?:ing)?(?: site| service)?|web ?site|"
                            r"search engine|video(?:[- ]sharing)? site|microblogging)\b")
_POSTED_ON = re.compile(r"\b(?:(?:posted|tweeted|shared|wrote|written|said|messages?|posts?|"
                        r"hashtag|account|video|photos?) on|posted to)$")


def _bodies(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the copy says are bodies: called so after a body's kind, with members, or a
    person's name one posts on; the model's ORG there settles the name's other mentions
    too. Not a country, nor a name with more after it (`a member of Afghanistan's
    parliament`)."""
    found = {}
    countries = country_names()
    for s, e, t in spans:
        if t not in ("PLACE", "PERSON", "ORG") or re.match(r" ?['’]s\b| [A-Z]", text[e:e + 4]) \
                or text[s:e] in countries:
            continue
        before = _before(text, s, 80)
        if _CALLED_BEFORE.search(before) or _MEMBER_BEFORE.search(before) or (
                t == "PERSON" and _POSTED_ON.search(before)) or (
                t != "PLACE" and _OFFICER_BEFORE.search(before)) or (
                t in ("PERSON", "PLACE") and _SERVICE_AFTER.match(text, e)):
            found.setdefault(text[s:e], "ORG")
    return found


# Words that make a name a place: `the capital Dushanbe`, `the outskirts of Arbil`, `located
# in Evansville`, `a former resident of Evansville`, `Jakarta's Changi airport`, `the al-Aqsa
# mosque`; and a dateline.
_PLACE_BEFORE = re.compile(
    r"\b(?:capital|(?:town|city|village|outskirts|province|region|port|suburb|district|state) of|"
    r"(?:located|based|headquartered|born) in|(?:a |former )?(?:resident|native) of|"
    r"in and around|(?:(?:north|south)(?:-?(?:east|west))?|east|west) of)$")
# (Not `port`: software is ported too, `the Mac port of ...`.)
_PLACE_AFTER = re.compile(r"^(?:airport|mosque|checkpoint|stadium|province|region|border)\b")


# `Toulouse, France, on ...`, `Evansville, Indiana.`: a town written with the country or
# state it lies in, which ends a phrase; not a list (`Renault, France and Italy`), a
# possessive (`Airbus, France's ...`), a noun phrase (`Gomez, Panama coach`) or a clause
# (`the World Cup, Sweden defeated ...`).
_PERSON_OR_LIST_AFTER = re.compile(r",\s+(?:a|an|the|who|whose|aged|and|or|\d+)\b")
_IN_REGION_END = re.compile(r"(?:[.,;:)]| (?:on|in|at|for|from|to|near|where|when|during|"
                            r"after|before|with|by|since|until)\b)")


def _places(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the copy places (`the capital Dushanbe`, `Toulouse, France`) or a dateline
    opens with."""
    found = {}
    countries = country_names()
    placed = {text[s:e] for s, e, t in spans if t == "PLACE"}
    by_start = {s: (e, t) for s, e, t in spans}
    for s, e, t in spans:
        name = text[s:e]
        line_start = text.rfind("\n", 0, s) + 1
        dateline = DATELINE.match(text, line_start)
        # (not a body's name: `the University of Arkansas, Fayetteville,` names its campus)
        region_end, region_type = by_start.get(e + 2, (-1, "")) if text[e:e + 2] == ", " \
            and t in ("PERSON", "PLACE") else (-1, "")
        region = text[e + 2:region_end] if region_end > 0 else ""
        if (_PLACE_BEFORE.search(_before(text, s, 25)) or _PLACE_AFTER.match(text[e:e + 12].lstrip())
                or (dateline and s in (dateline.start(1), dateline.start(2)))
                or ((region in countries or region in placed)
                    and _IN_REGION_END.match(text, region_end))):
            found[name] = "PLACE"
        if (region and (name in placed or name in countries) and " " not in region
                and region_type in ("PERSON", "PLACE")
                and _IN_REGION_END.match(text, region_end)
                and not _PERSON_OR_LIST_AFTER.match(text, region_end)):
            # ... and the one word after a place that so ends is the region it lies in
            # (`in Livorno, Tuscany, to pay`: the model made Tuscany a person). One word,
            # not described (`In Paris, Emmanuel Macron, who ...`, `In London, Smith, a
            # banker, ...` name a person after a place) nor in a list (`Ubisoft, Microsoft,
            # and ...`), and not a body to the model.
            found.setdefault(region, "PLACE")
    return found


# Words that make the name right after them a product or a craft (`web browser Safari`, `the
# operating system Mac OSX`, `the cruise ship, Freewinds`) or a work (`the novel Angel
# Catbird`): a thing, whatever type the model gave. A work's kind may stand before a clause's
# subject (`in the film Tom Hanks plays ...`), a product's or craft's not. (Not `play`: a
# team is played too; not `client` or `network`: firms are both.)
_WORK_BEFORE = re.compile(r"\b(?:album|film|movie|novel|song|sitcom|TV series|comic|video game),?$")
_PRODUCT_KINDS = "browser|operating system|software|app|game console|smartphone|handset"
_THING_BEFORE = re.compile(
    rf"\b(?:{_PRODUCT_KINDS}|vaccine|"
    r"ship|vessel|yacht|airliner|aircraft carrier|warship|submarine|destroyer|frigate|"
    r"shuttle|orbiter|spacecraft|satellite|rocket),?$")
# ... or right after a name the model took for a person or place (`the new Safari 4.0 web
# browser`, `the mobile Safari browser`); after a name it took for an organisation the
# words are ambiguous (`Apple software` is the maker's).
_THING_AFTER = re.compile(rf"(?: v?\d+(?:\.\d+)*)? (?:web |mobile )?(?:{_PRODUCT_KINDS}|"
                          r"laptops?|notebooks?|tablet)\b")
# ... or a name opening with its kind: `Space Shuttle Columbia`, `USS Cole`, `HMS Belfast`.
_CRAFT_IN = re.compile(r"(?:Space Shuttle|Shuttle|USS|HMS|HMAS|HMCS|RMS)\s+(?=[A-Z])")


def _products(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the copy introduces by what kind of thing they are."""
    found = {}
    for s, e, t in spans:
        name = text[s:e]
        before = _before(text, s)
        if m := _CRAFT_IN.match(name):
            found[name] = found[name[m.end():]] = found[m.group().strip()] = "OTHER"
        elif _THING_BEFORE.search(before) or (
                _WORK_BEFORE.search(before) and not (t == "PERSON" and " " in name)) or (
                t in ("PERSON", "PLACE") and _THING_AFTER.match(text, e)):
            found[name] = "OTHER"
    return found


def _countable(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """One-word names the copy also counts in the plural, a thing made by the many (`sold
    13.7 million Macs`, `powers iPhones`, `bought 20 Dreamliners`): a product, not the firm
    or person the model took it for. Not after `the` (`the Kennedys`, `the Mets`), nor
    inside a longer name (`United States`), nor a plural that is a name itself somewhere in
    the article (after a capitalised word, `Kathryn Waters`, or the model's person)."""
    names = {text[s:e] for s, e, t in spans if t in ("ORG", "PERSON")
             and re.fullmatch(r"[A-Za-z][a-z]*[A-Z]?[a-z]{2,}", text[s:e])}
    if not names:
        return {}
    counted, named = set(), set()
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names))) + r")s\b")
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        over = [(s, e, t) for s, e, t in spans if s < m.end() and e > m.start()]
        if re.search(r"\b(?:the|The)\s+$", before):
            continue
        # (after a possessive the plural is owned: `Warhol's Polaroids`, `Apple's iPods`)
        if re.search(r"\b[A-Z][\w-]*(?<!['’]s)\s+$", before) or any(
                t == "PERSON" or (s, e) != (m.start(), m.end()) for s, e, t in over):
            named.add(m.group(1))  # a name of its own once (`Kathryn Waters`): never counted
        else:
            counted.add(m.group(1))
    return {name: "OTHER" for name in counted - named}


def _tails(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """A lone word the model took for a person that ends one of the article's longer names
    of a thing is that thing (`Google Chrome` ... `Chrome continues to surge`), as a
    person's surname is that person; unless a person named in full in the article has it
    as a surname. So for a firm's name only when the firm is named apart too (`Microsoft`
    ... `Microsoft Windows`): CoNLL's `Hen Vipheak`, an editor, was the model's ORG. A lone
    word that opens an organisation's longer name is that organisation (`Northrop Grumman`
    ... `an ex Northrop executive`), unless it is a person's name word too."""
    people = [words for s, e, t in spans
              if t == "PERSON" and len(words := core_name(text[s:e]).split()) > 1]
    surnames = {words[-1] for words in people}
    name_words = surnames | {words[0] for words in people}
    lone = {text[s:e] for s, e, t in spans if t == "PERSON" and " " not in text[s:e].strip()}
    lone_ends, lone_heads = lone - surnames, lone - name_words
    firms = {text[s:e] for s, e, t in spans if t == "ORG"}
    found: dict[str, str] = {}
    for s, e, t in spans:
        words = core_name(text[s:e]).split()
        if len(words) > 1 and words[-1] in lone_ends \
                and (t == "OTHER" or (t == "ORG" and words[0] in firms)) \
                and all_capitalised(words):
            found.setdefault(words[-1], t)  # (all capitalised: not `Derbyshire and Surrey`)
        elif len(words) > 1 and t == "ORG" and words[0] in lone_heads \
                and all_capitalised(words):
            found.setdefault(words[0], "ORG")
    return found


# What only a product has: users, subscribers (`IE6 users`, typed a place). Not owners:
# a team has them (`Philadelphia Eagles owner`).
_USED_AFTER = re.compile(r"\s+(?:users?|subscribers?)\b")


def _used(text: str, spans: list[tuple[int, int, str]]) -> dict[str, str]:
    """Names the model took for a place or a person that the copy says have users."""
    return {text[s:e]: "OTHER" for s, e, t in spans
            if t in ("PLACE", "PERSON") and _USED_AFTER.match(text, e)}


@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """English names of countries (Babel's territories, with the home nations and the
    short forms news copy uses); a national team is named by its country."""
    # Letter codes are countries, less the groupings (EU, eurozone, UN).
    names = {n for code, n in territories().items()
             if code.isalpha() and code not in {"EU", "EZ", "UN"}}
    names |= {n.replace(" & ", " and ") for n in names}  # Babel writes `Trinidad & Tobago`
    return frozenset(names | {"England", "Scotland", "Wales", "Northern Ireland", "Britain",
                              "U.S.", "USA", "Czech Republic", "Holland", "Russia",
                              "South Korea", "North Korea", "Ivory Coast"})


def name_evidence(text: str, spans: list[tuple[int, int, str]], teams: set[str]) -> dict[str, str]:
    """Surface forms whose type the article itself settles, wherever they stand, the
    surest first: the company of `X Corp`/`X SpA` is ORG as plain `X`; an acronym in
    brackets beside a name has the name's type (`Central Narcotics Bureau ( CNB )`); the
    surname of a person named in full is that person (`Glenn Hoddle` ... `Hoddle said`);
    then teams, companies and places by their cues; a country is a place; a people's
    name formed from a place is NORP. `teams` are the names results tables place as teams."""
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
    # before surnames: `Space Shuttle Columbia` is no person named Columbia
    for name, t in _products(text, spans).items():
        found.setdefault(name, t)
    for name, t in _countable(text, spans).items():
        found.setdefault(name, t)
    for name, t in [*_tails(text, spans).items(), *_used(text, spans).items()]:
        found.setdefault(name, t)
    for s, e, t in spans:
        words = core_name(text[s:e]).split()
        if (t == "PERSON" and len(words) > 1 and words[0] not in found
                and re.fullmatch(r"[A-Z][\w'’-]{2,}", words[-1]) and not _ACRONYM.fullmatch(words[-1])
                and not _business_before(text, s)):
            # (`national carrier Garuda Indonesia` is a company: `_companies`)
            found.setdefault(words[-1], "PERSON")
    for name, t in teams_of(text, spans, teams).items():
        found.setdefault(name, t)
    # in this order: an earlier rule's reading of a name stands
    for rule in (_common_nouns, _described, _bodies, _affiliations, _companies, _places):
        for name, t in rule(text, spans).items():
            found.setdefault(name, t)
    countries = country_names()
    places: dict[str, list[str]] = {}  # by their first four letters
    placed = {text[s:e] for s, e, t in spans if t == "PLACE"}
    for place in countries | placed:
        places.setdefault(place[:4], []).append(place)
    for s, e, t in spans:
        name = text[s:e]
        if name in countries:  # `Moldova` is a place, whatever the model guessed
            found.setdefault(name, "PLACE")
        elif " " not in name and DESCRIPTOR.search(name):
            found.setdefault(name, "OTHER")
        elif t in ("PERSON", "NORP", "PLACE") and _BRAND.match(name):
            found.setdefault(name, "ORG")
        elif t in ("PERSON", "ORG") and _ACRONYM.fullmatch(name):
            found.setdefault(name, "ORG")
        elif t != "NORP" and name not in placed and demonym(name, places):
            found.setdefault(name, "NORP")
    return found


# A name made into a descriptive word is not the place or group itself: `London-based`,
# `Moscow-backed`, `Pro-Moscow`.
DESCRIPTOR = re.compile(
    r"^(?:[Pp]ro|[Aa]nti)-|-(?:based|backed|born|listed|led|bound|owned|run|made|registered|"
    r"controlled|dominated|sponsored)$")
# A brand written in camel case from a small letter (`iTunes`, `eBay`, `iPod`) names no
# person, people or place; the model types most such brands ORG (and many a product so).
_BRAND = re.compile(r"[a-z]{1,2}[A-Z][a-z]+\b")
# An acronym names a body, not a person (`DAB`, `NATO`); the model's view re-cases upper-case
# headlines, so the capitals left are the copy's own.
_ACRONYM = re.compile(r"[A-Z]{2,5}")
_DEMONYM_END = re.compile(r"(?:an|ans|ese|ish|i|is|ic|k|ks|en|ens|on|ons)$")


def demonym(word: str, places: dict[str, list[str]]) -> bool:
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


def settled(form: str, evidence: dict[str, str]) -> str:
    """The type the article settles for a form: its own, or that of the company its
    first words name (`Pirelli Cables` of `Pirelli SpA`)."""
    if form in evidence:
        return evidence[form]
    words = form.split()
    for n in range(len(words) - 1, 0, -1):
        if evidence.get(" ".join(words[:n])) == "ORG":
            return "ORG"
    return ""
