"""Names by the layout of results and tables (sports pages, wire digests), which the
model was not trained on: a name beside a score is a team, `R. Surname` or a name with
bowling figures is a person, a roster lists players, a dateline opens with a place.

Works on character offsets into the joined article text, line by line (see nlp.py)."""
from __future__ import annotations

import re

from newsdesk.enrich.nlp import mostly_upper

_NAME = r"[A-Z][\w'’.&-]*(?: (?:of |de |la )?[A-Z][\w'’.&-]*){0,2}"
# A dateline: `COLOMBO 1996-08-30`, `WIGAN, England 1996-08-31`, `LONDON (Reuters)`.
DATELINE = re.compile(
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
    (re.compile(r"(?:^|, |; |\d |- |beat |\) )([A-Z][a-z]+(?: [A-Z][\w'’-]+){1,2}) \( [A-Z]"), "PERSON"),
    # Figures after a name: a bowler's `8-0-39-3`, a golfer's rounds `68 76 77 69`.
    (re.compile(rf"(?:^|, |; |: )({_NAME}) \d+(?:\.\d)?-\d+-\d+-\d+\b"), "PERSON"),
    (re.compile(rf"(?:^\d+ |, )({_NAME})(?: \( [A-Z][^()]*\))?(?: \d\d){{2,4}}(?= ,|$)"), "PERSON"),
    # The ground before a result: `Hove : Sussex 363 ...`, `London ( The Oval ) : Surrey beat ...`.
    (re.compile(rf"^(?:At )?({_NAME})(?: \( ({_NAME}) \))? : (?={_NAME} (?:\d+(?:-\d+)?\b(?!-\d)|beat\b|v\b))"), "PLACE"),
    (DATELINE, "PLACE"),
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


def layout_rules(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], set[str]]:
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
            if label == "PERSON" and any(t == "PERSON" and s <= a and b <= e and e - s > b - a
                                         for s, e, t in spans):
                continue  # `W. Bush` inside the model's `George W. Bush`: a middle initial
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


def drop_slugs(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
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
