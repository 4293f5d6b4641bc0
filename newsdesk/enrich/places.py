"""One name per country: abbreviations of countries and territories ("U.S.", "UK", "E.U.",
"UAE") resolved to their English names in CLDR (babel's data), so the store holds one
entity for "U.S." and "United States".

An abbreviation counts only when its letters are the initials of the name; a two-letter one
must also be the territory's code in CLDR (or CLDR's alias for it, `UK` -> `GB`), and no
other CLDR name may have the same initials. That keeps apart what merely shares letters:
state abbreviations (`ME`, `IL`, `IN` are the codes of Montenegro, Israel, India, but not
their initials), `GB` (gigabytes; the code of the United Kingdom, not its initials), the
regions CLDR also names (`LA`: Latin America) and `S.A.` (Saudi Arabia, South Africa,
South America).
"""
from __future__ import annotations

import re
from functools import lru_cache

# "U.S.", "U.K", "E.U.": two or more capitals each followed by a dot (the last may lack it).
_DOTTED = re.compile(r"(?:[A-Z]\.){1,5}[A-Z]\.?")
_PLAIN = re.compile(r"[A-Z]{2,6}")
# ISO 3166 leaves these codes to private use; CLDR fills them with pseudo-locales and
# "Unknown Region", which are not places (but XK is Kosovo, by common use).
_PRIVATE = re.compile(r"AA|Q[M-Z]|X[A-JL-Z]|ZZ")


def abbreviation(text: str) -> tuple[str, bool]:
    """The letters of an abbreviation and whether it was written with dots:
    `U.S.` -> ("US", True), `UAE` -> ("UAE", False), anything else -> ("", False)."""
    text = text.strip()
    if _DOTTED.fullmatch(text):
        return text.replace(".", ""), True
    if _PLAIN.fullmatch(text):
        return text, False
    return "", False


def initials(name: str) -> str:
    """Initials of a name's capitalised words (`Isle of Man` -> `IM`); a hyphenated word is
    one word, `&` and lower-case words do not count."""
    return "".join(w[0] for w in name.split() if w[:1].isupper())


@lru_cache(maxsize=1)
def territories() -> dict[str, str]:
    """CLDR's English names of territories by code: countries and groupings by letter code
    (`US`, `EU`), regions by number (`005` South America); private-use codes left out."""
    from babel import Locale

    return {code: name for code, name in Locale("en").territories.items()
            if not _PRIVATE.fullmatch(code)}


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """CLDR's English territory names by code, its single-target code aliases, and all its
    names (regions too) by their initials (names of two or more words only)."""
    from babel.core import get_global

    every = territories()
    by_code = {code: name for code, name in every.items() if code.isalpha()}
    aliases = {old: new[0] for old, new in get_global("territory_aliases").items()
               if old.isalpha() and len(new) == 1 and new[0] in by_code}
    # Regions (numeric codes: `South America`) count too, to see that `SA` is ambiguous.
    by_initials: dict[str, list[str]] = {}
    for name in every.values():
        if len(name.split()) > 1:
            by_initials.setdefault(initials(name), []).append(name)
    return by_code, aliases, by_initials


def expansion(letters: str) -> str:
    """The CLDR name an abbreviation stands for, or "" when none or more than one does."""
    by_code, aliases, by_initials = _names()
    found = by_initials.get(letters, [])
    if len(found) != 1:
        return ""
    if len(letters) == 2:  # two letters are too common a coincidence: the code must agree
        code = letters if letters in by_code else aliases.get(letters, "")
        return found[0] if by_code.get(code) == found[0] else ""
    return found[0]


@lru_cache(maxsize=1)
def proper_words() -> frozenset[str]:
    """Words English always capitalises, in lower case: CLDR's one-word English names of
    territories and languages (`iran`, `india`, `russian`), days and months. A Title Case
    headline keeps their capital where wordfreq, which ignores case, finds them common. The
    words of longer names (`united`, `south`, `new`) are everyday words too; "may" is one."""
    from babel import Locale

    en = Locale("en")
    words = {name.lower() for names in (en.territories.values(), en.languages.values())
             for name in names if re.fullmatch(r"[A-Z][^\W\d_]*", name)}
    words.update(v.lower() for v in en.days["format"]["wide"].values())
    words.update(v.lower() for v in en.months["format"]["wide"].values())
    return frozenset(words - {"may"})


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """CLDR's English names of territories of two words or more, in lower case (`north
    korea`, `south africa`, `middle east` is none), with the everyday ones (`great britain`)."""
    names = {n.lower() for n in territories().values() if " " in n}
    return frozenset(names | {n.lower() for n in COMMON_NAMES if " " in n})


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """CLDR's English names of countries and territories (by letter code: `Vietnam`, `North
    Korea`, `European Union`), and the everyday ones (`Britain`), as written."""
    return frozenset({name for code, name in territories().items() if code.isalpha()}
                     | set(COMMON_NAMES))


# Everyday English names of countries that CLDR's English names are not: an outlet that
# writes "Britain" and one that writes "U.K." name one country. Kept short and unambiguous
# in news (not "Korea", nor "England", a part of the UK, as country_converter reads it);
# "Latin America" and "North America" are names of their own and never reach this table.
COMMON_NAMES = {
    "Britain": "United Kingdom", "Great Britain": "United Kingdom",
    "America": "United States", "Holland": "Netherlands", "Burma": "Myanmar",
}


def common_name(text: str) -> str:
    """The country's CLDR-style name for an everyday one (`Britain` -> `United Kingdom`),
    else ""."""
    return COMMON_NAMES.get(" ".join(text.split()), "")


def country_name(text: str, place: bool = True) -> str:
    """The CLDR name `text` stands for if it is a country's abbreviation (a dotted one
    always, an undotted one only when known to name a place, `place`) or, for a place, an
    everyday name (`Britain`); else "". For callers that hold a name but no article, such
    as an `entity:U.S.` search."""
    letters, dotted = abbreviation(text)
    if letters:
        return expansion(letters) if place or dotted else ""
    return common_name(text) if place else ""
