"""The role an article gives a person it names: a title before the name (`Japanese Prime
Minister Sanae Takaichi`) or an appositive after it (`Benoit Hardy-Chartrand, an East Asia
geopolitics expert at Temple University's Tokyo campus`). Offsets are into the joined
article text, as in entities.py.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from newsdesk.enrich.names import HONORIFICS, TITLE_RE, TITLES
from newsdesk.enrich.quote_marks import QUOTE_MARK


# `company CEO Steve Jobs`: the word stands for a body the sentence named before; out of the
# sentence, on the person's page, "company CEO" reads as a kind of CEO. The title is the rest.
_GENERIC_BODY = re.compile(r"^(?:the )?(?:company|firm|group's|company's|firm's) (?=\S)")


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
        m = TITLE_RE.match(words)
        title = m.group(0).strip() if m else ""
        return "" if title.lower().rstrip(".") in HONORIFICS else title
    first = doc[min(run)]
    if first.ent_iob_ == "I":
        # The run starts inside another name. A name that modifies the title is the
        # title's ("University of Texas Arlington Muslim Student Association president",
        # "pan-democrat"); one the title only leads to ("Psychology major at University of
        # Texas Arlington", "Secretary of the Air Force") is left whole: a role cut from it
        # ("Arlington", "Air Force") is none
        name = next(e for e in doc.ents if e.start <= first.i < e.end)
        if name.root.dep_ not in ("compound", "amod", "nmod", "npadvmod") \
                or not first.i <= name.root.head.i < span.end:
            return ""
        first = doc[name.start]
    of = doc[first.i - 1] if first.i else None
    if of is not None and of.lower_ == "of" and of.head.i < of.i and of.head.lower_ in TITLES:
        # `Governor of Washington Chris Gregoire`: the title is the whole phrase, not the
        # place the parser hung on the name
        first = of.head
        while first.i > 0 and doc[first.i - 1].dep_ in ("compound", "amod") \
                and doc[first.i - 1].head.i == first.i:
            first = doc[first.i - 1]
    lo = first.idx
    if QUOTE_MARK.search(text, lo, span.start_char):
        return ""  # a title stands outside no quotation (`the text "Steve Jobs 1955-2011"`)
    title = text[lo:span.start_char].strip() + " " + _leading_title(text[span.start_char:span.end_char])
    title = _GENERIC_BODY.sub("", title.strip())
    words = [w.lower().rstrip(".") for w in title.split()]
    return "" if all(w in HONORIFICS for w in words) else title


def _leading_title(name: str) -> str:
    m = TITLE_RE.match(name)
    return m.group(0).strip() if m else ""


# A role read on its own, on an entity's page, must not lean on the sentence around it.
_CONTEXT_WORDS = {"its", "his", "her", "their", "our", "my", "your", "this", "that", "these", "those"}


def _standalone(head, first) -> bool:
    """A role of one person, readable without its sentence: a singular head (not `some 400
    guests`, `the 2 GHz models`, a misparse) not opening with a pointer back into the text
    (`its CEO`, `his conservative predecessor`)."""
    return head.tag_ in ("NN", "NNP") and first.lower_ not in _CONTEXT_WORDS


def _negated(head, first) -> bool:
    """`it was Jobs, not Papermaster, who ...`: a contrast, not an appositive."""
    doc = head.doc
    return any(c.dep_ == "neg" for c in head.children) or (
        first.i > 0 and doc[first.i - 1].lower_ in ("not", "nor"))


def _appositive(span: Span, text: str) -> str:
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.tag_.startswith("NN"):
            sub = list(child.subtree)
            if child.tag_.startswith("NNP") and child.ent_type_:
                continue  # another name in apposition, not a role
            if not _standalone(child, sub[0]) or _negated(child, sub[0]):
                continue
            # a relative clause says what the person did, not what they are (`..., a
            # management expert at Stanford University, who stated, "..."`)
            clause = [t.left_edge.i for t in sub if t.dep_ == "relcl"]
            if clause:
                sub = [t for t in sub if t.i < min(clause)]
                while sub and sub[-1].is_punct:
                    sub.pop()
            # the parse may run on into the next paragraph: the role ends with its own
            return text[sub[0].idx:sub[-1].idx + len(sub[-1])].split("\n")[0].strip(" ,")
    if root.dep_ == "appos" and root.head.i < span.start and root.head.tag_ in ("NN", "NNS"):
        head = root.head
        toks = [t for t in head.subtree if t.i < span.start and t.i >= head.left_edge.i
                and not t.is_punct and t.i <= head.i]
        if toks and _standalone(head, toks[0]) and not QUOTE_MARK.search(
                text, head.idx, span.start_char):
            return text[toks[0].idx:head.idx + len(head)].strip()
    return ""
