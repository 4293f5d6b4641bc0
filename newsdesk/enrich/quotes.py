"""Quotes of an article: the passages inside quotation marks, who said them, to whom, and
the indirect attributions (`officials say talks will ...`).

A quote's reporting verb is sought in order: the verb governing it in the parse, verbs after
it, verbs before it, the verb of a sentence that introduces it with a colon, the paragraph
before; the first that yields a speaker wins (speakers.py says who the speaker is). A quote
with none continues the last speaker's words when it follows them. A learned ranker over
the mentions near each quote (speaker_rank.py) then overrules the rules' speaker where it
scores another mention higher; cue and addressee stay the rules'.

Quote marks are found by a scanner (quote_marks.py) rather than the parser, since the model
does not pair quotation marks across sentences or paragraphs.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from newsdesk.enrich.entities import core_name
from newsdesk.enrich.nlp import locate
from newsdesk.enrich.quote_marks import is_quote, is_title, quote_spans
from newsdesk.enrich.speaker_rank import rerank
from newsdesk.enrich.speakers import (PRONOUNS, addressee, inside, name_at, np_bounds,
                                       paragraph_start, resolve, subject, subject_by_position)
from newsdesk.models import Quote

# Reporting verbs in all their inflections (the lemmatizer is left out for speed).
_CUE_LEMMAS = (
    "say tell add write ask explain note insist argue claim state declare continue recall "
    "tweet warn acknowledge reply respond announce comment suggest remark admit post joke "
    "quip conclude stress emphasize emphasise predict urge shout testify concede contend "
    "caution observe point_out describe assert allege complain boast vow promise report "
    "confirm deny repeat counter maintain believe think agree estimate charge "
    "answer exclaim yell proclaim pledge assure lament interject retort scream plead demand "
    "mutter elaborate recount chant read quote wonder muse"
).split()
# Verbs of stance that carry a speaker's words only when they govern the quote or stand
# by it (`called him "a disgrace"`, `Clinton fired back that "..."`).
_STANCE_LEMMAS = (
    "call accuse cite blast offer thank praise mock criticize criticise question dub vent "
    "fume gush bark denounce dismiss fire press blame refer label slam brand scoff rail "
    "remember"
).split()
_IRREGULAR = {"say": ["said", "says", "saying"], "tell": ["told", "tells", "telling"],
              "write": ["wrote", "writes", "written", "writing"],
              "think": ["thought", "thinks", "thinking"], "read": ["reads", "reading"],
              "keep": ["kept", "keeps", "keeping"],
              "forbid": ["forbade", "forbidden", "forbids", "forbidding"]}
_DOUBLING = {"admit", "quip", "dub", "refer", "slam", "ban", "bar", "stop", "deter"}


def _forms(lemma: str) -> list[str]:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma] + [lemma]
    if lemma in _DOUBLING:
        return [lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    past = lemma + "d" if lemma.endswith("e") else (
        lemma[:-1] + "ied" if lemma.endswith("y") and lemma[-2] not in "aeiou" else lemma + "ed")
    third = lemma[:-1] + "ies" if lemma.endswith("y") and lemma[-2] not in "aeiou" else (
        lemma + "es" if lemma.endswith(("sh", "ch", "s", "x")) else lemma + "s")
    return [lemma, past, third, stem + "ing"]


CUES = {f for lemma in _CUE_LEMMAS + _STANCE_LEMMAS for f in _forms(lemma.split("_")[0])}
# A verb that reports a few quoted words only with its particle (`pointed out`)
_PARTICLE = {f for lemma in _CUE_LEMMAS if "_" in lemma for f in _forms(lemma.split("_")[0])}
# Verbs of thought, report or stance attribute a quote only parenthetically or as the
# verb governing it, never introduce a quote or an indirect attribution on their own.
_WEAK = {f for lemma in ["believe", "think", "agree", "estimate", "charge", "describe",
                         "continue", "post", "report", "repeat", "maintain"] + _STANCE_LEMMAS
         for f in _forms(lemma)}
# Verbs that only people (or their organisations) do: a subject of one of these speaks,
# where `the advertisement suggests`, `she recalls` need not report words.
_SPEECH = {f for lemma in ("say tell add reply respond ask answer write tweet explain insist argue "
                           "declare warn joke quip retort exclaim shout yell testify concede state").split()
           for f in _forms(lemma)}
# Verbs whose object or `to` names who heard the words (`told AFP`, `said to reporters`,
# `wrote to the board`). After others `to` names what was answered or meant (`responded
# to Jobs' death`, `pointed to the advances`, `posted to Instagram`: where, not to whom), and
# `according to X` names the speaker.
_HEARD_BY = {f for lemma in (
    "say tell speak talk explain write admit confide complain announce reveal confess state "
    "declare insist remark report promise pledge swear vow signal suggest recommend propose "
    "apologise apologize boast brag concede disclose mention indicate whisper shout yell "
    "plead argue email tweet repeat stress emphasise emphasize acknowledge hint joke "
    "assure lament").split() for f in _forms(lemma)}
# A few quoted words right after these are a name for a thing (`commonly called "apps"`,
# `the so-called "toxic assets"`, `is known as "the Worldliner"`), whatever reporting verb
# the sentence has elsewhere. `what he called "a rigged system"` and `has used the phrase
# "Islamic terrorism"` are his words: quotes.
_NAMED_TERM = re.compile(
    r"(?:\b(?:commonly|often|sometimes|widely|popularly|also|usually|generally|now|locally)\s+"
    r"(?:called|dubbed|termed|named|nicknamed|known\s+as|referred\s+to\s+as)"
    r"|\b(?:is|are|was|were|be|being|been)\s+(?:called|dubbed|termed|named|nicknamed|known\s+as)"
    # bare `dubbed` names, as `called` may not: `a new screen, dubbed a "retina display,"`;
    # so does a gloss: `a free case, or "bumper,"`
    r"|\b(?:dubbed|christened)|,\s+or"
    r"|\bso-called)\s*(?:(?:the|an?)\s+)?[\"“‘']?$", re.IGNORECASE)
# ... and the capitalised words after these, up to a longer name (`the team's robot, named
# "Better Idea of Afghan Girls,"`): naming a thing never reports speech. Not a title: `a memo
# titled "..."` gives the memo's content, as PolNeAR marks it.
_NAMED_THING = re.compile(r"\b(?:named|nicknamed|renamed)\s*[\"“‘']?$", re.IGNORECASE)


def _names_a_thing(text: str, qs: int, qe: int) -> bool:
    """True for quoted words that are a name for a thing (_NAMED_TERM, _NAMED_THING)."""
    words = len(text[qs:qe].split())
    return (words < 4 and _NAMED_TERM.search(text, max(0, qs - 40), qs) is not None
            or words < 9 and text[qs:qe][:1].isupper()
            and _NAMED_THING.search(text, max(0, qs - 20), qs) is not None)


def find_quotes(doc: Doc, text: str, starts: list[int],
                spans: list[tuple[int, int, str, str]], rank: bool = True,
                seen: list | None = None) -> list[Quote]:
    """Direct quotes (kind="direct") and indirect attributions (kind="indirect"); `rank`
    lets the learned ranker (speaker_rank.py) overrule the rules' speaker. `seen` collects
    what the ranker is given for each direct quote (for training it on what it will see)."""
    marks = quote_spans(text)
    quoted = [q for q in marks if not is_title(text, q)]
    out: list[Quote] = []
    prev: Quote | None = None
    prev_end = -1
    for qs, qe in quoted:
        if _cited(text, qe):
            continue
        quote, path = _attribute(doc, text, starts, spans, qs, qe, marks)
        block, start = locate(starts, qs)
        if not quote.speaker and prev is not None and _adjacent(text, prev_end, qs):
            quote = Quote(text="", speaker=prev.speaker, cue=prev.cue, said_to=prev.said_to,
                          speaker_role=prev.speaker_role, speaker_at=prev.speaker_at)
            path = "continued"
        if not quote.speaker:
            stance = _stance(doc, text, starts, spans, qs, qe, marks)
            quote, path = (stance, "stance") if stance is not None else (quote, path)
        if not quote.speaker and (len(text[qs:qe].split()) < 8 or not is_quote(text, (qs, qe))):
            continue  # an unattributed short phrase is a term in scare quotes
        if quote.speaker and not is_quote(text, (qs, qe)) and not _governed(doc, qs, qe, quote):
            continue  # a term in a sentence that merely has a reporting verb elsewhere
        if _names_a_thing(text, qs, qe):
            continue  # `applications, commonly called "apps,"`: a name for a thing, not words said
        quote.text, quote.block, quote.start, quote.end = text[qs:qe], block, start, start + qe - qs
        if seen is not None:
            seen.append((qs, qe, rule_at(starts, quote), prev.speaker if prev else "", path))
        if rank and path not in ("dash", "label"):  # they name their speaker; the ranker never saw them
            _rerank(doc, text, starts, spans, qs, qe, marks, quote, prev, path)
        out.append(quote)
        prev, prev_end = quote, qe
    out.extend(_indirect(doc, text, starts, spans, marks))
    return out


def rule_at(starts: list[int], quote: Quote) -> tuple[int, int] | None:
    """The rules' speaker mention as offsets into the joined text."""
    if not quote.speaker or quote.speaker_at is None:
        return None
    b, s, e = quote.speaker_at
    return starts[b] + s, starts[b] + e


def _rerank(doc: Doc, text: str, starts: list[int], spans, qs: int, qe: int, marks,
            quote: Quote, prev: Quote | None, path: str) -> None:
    better = rerank(doc, text, spans, qs, qe, marks, rule_at(starts, quote),
                    prev.speaker if prev is not None else "", CUES, path)
    if better is not None:
        (s, e) = better[2]
        b, off = locate(starts, s)
        quote.speaker, quote.speaker_role, quote.speaker_at = better[0], better[1], (b, off, off + e - s)


def _stance(doc: Doc, text: str, starts: list[int], spans, qs: int, qe: int, marks) -> Quote | None:
    """A quote worked into a sentence whose subject is a person (`Clinton supports
    "appropriate pay raises"`, `he blasted Trump as a "bully"`): that person's words."""
    span = doc.char_span(qs, qe, alignment_mode="expand")
    if span is None:
        return None
    verb = span.root
    for _ in range(6):
        if verb.tag_.startswith("VB") or verb.head is verb:
            break
        verb = verb.head
    if not verb.tag_.startswith("VB") or inside(verb.idx, marks):
        return None
    subj = subject(doc, verb, marks)
    if subj is None:
        return None
    is_person = subj.lower_ in PRONOUNS or any(
        s <= subj.idx < e and typ == "PERSON" for s, e, typ, _ in spans)
    if not is_person:
        return None
    return _quote_from_cue(doc, text, starts, spans, verb, before=qs, marks=marks)


def _governed(doc: Doc, qs: int, qe: int, quote: Quote) -> bool:
    """A partial quote needs its verb used for speech: with something said (a clause, an
    object, a complement) or as the parenthetical `he said`, not `responded by imposing`."""
    # the cue's word in the quote's own sentence first: an earlier one in the paragraph
    # (`Waters pointed out those features ... She pointed to the table with gumball
    # "pills"`) is another verb
    quoted = doc.char_span(qs, qe, alignment_mode="expand")
    own = [t for t in quoted.sent if t.text == quote.cue] if quoted is not None else []
    cue = own[0] if own else next((t for t in doc if t.text == quote.cue
                                   and abs(t.idx - qs) < 400), None)
    if cue is None or quote.cue == "according to":
        return True
    if cue.lower_ in _PARTICLE and not any(c.dep_ == "prt" for c in cue.children):
        return False  # `She pointed to the table with gumball "pills"`: no `pointed out`
    if quoted is not None and (quoted.root.head is cue or 0 < cue.i - quoted.end <= 2):
        return True  # `"Safety," said Grimm`, however the parser hangs the word on the verb
    return cue.dep_ == "parataxis" or any(
        c.dep_ in ("ccomp", "dobj", "xcomp", "oprd", "dative", "attr") for c in cue.children)


def _adjacent(text: str, prev_end: int, start: int) -> bool:
    """The quote goes on the last speaker's words: it is in the same paragraph, or the
    next paragraph opens with it (news re-attributes only when the speaker changes)."""
    between = text[prev_end:start]
    if "\n\n" not in between:
        return True
    return between.count("\n\n") == 1 and text.rfind("\n\n", 0, start) >= start - 3


def _attribute(doc: Doc, text: str, starts: list[int], spans, qs: int, qe: int,
               marks: list[tuple[int, int]]) -> tuple[Quote, str]:
    """The first candidate reporting verb that yields a speaker (the parse of one may lack
    the subject another has); else the first verb found, without a speaker. With it, the
    way the speaker was found (`colon`, `cue`: the first verb tried, `later_cue`,
    `paragraph_before`), which tells the ranker how far to trust it."""
    named = _name_at_colon(doc, text, qs, marks)
    if named is not None:
        return _quote_from_phrase(doc, text, starts, spans, named, "", before=qs, marks=marks), "colon"
    signed = _name_after_dash(doc, text, qe, marks)
    line_lo = text.rfind("\n", 0, qs) + 1
    if signed is None and not text[line_lo:qs].strip(" “\"\u00a0"):
        # A line that opens with this quote and ends with a signed one (`"..." And that's
        # all he has "the root of all evil." ― Christina Lastra`): one person's words.
        line_hi = text.find("\n", qe)
        later = [b for a, b in marks if qe < a and (line_hi < 0 or b < line_hi)]
        signed = _name_after_dash(doc, text, later[-1], marks) if later else None
    if signed is not None:
        return _quote_from_phrase(doc, text, starts, spans, signed, "", before=qs, marks=marks), "dash"
    label = _speaker_label(text, spans, qs)
    first = None
    for n, cue in enumerate(_cues_near(doc, text, qs, qe, marks)):
        quote = _quote_from_cue(doc, text, starts, spans, cue, before=qs, marks=marks)
        if quote.speaker and (label is None or cue.lower_ in _SPEECH):
            return quote, "cue" if n == 0 else "later_cue"
        first = first or quote
    if label is not None:
        # A transcript's turn (`PENCE: Well, look, ... an episode of "Shark Tank."`): its
        # words are the speaker's, unless a verb of speech in it quotes someone else.
        name, (lo, hi) = label
        b, s = locate(starts, lo)
        return Quote(text="", speaker=name, cue="", speaker_at=(b, s, s + hi - lo)), "label"
    for cue in (_cue_before_paragraph(doc, text, qs, marks),
                _cue_before_sentence(doc, text, qs, qe, marks)):
        quote = _quote_from_cue(doc, text, starts, spans, cue, before=qs, marks=marks) if cue else None
        if quote is not None and quote.speaker:
            return quote, "paragraph_before"
    return first or Quote(text="", speaker=""), ""


_LABEL = re.compile(r"[“\"]?([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):\s")


def _speaker_label(text: str, spans, qs: int) -> tuple[str, tuple[int, int]] | None:
    """The speaker label opening a transcript's paragraph (`PENCE:`, `JAKE TAPPER:`), as
    the person the article names with it (`Mike Pence`); labels that name nobody in the
    article (`VIDEO:`, `UPDATE:`) are not speakers."""
    para_lo = paragraph_start(text, qs)
    m = _LABEL.match(text, para_lo)
    if m is None or m.end() > qs and m.start(1) != qs:
        return None  # after the quote opens, unless the quoted turn opens with it
    last = m.group(1).split()[-1].strip(".'’-").lower()
    for s, e, typ, name in spans:
        if typ == "PERSON" and name and name.split()[-1].lower() == last:
            return name, (m.start(1), m.end(1))
    return None


def _governing_cue(doc: Doc, span, marks) -> Token | None:
    """The reporting verb whose clause holds a quote (`Trump said Rubio was "a
    lightweight"`, `"...," he said`), by the parse of the quote's first sentence."""
    first = span[0].sent
    if first.start != span[-1].sent.start:
        span = doc[span.start:first.end]  # a quote of several sentences: its first one
    tok, found, own = span.root, None, None
    for _ in range(8):
        if tok.head is tok or found is not None and tok.dep_ == "relcl":
            break  # `said Reed, who added that ... "..."`: the relative clause's speaker
        tok = tok.head
        if not inside(tok.idx, marks) and _is_cue(tok, doc, parenthetical=True):
            found = tok  # the highest: `Nance said she wants Trump to explain "..."`
            if own is None and _speaks(tok, marks):
                own = tok
    # A speaking verb with its own subject nearest the quote names who speaks in it
    # (`X called on Obama ... meddling the congressman said is designed to "..."`); else
    # a parenthetical one on the clause (`Mr. Obama said, a majority have come to believe
    # "..."`), before a verb of thought or stance.
    aside = next((c for c in tok.children if c.dep_ == "parataxis" and not inside(c.idx, marks)
                  and _speaks(c, marks)), None)
    if own is None and aside is not None and (found is None or found.lower_ in _WEAK):
        return aside
    return own or found


def _speaks(verb: Token, marks) -> bool:
    """A verb of speech with a subject of its own (`the congressman said`, `footage of
    Trump saying`, `as Trump went on about`)."""
    went_on = verb.lower_ in ("went", "goes") and verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ == "on"
    return verb.tag_ in ("VBD", "VBZ", "VBP", "VBG") and (verb.lower_ in _SPEECH or went_on) and any(
        c.dep_ == "nsubj" and not inside(c.idx, marks) for c in verb.children)


def _cues_near(doc: Doc, text: str, qs: int, qe: int, marks) -> Iterator[Token]:
    """Candidate reporting verbs of a quote, best first: the one governing it, those after
    it, those before it, the verb of a sentence that introduces it with a colon."""
    para_lo = text.rfind("\n\n", 0, qs) + 1
    para_hi = text.find("\n\n", qe)
    para_hi = len(text) if para_hi < 0 else para_hi
    span = doc.char_span(qs, qe, alignment_mode="expand")
    if span is None:
        return
    governor = _governing_cue(doc, span, marks)
    first, last = span[0].sent, span[-1].sent
    if governor is not None and governor.lower_ not in _SPEECH:
        # `The spot concludes with footage of Trump saying during the debate, "..."`: a
        # verb of speech with its own subject between the governor and the quote speaks.
        nearer = next((t for t in reversed(doc[max(governor.i + 1, first.start):span.start])
                       if not inside(t.idx, marks) and _speaks(t, marks)), None)
        if nearer is not None:
            yield nearer
    if governor is not None and para_lo <= governor.idx < para_hi:
        yield governor
    after = [t for t in doc[span.end:min(last.end + 1, len(doc))]
             if t.idx < para_hi and not inside(t.idx, marks)]
    # A quote ending its sentence is often attributed in the next one ("...?" Miller,
    # a retired worker, said), up to where the next quote opens.
    following = set()
    if last.end < len(doc) and len([t for t in after if not t.is_space]) <= 2:
        for t in doc[last.end:min(last.end + 30, len(doc))]:
            if t.idx >= para_hi or inside(t.idx, marks):
                break
            after.append(t)
            following.add(t.i)
    for tok in after:
        if _is_cue(tok, doc, parenthetical=True) and (
                tok.i not in following or _bare_attribution(tok)):
            yield tok
    before = [t for t in doc[first.start:span.start] if t.idx >= para_lo and not inside(t.idx, marks)]
    if not before and first.start > 0 and span.start > 0:
        # `X said:` closing the sentence (or paragraph) before the quote.
        prev = doc[first.start - 1].sent
        if prev.text.rstrip().endswith(":"):
            before = [t for t in prev if not inside(t.idx, marks)]
    for tok in reversed(before):
        # `She continued, "..."`: right before the quote, any reporting verb introduces it.
        if _is_cue(tok, doc, parenthetical=span.start - tok.i <= 3):
            yield tok
    lead = text[para_lo:qs].rstrip(" “\"`")
    if before and lead.endswith(":"):
        # `he returned to his familiar lines: "..."`: the last verb with a subject.
        for tok in reversed(before):
            if tok.tag_.startswith("VB") and subject(doc, tok, marks) is not None:
                yield tok
                break


def _bare_attribution(cue: Token) -> bool:
    """A sentence that only says who spoke (`Miller, a retired worker, said.`), not one
    that goes on with its own report (`Reid said both are ...`, `She noted a rally`)."""
    if cue.i - cue.sent.start > 14:
        return False
    told = cue.lower_ in ("told", "tell", "tells", "telling")
    return not any(c.dep_ in ("ccomp", "xcomp", "attr", "oprd") or (c.dep_ == "dobj" and not told)
                   for c in cue.children)


def _cue_before_paragraph(doc: Doc, text: str, qs: int, marks) -> Token | None:
    """A paragraph that is all quote, after one that says who speaks (`X said Y.` then
    `"..."`): the reporting verb of that paragraph's last sentence."""
    para_lo = text.rfind("\n\n", 0, qs)
    if para_lo < 0 or text[para_lo + 2:qs].strip(" “\"`'"):
        return None
    prev_lo = text.rfind("\n\n", 0, para_lo) + 2 if text.rfind("\n\n", 0, para_lo) >= 0 else 0
    span = doc.char_span(prev_lo, para_lo, alignment_mode="contract")
    if span is None or not len(span):
        return None
    return _cue_of(list(span.sents)[-1], doc, marks)


def _cue_before_sentence(doc: Doc, text: str, qs: int, qe: int, marks) -> Token | None:
    """A quote that opens a sentence after one, in its paragraph, that quotes nobody but says
    who speaks (`Senator John Cornyn issued a statement regarding the choice. "Like many
    Texans, I am disappointed ..."`): that sentence's reporting verb. Before, the quote went
    on from the paragraph's earlier quote, by another speaker."""
    if not text[qs:qe].rstrip(" \"”’'").endswith((".", "!", "?", "…")):
        return None  # `"...," opined the Plain Dealer`: the sentence goes on to say who
    quoted = doc.char_span(qs, max(qs + 1, qe), alignment_mode="expand")
    if quoted is None:
        return None
    first = quoted[0]
    if first.i and doc[first.i - 1].is_quote:
        first = doc[first.i - 1]  # the opening mark
    # the parser often leaves the opening mark at the end of the sentence before
    if not (first.is_sent_start or first.is_quote and first.i + 1 < len(doc)
            and doc[first.i + 1].is_sent_start):
        return None  # `and he said "..."`: the quote is part of a sentence
    if first.i == 0 or "\n\n" in text[doc[first.i - 1].idx:first.idx + 1]:
        return None  # the paragraph opens with it: _cue_before_paragraph's case
    last = doc[doc[first.i - 1].sent.start:first.i]
    if any(inside(t.idx, marks) or t.is_quote for t in last):
        return None  # a sentence that quotes: the quote goes on from it
    cue = _cue_of(last, doc, marks)
    subj = subject(doc, cue, marks) if cue is not None else None
    # a pronoun there is whoever the quotes before are by (PolNeAR: `Obama said after meeting
    # Putin. He didn't suggest retaliation. "..."`: not the last person named)
    return cue if subj is not None and subj.lower_ not in PRONOUNS else None


def _cue_of(last, doc: Doc, marks) -> Token | None:
    """The reporting verb of a sentence that says who speaks next, or its root verb when a
    person or pronoun is its subject."""
    for tok in last:
        if not inside(tok.idx, marks) and _is_cue(tok, doc, parenthetical=True):
            return tok
    # `Valastro praised Christie's leadership.` then `"..."`: the person who spoke last.
    root = last.root
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if root.tag_.startswith("VB") and subj is not None and (
            subj.lower_ in PRONOUNS or subj.ent_type_ == "PERSON"):
        return root
    return None


# Verbs that keep someone from doing a thing: `barred from saying` reports nothing said.
_KEPT_FROM = frozenset(f for lemma in ("prevent prohibit block refrain discourage restrain "
                                       "preclude exclude disqualify ban bar stop deter keep "
                                       "forbid").split() for f in _forms(lemma))


def _is_cue(tok: Token, doc: Doc, parenthetical: bool = False) -> bool:
    word = tok.text.lower()
    nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
    if word == "according" and nxt == "to":
        return True
    if parenthetical and word in ("went", "goes", "go") and nxt == "on":
        return True
    if word not in CUES or not tok.tag_.startswith("VB"):
        return False
    if tok.tag_ == "VBG" and tok.dep_ == "pcomp" and tok.head.lower_ == "from" and (
            tok.head.head.lower_ in _KEPT_FROM):
        # `banning migrants from claiming asylum`: what was kept from being said (`ranged
        # from claiming ... to recounting ...` says it)
        return False
    # Verbs of thought or report attribute a quote only parenthetically (`, she posted.`).
    return parenthetical or word not in _WEAK


def _quote_from_cue(doc: Doc, text: str, starts: list[int], spans, cue: Token, before: int,
                    marks=()) -> Quote:
    subj = subject(doc, cue, marks)
    verb = "according to" if cue.lower_ == "according" else cue.text
    if subj is not None:
        lo, hi = np_bounds(subj)
        phrase = doc.char_span(lo, hi, alignment_mode="expand")
    else:
        phrase = subject_by_position(doc, cue, marks)
    if phrase is None or not len(phrase):
        return Quote(text="", speaker="", cue=verb)
    quote = _quote_from_phrase(doc, text, starts, spans, phrase, verb, before, marks,
                               head=subj)
    obj = addressee(cue) if cue.lower_ in _HEARD_BY else None
    if obj is not None:
        olo, ohi = np_bounds(obj)
        quote.said_to = name_at(spans, obj.idx, obj.idx + len(obj)) or core_name(text[olo:ohi])
    return quote


def _quote_from_phrase(doc: Doc, text: str, starts: list[int], spans, phrase: Span, cue: str,
                       before: int, marks=(), head: Token | None = None) -> Quote:
    """A quote's speaker from the words naming them (`phrase`, headed by `head`)."""
    head = phrase[-1] if head is None else head
    lo, hi = phrase.start_char, phrase.end_char
    quote = Quote(text="", speaker="", cue=cue)
    quote.speaker, quote.speaker_role, _ = resolve(doc, text, spans, head, lo, hi, before, marks)
    b, s = locate(starts, lo)
    quote.speaker_at = (b, s, s + hi - lo)
    return quote


def _name_at_colon(doc: Doc, text: str, qs: int, marks) -> Span | None:
    """`Philip Bump: "..."`, `Continued Stone: "..."`: a name right before the colon that
    opens the quote, unless it is whom the words are about or addressed to."""
    para_lo = paragraph_start(text, qs)
    lead = text[para_lo:qs].rstrip(" “\"`")
    if not lead.endswith(":"):
        return None
    colon = doc.char_span(para_lo + len(lead) - 1, para_lo + len(lead), alignment_mode="expand")
    if colon is None or colon.start == 0:
        return None
    tok = doc[colon.start - 1]
    ent = next((e for e in doc.ents if e.start <= tok.i < e.end and e.label_ in ("PERSON", "ORG")), None)
    if ent is None or inside(tok.idx, marks) or ent.root.dep_ == "pobj" \
            or _is_cue(ent.root.head, doc, parenthetical=True) and ent.root.dep_ != "nsubj":
        return None
    return ent


# `"..." ― Jorge Falcon`: words signed with a dash after the closing mark, as readers'
# comments, letters and posts are quoted; the name runs to the end of its line or clause.
_NAME_WORD = r"(?:[A-Z][\w'’-]*\.?|de|van|von|da|del|la)"
_SIGNED = re.compile(r"[”\"'’»]?[ \t\u00a0]*[―—–][ \t\u00a0]*(" + _NAME_WORD + r"(?:[ \u00a0]+" + _NAME_WORD
                     + r"){0,5})[ \t\u00a0]*(?=[\n,;(]|$)")


# After a quoted title, a dash, an outlet and a publication date ending the line: a source
# list's citation (Wikinews' "Sources": `"..." — CBC.ca, August 15, 2008`).
_CITATION = re.compile(r"[”\"'’»]?[ \t\u00a0]*[―—–][ \t\u00a0]*[^\n,]{1,80},[ \t\u00a0]*"
                       r"(?:[A-Z][a-z]+\.?[ \u00a0]+\d{1,2},?[ \u00a0]+|"
                       r"\d{1,2}[ \u00a0]+[A-Z][a-z]+\.?,?[ \u00a0]+)?(?:1[89]|20)\d\d[ \t\u00a0.]*(?=\n|$)")


def _cited(text: str, qe: int) -> bool:
    """A quoted title signed with an outlet and a date (`"Headline" — Toronto Star, August
    15, 2008`): an article a source list cites, not words anyone said."""
    return _CITATION.match(text, qe) is not None


def _name_after_dash(doc: Doc, text: str, qe: int, marks) -> Span | None:
    """The name signing a quote (`"..." ― Jorge Falcon`), when it is all capitalised
    words (a name, not `— a sentiment echoed by many`) and not itself quoted."""
    m = _SIGNED.match(text, qe)
    if m is None or inside(m.start(1), [q for q in marks if q[0] > qe]):
        return None
    name = m.group(1)
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        name = name[:-1]  # the sentence's full stop, not an initial's
    if not name[0].isupper():
        return None
    lo, hi = m.start(1), m.start(1) + len(name)
    return doc.char_span(lo, hi, alignment_mode="contract") or doc.char_span(lo, hi, alignment_mode="expand")


_CLAUSE_BREAKS = {",", ";", ":", "-", "–", "—"}


_CLITICS = frozenset({"'s", "'re", "'ve", "'ll", "'d", "'m", "n't"})


def _indirect(doc: Doc, text: str, starts: list[int], spans, marks) -> list[Quote]:
    """`X said (that) <clause>` and `according to X, <clause>` outside quotation marks."""
    out = []
    for sent in doc.sents:
        if any(a - 1 <= sent.start_char and b + 1 >= sent.end_char for a, b in marks) or \
                any(sent.start_char <= a < sent.end_char for a, b in marks):
            continue
        for tok in sent:
            if not _is_cue(tok, doc):
                continue
            if tok.lower_ == "according":
                content = [t for t in sent if t.i not in {x.i for x in doc[tok.i + 1].subtree}
                           and t.i != tok.i and not t.is_punct]
            else:
                comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
                if comp is None or (tok.dep_ == "parataxis"):
                    continue
                content = [t for t in comp.subtree if t.lower_ != "that" or t.i != comp.left_edge.i]
                if content and content[0].text in _CLAUSE_BREAKS:
                    if comp.left_edge.lower_ != "that":
                        # a clause the parser hung on the verb past a comma ("announced a
                        # phone, the ROKR, ... in the United States, Virgin will be in the
                        # UK"): a run-on sentence, not what was said
                        continue
                    # "said that, over the past few weeks, ...": what was said starts after it
                    while content and content[0].text in _CLAUSE_BREAKS:
                        content.pop(0)
            if len(content) < 4 or content[0].lower_.replace("’", "'") in _CLITICS:
                # (a clause opens with no clitic: `That's why ...," said X` parsed from inside
                # a quote gave "'s why they're going to ...")
                continue
            lo, hi = content[0].idx, content[-1].idx + len(content[-1])
            quote = _quote_from_cue(doc, text, starts, spans, tok, before=lo)
            if not quote.speaker:
                continue
            block, start = locate(starts, lo)
            if locate(starts, hi)[0] != block:
                continue
            quote.kind, quote.text = "indirect", text[lo:hi]
            quote.block, quote.start, quote.end = block, start, start + hi - lo
            out.append(quote)
            break
    return out
