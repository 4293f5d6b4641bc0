"""How a name is written around its core: honorifics, titles, a possessive, a leading
article. Shared by the entity rules (entities.py, evidence.py) and quote attribution."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cleanco import basename as _without_legal_suffix
from wordfreq import zipf_frequency

# Words that open a name as a form of address or office; they are the role, not the name.
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev"}
TITLES = {
    "president", "prime minister", "minister", "chancellor", "premier", "king", "queen",
    "prince", "princess", "pope", "sen", "senator", "rep", "representative", "gov",
    "governor", "mayor", "gen", "general", "col", "lt", "capt", "judge", "justice",
    "secretary", "chairman", "chairwoman", "ceo", "vice president", "speaker", "leader",
    "spokesman", "spokeswoman", "spokesperson",
}
TITLE_RE = re.compile(
    r"^(?:(?:%s)\.?\s+)+" % "|".join(
        sorted((re.escape(t) for t in HONORIFICS | TITLES), key=len, reverse=True)),
    re.IGNORECASE,
)
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


# Types whose names never open with a form of address: in `General Motors`, `General
# Electric` or `Dr Pepper` the word is part of the name (it used to be stripped: `Motors`).
NOT_ADDRESSED = {"ORG", "PLACE", "NORP", "EVENT", "OTHER"}


# A word this common ("president" 5.45, "state", "news") names nothing on its own: not
# without its legal form (`News Corp`), nor after a people's adjective (`Islamic State` is
# one name), nor as a keyword or topic (keywords.is_general).
COMMON_WORD_ZIPF = 5.0
# Legal forms that are also words of names: `Federal Deposit Insurance Corporation` and
# `Australian Broadcasting Corporation` are not `Federal Deposit Insurance` and `Australian
# Broadcasting`. These, and their short forms (which entity_key reads as the words), are
# dropped only where the shorter name is known (canonical_names).
_SPELLED_OUT = {"co": "company", "corp": "corporation"}
SPELLED_OUT_FORMS = frozenset({*_SPELLED_OUT, *_SPELLED_OUT.values()})
_ABBREVIATED_FORM = re.compile(r"(?<=\s)(co|corp)$")


_CAPITALISED_WORD = re.compile(r"[A-Z][\w'’.-]*")


def all_capitalised(words: list[str]) -> bool:
    """Every word starts with a capital: a name's words, not `Derbyshire and Surrey`."""
    return all(_CAPITALISED_WORD.fullmatch(w) for w in words)


def is_common_word(word: str) -> bool:
    """True for a word at least as common as COMMON_WORD_ZIPF."""
    return zipf_frequency(word.lower(), "en") >= COMMON_WORD_ZIPF


def _legal_form_steps(name: str):
    """(shorter name, the words dropped) for each legal form cleanco drops, outermost first.
    cleanco knows the forms of many countries; it drops one at a time (`Co., Ltd.`)."""
    out = name
    while (shorter := _without_legal_suffix(out).strip(" ,")) and shorter != out:
        dropped = {w.strip(".,&").lower() for w in out.replace(shorter, " ", 1).split()} - {"", "and"}
        yield shorter, dropped
        out = shorter


def _kept(name: str, shorter: str) -> str:
    """`shorter`, unless nothing is left of the name but a common word (`News Corp`)."""
    words = shorter.split()
    if not words or (len(words) == 1 and is_common_word(words[0])):
        return name
    return shorter


@lru_cache(maxsize=8192)  # called for every organisation mention, several times
def without_legal_form(name: str) -> str:
    """An organisation's name without its abbreviated legal form (`Apple Inc.`, `Fiat
    S.p.A.`, `Nissan Motor Co., Ltd.`, `Barclays PLC` -> `Apple`, `Fiat`, `Nissan Motor`,
    `Barclays`), so an outlet that writes the form and one that does not name one entity. A
    spelled-out form (`Corporation`, `Company`, `Corp.`, `Co.`) stays: see
    `without_spelled_out_form`."""
    out = name
    for shorter, dropped in _legal_form_steps(name):
        if dropped <= SPELLED_OUT_FORMS:
            break
        out = shorter
    return _kept(name, out)


@lru_cache(maxsize=8192)
def without_spelled_out_form(name: str) -> str:
    """The name without a spelled-out legal form (`General Motors Corporation`, `Dow Jones &
    Company`, `Ford Motor Co.` -> `General Motors`, `Dow Jones`, `Ford Motor`), or "" when
    it has none."""
    for shorter, dropped in _legal_form_steps(name):
        if dropped <= SPELLED_OUT_FORMS:
            kept = _kept(name, shorter)
            return "" if kept == name else kept
        return ""
    return ""


# Words after a company's name that say what kind of business it is, not which company:
# `Ford Motor`, `Apple Computer`, `Chrysler Group` are Ford, Apple and Chrysler wherever
# the shorter name is known too. cleanco knows legal forms only; this list is short on
# purpose: `Airlines`, `Capital` or `News` make another company (`Singapore Airlines`,
# `Barclays Capital`, `CBC News`), and so does a product's name (`Apple TV`, `iPod Nano`).
_BUSINESS_WORDS = frozenset({"motor", "motors", "computer", "computers", "group", "holding",
                             "holdings", "industries", "enterprises"})


def shorter_org_names(name: str) -> list[str]:
    """Shorter names an organisation may also go by, longest first; each counts only where
    it is known (canonical_names): without its spelled-out legal form (`Ford Motor Company`
    -> `Ford Motor`), then without a word for its kind of business (-> `Ford`)."""
    out = []
    base = without_spelled_out_form(name) or name
    if base != name:
        out.append(base)
    if is_company_name(base):
        out.append(_kept(base, " ".join(base.split()[:-1])))
    return [n for n in dict.fromkeys(out) if n != name]


def without_country(name: str) -> str:
    """An institution's name without the country written before it (`U.S. Federal Reserve`,
    `United States Federal Reserve` -> `Federal Reserve`), or "". Only a country written as
    an abbreviation or as the United States or Kingdom, as copy puts it before an
    institution, or as any country's possessive (`Saudi Arabia's`), and only before two or
    more words: a company's name often holds its country's (`U.S. Steel`, `China Eastern
    Airlines`). The country is what tells one `Air
    Force` from another, so canonical_names drops it only where the article names the
    institution without it too."""
    from .places import abbreviation, common_name, country_name, territories

    words = name.split()
    for n in (3, 2, 1):
        head, rest = " ".join(words[:n]), words[n:]
        if len(rest) < 2:
            continue
        if head in ("United States", "United Kingdom") or (abbreviation(head)[0] and country_name(head)):
            return " ".join(rest)
        owner = POSSESSIVE.sub("", head)  # `Saudi Arabia's Civil Defense Authority`, `UK's`
        if owner != head and (owner in territories().values() or common_name(owner)
                              or abbreviation(owner)[0] and country_name(owner)):
            return " ".join(rest)
    return ""


def is_company_name(name: str) -> bool:
    """True for a name that ends with a word for a business (`VT Group`, `Tata Motors`)."""
    words = name.split()
    return len(words) > 1 and words[-1].lower() in _BUSINESS_WORDS


def core_name(text: str, type: str = "", legal_form: bool = False) -> str:
    """A mention without its honorifics and titles (a person's, or an untyped name's),
    possessive, leading article and, for an organisation, abbreviated legal form (kept
    with `legal_form`)."""
    text = POSSESSIVE.sub("", text.strip())
    text = LEADING_THE.sub("", text)
    stripped = text if type in NOT_ADDRESSED else TITLE_RE.sub("", text)
    if type == "ORG" and not legal_form:
        stripped = without_legal_form(stripped.strip())
    return stripped.strip() or text.strip()


def entity_key(name: str, type: str = "") -> str:
    """The normalised key the store dedups entities on: no case, diacritics, honorifics (of
    a person or an untyped name), possessive or dots (`Ms. Takaichi's` -> `takaichi`, `U.S.`
    -> `us`), an organisation's legal form (`Apple Inc.` -> `apple`; `Ford Motor Co.` ->
    `ford motor company`)."""
    core = core_name(name, type)
    core = unicodedata.normalize("NFKD", core)
    core = "".join(c for c in core if not unicodedata.combining(c)).lower()
    core = re.sub(r"(?<=\w)\.(?=\w|$)|\.(?=\s|$)", "", core)
    core = re.sub(r"[‘’`´]", "'", core)
    core = re.sub(r"\s+", " ", core).strip(" .,'\"-")
    if type == "ORG":  # `Ford Motor Co.` is `Ford Motor Company`, however it is written
        core = _ABBREVIATED_FORM.sub(lambda m: _SPELLED_OUT[m.group(1)], core)
    return core


def name_keys(name: str) -> list[str]:
    """The keys an entity that goes by `name` may be stored under, for a caller that holds a
    name but no article (an `entity:` search, a benchmark's target): the name as written,
    as an organisation's (no title stripped), a country abbreviation's or everyday name's
    country (`U.S.`, `Britain`), and an organisation's shorter names (`Ford Motor Company`
    -> `ford`; `U.S. Federal Reserve` -> `federal reserve`)."""
    from .places import country_name

    keys = (entity_key(name), entity_key(name, "ORG"), entity_key(country_name(name)),
            *(entity_key(s, "ORG") for s in shorter_org_names(name)),
            entity_key(without_country(name), "ORG"))
    return list(dict.fromkeys(k for k in keys if k))
