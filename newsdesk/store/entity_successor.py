"""Which entity took the mentions of one that re-enrichment left unmentioned.

The store keeps an article's entities with their mention counts, not the mentions' offsets,
so "the entity now at the same spans" is told from the names instead, within the one article
whose re-enrichment removed the last mention: an entity the article now names under the old
name (its name, or an alias: the mention texts it was found under), else one of the same type
whose name is the old one grown or cut at word boundaries ("― Lee" -> "Lee Jae Myung" found as
"Lee"). Among those, the one with the most mentions in the article; a tie is no answer.
"""
from __future__ import annotations

import re

from ..models import Entity

WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def _within(part: list[str], whole: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def successor(gone: Entity, present: list[tuple[Entity, int]]) -> int | None:
    """The id of the entity in `present` (the article's entities now, with their mentions in
    it) that took `gone`'s mentions, or None when none can be told."""
    same_name = [(e, n) for e, n in present
                 if e.id != gone.id and (gone.name == e.name or gone.name in e.aliases)]
    if not same_name:
        old = _words(gone.name)
        same_name = [(e, n) for e, n in present if e.id != gone.id and e.type == gone.type
                     and any(_within(w, old) or _within(old, w)
                             for w in map(_words, [e.name, *e.aliases]))]
    if not same_name:
        return None
    ranked = sorted(same_name, key=lambda en: -en[1])
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0].id
