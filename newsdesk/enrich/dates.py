"""Time expressions of an article resolved against its publication date.

The model's DATE entities find the expressions (it knows `on Tuesday` from `Tuesday`
the surname); dateparser resolves each one, relative to the publication date, towards the
past or the future as the tense of the verb it hangs on says (`will host ... on Tuesday` is
the coming Tuesday, `visited ... on Tuesday` the last one). Durations (`days`, `the past
five years`), decades and weeks are left out: they name no single day, month or year.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

from dateparser.date import DateDataParser
from spacy.tokens import Doc, Span

from newsdesk.enrich.nlp import locate
from newsdesk.models import DateMention

_FUTURE_WORDS = {"will", "'ll", "’ll", "shall", "going", "scheduled", "expected", "set",
                 "plans", "planned", "due", "next", "upcoming", "coming"}
_DURATION = re.compile(r"\b(?:years|months|weeks|days|hours|decades|centuries)\b(?!.*\bago\b)|"
                       r"\d0s\b|\bweek(?:end)?\b|\bseason\b|\bquarter\b|\bcentury\b", re.I)
# A count of a unit is a span or a rate, not a date: "its 41-year history", "a 20 year low",
# "a three-year low", "a day high", "15 a year" (dateparser read these as 1941, 1988, March
# and today). "a year ago" names one: it is kept.
_COUNT_WORDS = ("a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
                "fifty|sixty|hundred")
_SPAN = re.compile(rf"(?:^|\s)(?:\d+|{_COUNT_WORDS})[\s-]+(?:year|month|week|day|hour)s?\b(?!.*\bago\b)",
                   re.I)
_PRESENT_AUX = {"is", "are", "am", "be", "being", "'s", "’s", "'re", "’re", "can", "could",
                "may", "might", "must", "should", "would"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_GRANULARITY = {"day": "day", "month": "month", "year": "year"}


@functools.lru_cache(maxsize=64)
def _parser(prefer: str, base: datetime | None) -> DateDataParser:
    settings = {"PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=["en"], settings=settings)


def _tense(ent: Span) -> str:
    """"future" when the clause the date hangs on looks ahead, "past" when it is in the
    past tense, "" (nearest) for the present."""
    if ent.start > 0 and ent.doc[ent.start - 1].lower_ in ("since", "last", "ago"):
        return "past"
    tok = ent.root
    for _ in range(4):
        if tok.tag_.startswith("VB") or tok.tag_ == "MD" or tok.dep_ == "ROOT":
            break
        tok = tok.head
    words = {c.lower_ for c in tok.children} | {tok.lower_} | {t.lower_ for t in ent}
    if words & _FUTURE_WORDS:
        return "future"
    # a participle is past with "has", "was" or none ("sales reported in March"), but a
    # passive in the present says nothing ("before it is reported in March")
    present_passive = tok.tag_ == "VBN" and bool(
        {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")} & _PRESENT_AUX)
    if (tok.tag_ in ("VBD", "VBN") and not present_passive) or {"was", "were", "had"} & words:
        return "past"
    return ""


def resolve(expression: str, published: datetime | None, tense: str = "") -> tuple[str, str] | None:
    """(ISO value, granularity) of a time expression, or None when it names no date."""
    expr = re.sub(r"^(?:on|in|the|of|since|by|until|from)\s+", "", expression.strip(), flags=re.I)
    if not expr or _DURATION.search(expr) or _SPAN.search(expr) \
            or not re.search(r"[A-Za-z]{3}|\d{4}", expr):
        return None
    if published is None and not re.search(r"\b\d{4}\b", expr):
        return None  # a relative date needs the publication date
    base = published.replace(tzinfo=None) if published else None
    low = expr.lower()
    if base is not None and low in _WEEKDAYS:
        # News convention: a bare weekday is the one in the week around publication.
        delta = _WEEKDAYS.index(low) - base.weekday()
        if tense == "future" and delta < 0:
            delta += 7
        elif tense == "past" and delta > 0:
            delta -= 7
        elif not tense and abs(delta) > 3:
            delta += -7 if delta > 0 else 7
        return (base + timedelta(days=delta)).date().isoformat(), "day"
    data = _parser(tense or "past", base).get_date_data(expr)
    if not tense and base is not None and data.date_obj is not None and not _YEAR.search(expr):
        # The tense says nothing ("has a June 1 deadline", "is reported in March"): the
        # nearer of the last and the next, as a reader takes it, not always the last one
        ahead = _parser("future", base).get_date_data(expr)
        if ahead.date_obj is not None and abs(ahead.date_obj - base) < abs(data.date_obj - base):
            data = ahead
    if data.date_obj is None or data.period not in _GRANULARITY:
        return None
    day = data.date_obj
    if base is not None and abs(day.year - base.year) > 200:
        return None
    grain = _GRANULARITY[data.period]
    iso = {"day": day.date().isoformat(), "month": day.strftime("%Y-%m"),
           "year": f"{day.year:04d}"}[grain]
    return iso, grain


# A year after "of" that ends a name is part of the name, not a date the sentence gives: "the
# International Emergency Economic Powers Act of 1977", "the Class of 2020". Shown in a story's
# timeline it put a ruling of this week under 1977.
_NAME_TYPES = {"ORG", "LAW", "EVENT", "WORK_OF_ART", "FAC", "PRODUCT"}
_YEAR = re.compile(r"\d{4}")


def _year_of_a_name(ent: Span) -> bool:
    if ent.start < 2 or not _YEAR.fullmatch(ent.text) or ent.doc[ent.start - 1].lower_ != "of":
        return False
    before = ent.doc[ent.start - 2]
    return before.ent_type_ in _NAME_TYPES or (before.is_title and before.tag_ == "NNP"
                                               and not before.ent_type_)


# What marks a date as a point the sentence compares with rather than when its event
# happened: "since" after a superlative, an ordinal or a negation ("its lowest level since
# 2003", "the first loss since 1992", "lows not seen since 1982": the fall is this week, not
# in 2003), a level named by its date ("its November 20, 2008 low"), and "than" or
# "compared to". A plain "since" dates a start ("with Apple since November 2008") and stays.
_LEVEL_NOUNS = {"low", "lows", "high", "highs", "level", "levels", "peak", "peaks", "record",
                "records", "close", "mark"}
_ORDINALS = {"first", "last", "only"}


def _after_since(ent: Span) -> bool:
    """The date is what "since" governs: "since 2003", or inside its object ("since the
    country's 1998 financial crisis")."""
    if ent.start > ent.sent.start and ent.doc[ent.start - 1].lower_ == "since":
        return True
    tok = ent.root
    for _ in range(3):
        if tok.head is tok or tok.dep_ not in ("pobj", "compound", "nummod", "poss", "nmod",
                                               "amod", "npadvmod"):
            return False
        tok = tok.head
        if tok.lower_ == "since":
            return True
    return False


# "for the next year", "over the past month": a span of time reckoned from now, which
# dateparser reads as the calendar year or month after or before
_RECKONED_SPAN = re.compile(r"^(?:the\s+)?(?:next|past|coming|previous)\s+(?:year|month|week|day)$",
                            re.I)


def _names_no_day(ent: Span) -> bool:
    """A DATE span that names no day of the calendar: a span reckoned from now (`for the
    next year`) or a figure of speech (`the cars of tomorrow`)."""
    if ent.start > 0 and ent.doc[ent.start - 1].lower_ == "of" \
            and ent.text.lower() in ("tomorrow", "today", "yesterday"):
        return True  # "the cars of tomorrow", "the events of today": no day of the calendar
    return (ent.start > 0 and ent.doc[ent.start - 1].lower_ in ("for", "over", "during", "within",
                                                                "in", "throughout")
            and bool(_RECKONED_SPAN.match(ent.text.strip())))


def _role(ent: Span, tense: str) -> str:
    """"reference" for a date the sentence compares with, else "event"; `tense` is
    `_tense(ent)`."""
    doc = ent.doc
    before = [t.lower_ for t in doc[max(ent.sent.start, ent.start - 2):ent.start]]
    if before[-1:] == ["than"] or before[-2:] in (["compared", "to"], ["compared", "with"]) \
            or before[-2:] == ["than", "in"]:
        return "reference"
    if ent.end < len(doc) and doc[ent.end].lower_ in _LEVEL_NOUNS and ent.end < ent.sent.end:
        return "reference"
    if before[-1:] in (["before"], ["after"]) and tense == "past" \
            and not (ent.end < len(doc) and doc[ent.end].tag_ == "POS"):
        # `what prevailed before 2025`, `recovered a year after 2009`: the event happened on
        # one side of the date, not on it (a coming `before June 1` is a deadline, and
        # `after Tuesday's announcement` dates the announcement: events)
        return "reference"
    if _after_since(ent):
        lead = doc[ent.sent.start:ent.start]
        if any(t.tag_ in ("JJS", "RBS") or t.lower_ in _ORDINALS or t.dep_ == "neg"
               or t.lower_ == "never" for t in lead):
            return "reference"
    return "event"


def _month_of_year(doc: Doc) -> list[Span]:
    """The DATE entities, with "March of 2020" (which the model tags as two) made one."""
    ents = [e for e in doc.ents if e.label_ == "DATE"]
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if (prev is not None and ent.start == prev.end + 1 and doc[prev.end].lower_ == "of"
                and _YEAR.fullmatch(ent.text) and not _YEAR.search(prev.text)):
            out[-1] = doc[prev.start:ent.end]
        else:
            out.append(ent)
    return out


def find_dates(doc: Doc, text: str, starts: list[int], published_at: datetime | None) -> list[DateMention]:
    out = []
    for ent in _month_of_year(doc):
        if _year_of_a_name(ent) or _names_no_day(ent):
            continue
        tense = _tense(ent)
        got = resolve(text[ent.start_char:ent.end_char], published_at, tense)
        if got is None:
            continue
        block, _ = locate(starts, ent.start_char)
        sent = ent.sent
        out.append(DateMention(text=text[ent.start_char:ent.end_char],
                               sentence=text[sent.start_char:sent.end_char].strip(),
                               value=got[0], granularity=got[1], block=block,
                               role=_role(ent, tense)))
    return out
