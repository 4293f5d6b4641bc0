"""Who a reporting verb's speaker is: its subject by the parse, or by position where the
parse lost it, and the canonical person or organisation those words name (a pronoun stands
for the last person named, `who` for its antecedent, `the president` for the last person
given that title). Offsets are into the joined article text (see nlp.py).
"""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from newsdesk.enrich.entities import TITLES
from newsdesk.enrich.roles import role_of

PRONOUNS = {"he", "she"}


def inside(i: int, marks) -> bool:
    """Whether a character offset lies in (or on the marks of) a quoted span."""
    return any(a - 1 <= i < b + 1 for a, b in marks)


def paragraph_start(text: str, i: int) -> int:
    """Where the paragraph holding offset `i` begins (paragraphs are joined by a blank line)."""
    lo = text.rfind("\n\n", 0, i)
    return 0 if lo < 0 else lo + 2


# Verbs whose passive subject is the thing talked about (`is claimed to be`, `was
# described as`), where `was quoted as saying` and `was asked` keep theirs: the speaker
# (the pipeline has no lemmatizer: the participles themselves)
_TOPIC_PASSIVES = {"claimed", "described", "called", "dubbed", "termed", "labeled", "labelled",
                   "branded", "billed", "touted", "hailed", "considered", "deemed", "known"}


def subject(doc: Doc, cue: Token, marks=()) -> Token | None:
    """The head of a reporting verb's subject by the parse (`according to X`: X)."""
    if cue.lower_ == "according":
        to = doc[cue.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    before = doc[cue.i - 1] if cue.i else cue
    if cue.tag_ == "VBG" and before.dep_ == "pobj" and before.head.lower_ == "of" and (
            before.ent_type_ == "PERSON" or before.lower_ in ("him", "her", "them")):
        return before  # `footage of Hillary Clinton asking, "..."`: she asks, not the footage
    verb = cue
    for _ in range(3):  # a conjoined or participial cue borrows its head verb's subject
        # The parser sometimes hangs a subject from inside the quote on the cue, or
        # from the paragraph before.
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                    and not inside(c.idx, marks) and "\n\n" not in _between(doc, c, verb)]
        if len(subjects) > 1:
            # two subjects are a misparse of one: `USAF's chief of staff General Duncan McNab
            # stated` hangs both `chief` and `McNab` on the verb; the person is who speaks
            subjects.sort(key=lambda c: c.ent_type_ != "PERSON")
        subj = subjects[0] if subjects else None
        if subj is not None and subj.dep_ == "nsubjpass":
            # `Sanders was asked by host Bill Maher`: the agent speaks.
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if by is not None and verb.lower_ not in ("told", "quoted"):
                return by
            # `The iPhone is claimed to be "..."`: what is described, not who describes it
            return None if verb.lower_ in _TOPIC_PASSIVES else subj
        if subj is not None:
            return subj
        if verb.dep_ == "acl" and verb.head.tag_.startswith("NN"):
            noun = verb.head  # `a statement saying "..."`: the statement, or who issued it
            if noun.dep_ != "dobj" or noun.head is noun:
                return noun
            verb = noun.head
        elif verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head is not verb.head:
            verb = verb.head.head  # `he began by saying "..."`
        elif verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
            verb = verb.head
        else:
            break
    return None


def _between(doc: Doc, a: Token, b: Token) -> str:
    lo, hi = sorted((a.i, b.i))
    return doc[lo:hi + 1].text


def subject_by_position(doc: Doc, cue: Token, marks) -> Span | None:
    """The speaker's words beside a cue that closes or follows a quote, where the parse
    lost them: `"...," Ramos, 58, told AFP` (before the cue) or `"...," said Edward
    Leamer, an economist` (after it): the words up to the first comma."""
    if cue.lower_ == "according":
        return None
    lo = cue.i
    while lo > 0 and cue.i - lo < 14 and not inside(doc[lo - 1].idx, marks) \
            and doc[lo - 1].tag_ not in ("``", "''") and not doc[lo - 1].is_space \
            and not doc[lo - 1].tag_.startswith("VB") and doc[lo - 1].text not in ".;:!?":
        lo -= 1
    closing = lo > 0 and (doc[lo - 1].tag_ == "''" or inside(doc[lo - 1].idx, marks))
    if closing and lo < cue.i:
        words = doc[lo:cue.i]  # between the closing mark and the cue
    elif closing or (lo > 0 and doc[lo - 1].text in ".:" and lo == cue.i):
        hi = cue.i + 1  # `said X` right after the quote, or `Continued Stone:`
        # up to a clause of its own too: `said Uralsib analyst Chris Weafer commenting on
        # this decision`, `said a spokesman speaking on condition of anonymity`
        while hi < len(doc) and hi - cue.i < 10 and doc[hi].text not in ",.;:()–—" \
                and not doc[hi].is_space and not inside(doc[hi].idx, marks) \
                and not (hi > cue.i + 1 and doc[hi].tag_ in ("VBG", "VBN", "VBD", "VBZ", "VBP")):
            hi += 1
        words = doc[cue.i + 1:hi]
        if not len(words) or words[0].tag_ in ("IN", "RB", "TO", "CD") or words[0].ent_type_ in ("DATE", "TIME"):
            return None
    else:
        return _name_before(doc, cue, marks)
    cut = next((t.i for t in words if t.text in ",(–—"), words.end)
    words = doc[words.start:cut]
    while len(words) and words[0].is_punct:
        words = words[1:]
    if not len(words) or not any(t.tag_.startswith(("NN", "PRP")) for t in words):
        return None
    return words


def _name_before(doc: Doc, cue: Token, marks) -> Span | None:
    """The person or organisation named just before a cue whose subject the parse lost
    (`Trump, in Kentucky, said`), with no verb or sentence end between them."""
    if cue.tag_ not in ("VBD", "VBZ", "VBP"):
        return None  # `in a written statement`: not a verb that has a subject
    for i in range(cue.i - 1, max(cue.i - 9, -1), -1):
        tok = doc[i]
        if tok.tag_.startswith("VB") or tok.is_space or tok.text in ".;:!?" or inside(tok.idx, marks):
            return None
        if tok.lower_ in PRONOUNS:
            return doc[i:i + 1]
        if tok.ent_type_ in ("PERSON", "ORG"):
            ent = next((e for e in doc.ents if e.start <= i < e.end), doc[i:i + 1])
            head = ent.root.head
            if ent.label_ != "PERSON" and ent.root.dep_ == "appos" and head.ent_type_ == "PERSON":
                # `Tom Molomby, SC, said`: letters after a name (the model's ORG `SC`, `QC`)
                ent = next((e for e in doc.ents if e.start <= head.i < e.end), ent)
            return None if ent.root.dep_ in ("pobj", "dobj", "dative", "poss") else ent
    return None


def addressee(cue: Token) -> Token | None:
    if cue.lower_ in ("told", "tell", "tells", "telling"):
        return next((c for c in cue.children if c.dep_ in ("dobj", "dative", "iobj")), None)
    to = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "to"), None)
    return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None


def np_bounds(tok: Token) -> tuple[int, int]:
    """The noun phrase of a head: its left modifiers and itself, not clauses after it,
    within its paragraph."""
    left = min([tok.i] + [t.i for t in tok.lefts for t in t.subtree])
    doc = tok.doc
    while left < tok.i and "\n\n" in doc[left:tok.i + 1].text:
        left += 1
    right = tok.i
    while right + 1 < len(doc) and doc[right + 1].head.i == tok.i and doc[right + 1].dep_ in ("compound", "flat"):
        right += 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def name_at(spans, lo: int, hi: int) -> str:
    return next((name for s, e, _, name in spans if s < hi and lo < e), "")


# What an organisation or a person issues, which then "says" what they said
_DOCUMENTS = {"statement", "release", "memo", "letter", "email", "e-mail", "note", "report",
              "announcement", "filing", "post", "message"}


def resolve(doc: Doc, text: str, spans, subj: Token, lo: int, hi: int,
             before: int, marks=()) -> tuple[str, str, tuple[int, int] | None]:
    """Speaker's canonical name, role, and the mention naming them."""
    head = subj
    if subj.tag_ in ("WP", "WDT") and subj.head.dep_ == "relcl":
        head = subj.head.head  # `Loretta Lynch, who told Congress`: who is Lynch
        if subj.lower_ == "who":
            # who is a person: `Charles O'Reilly, a management expert at Stanford University,
            # who stated`, where the parser hangs the clause on the university
            up = head
            while up.ent_type_ != "PERSON" and up.dep_ in ("pobj", "prep", "appos", "compound") \
                    and up.head is not up:
                up = up.head
            head = up if up.ent_type_ == "PERSON" else head
    named = [head] + [c for c in head.children if c.dep_ == "appos"]
    if not head.ent_type_:
        # `American academic and professor Marc Lamont Hill commented`: the parser joins the
        # titles and the name as conjuncts; a conjunct that is a name with a title of its own
        # in lower case before it is the speaker (`the mayor and John Smith` is two people)
        named += [c for c in head.children if c.dep_ == "conj" and c.ent_type_ == "PERSON"
                  and any(t.dep_ == "compound" and t.is_lower for t in c.lefts)]
        if head.lower_ in _DOCUMENTS:
            # `A statement from Apple Computer stated`: who issued it speaks
            named += [p for c in head.children if c.dep_ == "prep" and c.lower_ in ("from", "by", "of")
                      for p in c.children if p.dep_ == "pobj" and p.ent_type_ in ("ORG", "PERSON")]
            # `Cornyn's statement added`: whose it is; `a statement on Apple's website`: whose
            # the website is
            named += [c for c in head.children if c.dep_ == "poss" and (
                c.ent_type_ in ("ORG", "PERSON") or c.tag_ == "NNP")]
            named += [g for c in head.children if c.dep_ == "prep" and c.lower_ in ("on", "in")
                      for p in c.children if p.dep_ == "pobj"
                      for g in p.children if g.dep_ == "poss" and g.ent_type_ in ("ORG", "PERSON")]
            if head.dep_ == "pobj" and head.head.lower_ in ("in", "through", "via", "with"):
                # `Jobs resigned in a letter to the board stating "..."`: the one who acted in it
                verb = head.head.head
                named += [c for c in verb.children if c.dep_ == "nsubj"
                          and (c.ent_type_ in ("ORG", "PERSON") or c.tag_ == "NNP")
                          ] if verb.tag_.startswith("VB") else []
        if head.lower_ in TITLES:
            # `Governor of Washington Chris Gregoire said`: the parser hangs the name on "of"
            named += [p for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                      for p in c.children if p.dep_ == "pobj" and p.ent_type_ == "PERSON"]
        last = max(head.subtree, key=lambda t: t.i)
        first = next((e.start for e in doc.ents if e.start <= last.i < e.end), last.i)
        after_org = first > 0 and (doc[first - 1].ent_type_ == "ORG" or (
            # `chief investment officer at Solaris Asset Management, Tim Ghriskey`
            first > 1 and doc[first - 1].text == "," and doc[first - 2].ent_type_ == "ORG"))
        if head.tag_ in ("NN", "NNS") and last.i > head.i and last.ent_type_ == "PERSON" and after_org:
            # `Chief investment officer at Fort Pitt Capital Group Charlie Smith said`: a
            # role's holder named last, straight after the organisation (not `a spokesman
            # for John Smith`, whose words are the spokesman's, nor `a lawyer representing
            # client John Smith`)
            named.append(last)
    for tok in named:  # `the nominee, Donald Trump, tweeted`: the name in apposition
        for s, e, typ, name in spans:
            if s <= tok.idx < e and (tok is head or typ in ("PERSON", "ORG")):
                return name, role_of(doc, s, e, text) if typ == "PERSON" else "", (s, e)
    if head is not subj:
        subj = head
        lo, hi = np_bounds(head)
    # A pronoun stands for the last person named outside quotation marks.
    persons = [(s, e, name) for s, e, typ, name in spans if typ == "PERSON"
               and e <= max(before, subj.idx) and not inside(s, marks)]
    word = subj.lower_
    if word in PRONOUNS:
        return (persons[-1][2], "", None) if persons else ("", "", None)
    # `the president`: the last person the article gave that title.
    if subj.tag_ in ("NN", "NNS") and word in TITLES and any(t.lower_ == "the" for t in subj.lefts):
        for s, e, name in reversed(persons):
            if word in role_of(doc, s, e, text).lower():
                return name, "", None
    if word == "it" and subj.dep_ == "nsubj" and subj.head.i > subj.i and not inside(subj.idx, marks):
        # `"...," it further wrote`: the organisation named last before it, in its
        # paragraph or the one before.
        own = paragraph_start(text, subj.idx)
        floor = paragraph_start(text, own - 2) if own else 0
        orgs = [name for s, e, typ, name in spans if typ == "ORG" and floor <= s and e <= subj.idx
                and not inside(s, marks)]
        return (orgs[-1], "", None) if orgs else ("", "", None)
    if subj.tag_ in ("PRP", "WP", "WDT", "EX", "DT"):
        return "", "", None
    return text[lo:hi], "", None
