"""One canonical name per entity within an article: short forms, acronyms, clipped words,
countries however written, and organisations' longer and shorter names resolved to the name
the article (or the store, through `KnownEntities`) knows. Works on (text, type) mentions
in article order; entities.py finds the mentions."""
from __future__ import annotations

import re
from collections import Counter
from typing import Protocol

from newsdesk.enrich import places
from newsdesk.enrich.evidence import country_names
from newsdesk.enrich.names import (POSSESSIVE, core_name, entity_key, is_common_word,
                                   is_company_name, shorter_org_names, without_country)


class KnownEntities(Protocol):
    """What the store knows: canonical names it holds for a short form (a surname, an
    acronym) of the given type, only those it is confident of."""

    def lookup(self, key: str, type: str) -> list[str]: ...

    # how many articles link the entity of this type under exactly this key (0: none), up to
    # a cap: which of two readings of a word the store has seen more
    def weight(self, key: str, type: str) -> int: ...


def canonical_names(mentions: list[tuple[str, str]], known: KnownEntities | None = None,
                    before: list[str] | None = None) -> list[str]:
    """Canonical name within the article for each (text, type) mention, in order: a short
    form takes the full name it is a part of (`Ms. Takaichi` -> `Sanae Takaichi`, `Lee`
    -> `Lee Jae Myung`), an acronym the organisation whose initials it is, a country's
    abbreviation or everyday name the country's name (`U.S.`, `Britain` -> `United States`,
    `United Kingdom`, places.py), a clipped word the organisation it cuts short (`Fed`), an
    organisation's longer name the shorter name the article or the store knows (`General
    Motors Corporation`, `Ford Motor Company` -> `General Motors`, `Ford`;
    names.shorter_org_names), the article's institution without its country (`U.S.
    Federal Reserve` -> `Federal Reserve`), and an organisation's or product's name the
    article's one longer name ending with it (`Chrome` -> `Google Chrome`). `before`, the
    text just before each mention, keeps a state after its city (`Raleigh, N.C.`) as it is."""
    cores = [core_name(text, typ) for text, typ in mentions]
    fulls: dict[str, list[tuple[int, list[str]]]] = {}
    for i, ((_, typ), core) in enumerate(zip(mentions, cores)):
        fulls.setdefault(typ, []).append((i, core.split()))
    # an acronym is matched with the names as written: `EADS` is not `European Aeronautic
    # Defence and Space NV` less its `NV`, which would name it by one spelling of several
    written_orgs = [(i, core_name(text, typ, legal_form=True).split())
                    for i, (text, typ) in enumerate(mentions) if typ == "ORG"]
    org_names = {" ".join(w) for _, w in fulls.get("ORG", [])}
    companies = _company_acronyms([c for (_, t), c in zip(mentions, cores) if t == "ORG"],
                                  [w for _, w in written_orgs], known)
    place_names = {" ".join(w) for _, w in fulls.get("PLACE", [])}
    numbers: dict[tuple[str, str], str] = {}
    said = Counter(zip(cores, (typ for _, typ in mentions)))
    out = []
    # the full name each short form was read as so far: an article keeps calling one person
    # "Mohamed" after naming his father "Mohamed El-Hassan Mohamed" (GUM's clock article)
    read_as: dict[str, str] = {}
    for i, ((_, typ), core) in enumerate(zip(mentions, cores)):
        words = core.split()
        name = core
        if typ == "PERSON":
            cands = [(j, w) for j, w in fulls["PERSON"]
                     if len(w) > len(words) and (w[:len(words)] == words or w[-len(words):] == words)]
            earlier = read_as.get(core)
            if earlier is not None and any(" ".join(w) == earlier for _, w in cands):
                name = earlier
            else:
                name = _pick(cands, i) or name
            if name != core:
                read_as[core] = name
        elif typ == "ORG" and _ACRONYM.fullmatch(core):
            letters = core.replace("&", "")  # `S&P`: Standard & Poor's, whose `&` is no initial
            cands = [(j, w) for j, w in written_orgs
                     if places.initials(" ".join(w)) == letters and len(w) > 1]
            name = _pick(cands, i) or companies.get(core, name)
        elif typ == "ORG" and len(words) == 1 and is_common_word(core):
            # `the Church`, `the Bank`: a common word that opens an organisation's name the
            # article gives (`Church of Scientology`, `Bank of Canada`) is that organisation;
            # not one that ends it (`the House` of Congress is no `White House`)
            cands = [(j, w) for j, w in fulls["ORG"] if len(w) > 1 and core == w[0]]
            name = _pick(cands, i) or name
        elif typ == "ORG" and core in companies:
            name = companies[core]  # `European Aeronautic Defence & Space NV` -> `EADS`
        if name == core and typ == "ORG" and len(words) == 1:
            name = _clipped(core, fulls["ORG"]) or name
        if name == core and typ in ("ORG", "OTHER") and not core.isupper() and not (
                len(words) == 1 and is_common_word(core)):  # an acronym has its own rule
            name = _name_ending(words, fulls[typ], place_names, known) or name
        if name == core and typ in ("PLACE", "ORG"):
            city = _CITY_COMMA.search(before[i]) if before is not None else None
            # the word before the comma must be a place the article names (`Raleigh`), not
            # any capitalised word (`As Heald told The Huffington Post, US surface ozone`)
            after_city = city is not None and any(w and w[-1] == city.group(1)
                                                  for _, w in fulls.get("PLACE", []))
            name = _country(core, typ, fulls.get(typ, []), i, after_city) or name
        if name == core and typ == "PLACE":
            name = places.common_name(core) or name  # `Britain` -> `United Kingdom`
        if name == core and known is not None and len(words) == 1 and typ in ("PERSON", "ORG"):
            found = known.lookup(entity_key(core, typ), typ)
            if len(set(found)) == 1:  # conservative: only an unambiguous answer
                name = found[0]
        if typ == "ORG" and name != core:
            name = core_name(name, typ)  # an acronym's full name is as written: less its `Inc.`
        if typ == "ORG":  # `General Motors Corporation` where `General Motors` is known
            name = next((shorter for shorter in shorter_org_names(name)
                         if shorter in org_names or (known is not None and known.weight(
                             entity_key(shorter, typ), typ) > 0)), name)
            bare = without_country(name)
            if bare and (bare in org_names or (is_company_name(bare) and POSSESSIVE.search(
                    name[:len(name) - len(bare)].strip()))):
                # `U.S. Federal Reserve` where the article says `Federal Reserve`; a company
                # after a country's possessive anywhere (`Wimborne, UK's VT Group`)
                name = bare
        if typ in ("ORG", "OTHER"):  # also a name an acronym was read as (`GM`)
            if (name, typ) not in numbers:  # a name is said many times: asked once
                numbers[name, typ] = _number_variant(name, typ, said, known)
            name = numbers[name, typ] or name
        out.append(name)
    return out


_ACRONYM = re.compile(r"[A-Z](?:&?[A-Z]){1,5}")  # `GM`, `EADS`, `S&P`, `P&G`


def _company_acronyms(org_cores: list[str], written: list[list[str]],
                      known: KnownEntities | None) -> dict[str, str]:
    """One name for a company the article gives both by its acronym and by its full name,
    whose legal form keeps the name as written from spelling the acronym out (`European
    Aeronautic Defence & Space NV (EADS)`, `General Motors Corporation (GM)`): the name of
    the two the store links in more articles, else the acronym, which a company goes by.
    Keyed by the acronym and by each full name."""
    acronyms = {c for c in org_cores if _ACRONYM.fullmatch(c) and "&" not in c and not any(
        len(w) > 1 and places.initials(" ".join(w)) == c for w in written)}
    out: dict[str, str] = {}
    for core in dict.fromkeys(c for c in org_cores if acronyms and " " in c):
        for name in (core, *shorter_org_names(core)):
            acronym = places.initials(name)
            if acronym not in acronyms:
                continue
            if acronym not in out:
                out[acronym] = name if known is not None and known.weight(
                    entity_key(name, "ORG"), "ORG") > known.weight(
                    entity_key(acronym, "ORG"), "ORG") else acronym
            out[core] = out[acronym]
            break
    return out


def _number_variant(core: str, typ: str, said: Counter, known: KnownEntities | None) -> str:
    """The name of the same thing with or without a plural `s` that the store links in more
    articles, or the article says more often, than this one: a plural product is the one it
    counts (`iPods`, `iPod Touches` -> `iPod`, `iPod Touch`), and a name with its `s` left
    off (`General Motor's chief executive`) the name. Not a name that merely ends in s
    (`Airbus`, `Lehman Brothers`): the other form must be known. The store is asked about a
    longer name's missing `s` only (`General Motor`): a word's plural is rarely a name.
    A people's plural stays: a people goes by it (`Afghans` is GUM's and Wikipedia's name;
    `Afghan` the adjective), so canonical_names leaves NORP out."""
    forms = []  # (name, 1 for the singular, which a tie goes to)
    if core.endswith("s") and not core.endswith("ss"):
        forms += [(core[:-1], 1)] + ([(core[:-2], 1)] if core.endswith("es") else [])
    if " " in core or (core + "s", typ) in said:
        forms.append((core + "s", 0))

    def strength(name: str, singular: int) -> tuple[int, int, int]:
        weight = known.weight(entity_key(name, typ), typ) if known is not None else 0
        return weight, said[name, typ], singular

    best = max(((strength(*f), f[0]) for f in forms), default=((0, 0, 0), ""))
    known_form = best[0][0] > 0 or best[0][1] > 0
    return best[1] if known_form and best[0] > strength(core, 0) else ""


# `Raleigh, N.C.`, `Springfield, Ill.`: an abbreviation right after a city and a comma is its
# state or province (N.C. is also New Caledonia's code and initials).
_CITY_COMMA = re.compile(r"\b([A-Z][\w'.-]*),\s*$")


def _country(core: str, typ: str, fulls: list[tuple[int, list[str]]], i: int,
             after_city: bool = False) -> str:
    """The name a place abbreviation stands for (`U.S.`, `UK` -> `United States`, `United
    Kingdom`): a longer name of the same type in the article whose initials it is, else the
    country or territory's CLDR name. Only for a place, or a dotted abbreviation of any
    type: an undotted `US` or `IT` tagged otherwise may be a word of a capitalised headline."""
    letters, dotted = places.abbreviation(core)
    if not letters or not (typ == "PLACE" or dotted):
        return ""
    cands = [(j, w) for j, w in fulls if len(w) > 1 and places.initials(" ".join(w)) == letters]
    return _pick(cands, i) or ("" if after_city else places.expansion(letters))


def _name_ending(words: list[str], names: list[tuple[int, list[str]]],
                 place_names: set[str], known: KnownEntities | None = None) -> str:
    """The article's one longer name of the type that ends with these words (`Chrome`,
    `Udvar-Hazy Center` -> `Google Chrome`, `Steven F. Udvar-Hazy Center`): the maker or
    the namesake left off. Only for organisations and products, and not for one common
    word (`the House` is no `White House`): places end so too often (`Mexico` and `New
    Mexico`, `Wales` and `New South Wales`). Nor where the words left off are a place: the
    `Dallas Fed` and `San Francisco Federal Reserve` are branches of the Fed."""
    n = len(words)
    return _sole(w for _, w in names
                 if len(w) > n and w[-n:] == words and all(x[:1].isupper() for x in w[:-n])
                 and not _a_place(" ".join(w[:-n]), place_names, known))


def _a_place(words: str, place_names: set[str], known: KnownEntities | None) -> bool:
    """True for a place the article or the store names, or a country however written."""
    return (words in place_names or bool(places.country_name(words)) or words in country_names()
            or (known is not None and known.weight(entity_key(words, "PLACE"), "PLACE") > 0))


def _clipped(core: str, orgs: list[tuple[int, list[str]]]) -> str:
    """The organisation a clipped word stands for (`the Fed` of the Federal Reserve): the
    article's one longer organisation name whose first word the word cuts short by at least
    half. Less is a word the first word is made from (`Congress` of the `Congressional
    Record`, `Nation` of a `National ...`). Only one: beside the Federal Reserve and the
    Federal Trade Commission, `Fed` is left as written."""
    if len(core) < 3 or not core[1:].islower():
        return ""  # `FBI` is an acronym; `Fe` cuts too much to tell
    return _sole(w for _, w in orgs
                 if len(w) > 1 and len(w[0]) >= 2 * len(core) and w[0].startswith(core)
                 and w[0][len(core)].islower())


def _sole(names) -> str:
    """The one name among these word lists, or "" when there are none or several."""
    found = {" ".join(w) for w in names}
    return found.pop() if len(found) == 1 else ""


def _pick(cands: list[tuple[int, list[str]]], i: int) -> str:
    """The full name among candidates: the only one, else the nearest one before."""
    if only := _sole(w for _, w in cands):
        return only
    before = [(j, w) for j, w in cands if j < i]
    return " ".join(before[-1][1]) if before else ""
