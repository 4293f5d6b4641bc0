"""A learned second opinion on a direct quote's speaker: the mentions near the quote
(people, organisations and groups the model names, pronouns, the subjects of verbs,
`according to X`) are scored by gradient-boosted trees trained on PolNeAR's train split
(train_speakers.py), and the best replaces the rules' choice when it scores higher.

The trees are stored as plain lists in speaker_model.json and walked by newsdesk.treemodel
(a few hundred comparisons per candidate), so the ranker needs no model library at run time and costs
little beside the parse. Offsets are into the joined article text.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from newsdesk import treemodel

from newsdesk.enrich.speakers import inside, np_bounds, paragraph_start, resolve

MODEL_PATH = Path(__file__).with_name("speaker_model.json")
CANDIDATE_PRONOUNS = {"he", "she", "they", "we", "i"}
# `it` speaks only as a cue's subject (`It added, "..."`: an organisation, a statement).
CUE_PRONOUNS = {"it"}
FEATURES = [
    "bias", "rule", "rule_empty", "person", "org", "norp", "pronoun", "phrase", "before",
    "after", "log_dist", "same_sent", "same_para", "prev_para", "subj_cue", "subj_verb",
    "subj_governor", "according_obj", "object", "nearest_before", "nearest_after",
    "prev_speaker", "dash_after", "colon_before", "rule_x_subj_cue", "according_in_sent",
    "rule_x_according_in_sent", "after_x_subj_cue", "before_x_subj_cue", "paren_after",
    # how the rules found their speaker (quotes._attribute), for every candidate of a quote
    "path_later_cue", "path_paragraph_before", "path_continued", "path_stance", "path_colon",
    "it",
]
PATHS = ("later_cue", "paragraph_before", "continued", "stance", "colon")


@lru_cache(maxsize=1)
def load_model() -> treemodel.Trees | None:
    """The trees, or None where no model was trained (the rules then stand)."""
    if not MODEL_PATH.exists():
        return None
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if model["features"] != FEATURES:
        return None  # trained on other features: retrain (train_speakers.py)
    return treemodel.from_node_lists(model["trees"])


def _para_bounds(text: str, i: int) -> tuple[int, int]:
    hi = text.find("\n\n", i)
    return paragraph_start(text, i), len(text) if hi < 0 else hi


def candidates(doc: Doc, text: str, spans, qs: int, qe: int, marks, rule_at, prev_speaker: str,
               cues, path: str = "") -> list[tuple[Token, int, int, dict[str, float], str]]:
    """(head, start, end, features, name) of each mention that might be the quote's speaker:
    in its paragraph and the one before, outside quotation marks. The name is the
    canonical one of a named mention, or whom a pronoun stands for (else empty)."""
    para_lo, para_hi = _para_bounds(text, qs)
    prev_lo = _para_bounds(text, para_lo - 3)[0] if para_lo >= 2 else para_lo
    quote = doc.char_span(qs, qe, alignment_mode="expand")
    if quote is None:
        return []
    # The quote's sentences, as a token range (Token.sent is slow to compute per token).
    sent_lo, sent_hi = quote[0].sent.start, quote[-1].sent.end
    window = doc.char_span(prev_lo, para_hi, alignment_mode="expand") or doc[:0]
    near_marks = [(a, b) for a, b in marks if a < para_hi + 1 and b > prev_lo - 1]
    heads: dict[int, tuple[Token, int, int, str, str]] = {}
    for s, e, typ, name in spans:
        if prev_lo <= s and e <= para_hi and not inside(s, near_marks):
            ent = doc.char_span(s, e, alignment_mode="expand")
            if ent is not None:
                heads.setdefault(ent.root.i, (ent.root, s, e, typ, name))
    according_in = False
    for tok in window:
        if tok.i in heads or inside(tok.idx, near_marks):
            continue
        word = tok.lower_
        if tok.tag_ == "PRP" and (word in CANDIDATE_PRONOUNS or word in CUE_PRONOUNS
                                  and tok.dep_ == "nsubj" and tok.head.lower_ in cues):
            heads[tok.i] = (tok, tok.idx, tok.idx + len(tok), "pronoun", "")
        elif tok.dep_ in ("nsubj", "nsubjpass") and tok.tag_.startswith("NN"):
            lo, hi = np_bounds(tok)
            heads[tok.i] = (tok, lo, hi, "phrase", "")
        elif word == "according" and sent_lo <= tok.i < sent_hi:
            according_in = True
    if rule_at is not None and not any(s < rule_at[1] and rule_at[0] < e for _, s, e, _, _ in heads.values()):
        span = doc.char_span(rule_at[0], rule_at[1], alignment_mode="expand")
        if span is not None and len(span):
            heads[span.root.i] = (span.root, rule_at[0], rule_at[1], "phrase", "")
    # Who a pronoun stands for: `he`, `she` the last person named before it; `it` the last
    # organisation or thing that was a subject in the window (`The lawsuit contends ... It
    # goes on`), else the last organisation named there.
    persons = [(a, n) for a, _, typ, n in spans if typ == "PERSON" and not inside(a, marks)]
    things = sorted((a, n or text[a:b]) for t, a, b, kind, n in heads.values()
                    if kind in ("ORG", "phrase") and t.dep_ in ("nsubj", "nsubjpass"))
    orgs = [(a, n) for a, _, typ, n in spans if typ == "ORG" and prev_lo <= a and not inside(a, marks)]
    out = []
    for tok, s, e, kind, name in heads.values():
        word = tok.lower_
        ref = name
        if kind == "pronoun" and word in ("he", "she"):
            ref = next((n for a, n in reversed(persons) if a < s), "")
        elif kind == "pronoun" and word == "it":
            ref = next((n for a, n in reversed(things) if a < s), "") or \
                next((n for a, n in reversed(orgs) if a < s), "")
        before, after = e <= qs, s >= qe
        dist = qs - e if before else (s - qe if after else 0)
        verb = tok.head
        subj = tok.dep_ in ("nsubj", "nsubjpass")
        subj_cue = subj and verb.lower_ in cues
        acc = tok.dep_ == "pobj" and verb.lower_ == "to" and verb.i > 0 and doc[verb.i - 1].lower_ == "according"
        rule = rule_at is not None and s < rule_at[1] and rule_at[0] < e
        same_sent = sent_lo <= tok.i < sent_hi
        gap_after = text[qe:s].strip(" \u00a0”\"'’,.") if after and dist < 8 else "?"
        gap_before = text[e:qs].strip(" \u00a0“\"'‘") if before and dist < 8 else "?"
        f = {
            "bias": 1.0, "rule": float(rule), "rule_empty": float(rule_at is None),
            "person": float(kind == "PERSON"), "org": float(kind == "ORG"),
            "norp": float(kind == "NORP"), "pronoun": float(kind == "pronoun"),
            "phrase": float(kind == "phrase"), "before": float(before), "after": float(after),
            "log_dist": math.log1p(dist) / 5, "same_sent": float(same_sent),
            "same_para": float(para_lo <= s < para_hi), "prev_para": float(s < para_lo),
            "subj_cue": float(subj_cue), "subj_verb": float(subj),
            "subj_governor": float(subj and verb.left_edge.idx <= qs < verb.right_edge.idx + len(verb.right_edge)),
            "according_obj": float(acc), "object": float(not acc and tok.dep_ in ("dobj", "pobj", "dative", "poss")),
            "dash_after": float(gap_after in ("―", "—", "–", "-")),
            "colon_before": float(gap_before == ":"),
            "according_in_sent": float(according_in),
            "paren_after": float(after and dist < 12 and same_sent),
            "prev_speaker": float(bool(prev_speaker) and ref == prev_speaker),
            "it": float(word == "it"),
        }
        for p in PATHS:
            f["path_" + p] = float(path == p)
        f["rule_x_subj_cue"] = f["rule"] * f["subj_cue"]
        f["rule_x_according_in_sent"] = f["rule"] * f["according_in_sent"]
        f["after_x_subj_cue"] = f["after"] * f["subj_cue"]
        f["before_x_subj_cue"] = f["before"] * f["subj_cue"]
        out.append((tok, s, e, f, ref))
    for side in ("before", "after"):
        near = [c for c in out if c[3][side]]
        if near:
            min(near, key=lambda c: c[3]["log_dist"])[3]["nearest_" + side] = 1.0
    return out


def scores(trees: treemodel.Trees, rows: list[dict[str, float]]) -> list[float]:
    """The boosted trees' sum for each candidate (higher: likelier the speaker)."""
    xs = np.array([[f.get(k, 0.0) for k in FEATURES] for f in rows], dtype=float)
    return treemodel.raw_scores(trees, xs).tolist()


def rerank(doc: Doc, text: str, spans, qs: int, qe: int, marks, rule_at, prev_speaker: str,
           cues, path: str = "") -> tuple[str, str, tuple[int, int]] | None:
    """(speaker, role, (start, end) of the mention) of the best candidate where it is not
    the rules' choice; None to keep the rules' choice."""
    trees = load_model()
    if trees is None:
        return None
    cands = candidates(doc, text, spans, qs, qe, marks, rule_at, prev_speaker, cues, path)
    if not cands:
        return None
    ranked = scores(trees, [c[3] for c in cands])
    tok, s, e, f, ref = cands[max(range(len(cands)), key=ranked.__getitem__)]
    if f["rule"]:
        return None
    if f["it"]:
        # `It added, "..."`: what `it` stands for; the mention stays `it`, the words in
        # the text that say who spoke.
        return (ref, "", (s, e)) if ref else None
    name, role, _ = resolve(doc, text, spans, tok, s, e, qs, marks)
    return name or text[s:e], role, (s, e)
