"""How a name is written around its core: honorifics, titles, a possessive, a leading
article. Shared by the entity rules (entities.py, evidence.py) and quote attribution."""
from __future__ import annotations

import re
import unicodedata

# Words that open a name as a form of address or office; they are the role, not the name.
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev"}
TITLES = {
    "president", "prime minister", "minister", "chancellor", "premier", "king", "queen",
    "prince", "princess", "pope", "sen", "senator", "rep", "representative", "gov",
    "governor", "mayor", "gen", "general", "col", "lt", "capt", "judge", "justice",
    "secretary", "chairman", "chairwoman", "ceo", "vice president", "speaker", "leader",
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


def core_name(text: str, type: str = "") -> str:
    """A mention without its honorifics and titles (a person's, or an untyped name's),
    possessive and leading article."""
    text = POSSESSIVE.sub("", text.strip())
    text = LEADING_THE.sub("", text)
    stripped = text if type in NOT_ADDRESSED else TITLE_RE.sub("", text)
    return stripped.strip() or text.strip()


def entity_key(name: str, type: str = "") -> str:
    """The normalised key the store dedups entities on: no case, diacritics, honorifics (of
    a person or an untyped name), possessive or dots (`Ms. Takaichi's` -> `takaichi`, `U.S.`
    -> `us`)."""
    core = core_name(name, type)
    core = unicodedata.normalize("NFKD", core)
    core = "".join(c for c in core if not unicodedata.combining(c)).lower()
    core = re.sub(r"(?<=\w)\.(?=\w|$)|\.(?=\s|$)", "", core)
    core = re.sub(r"[‘’`´]", "'", core)
    return re.sub(r"\s+", " ", core).strip(" .,'\"-")
