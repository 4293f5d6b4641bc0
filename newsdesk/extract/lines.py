"""Line-level features and the scoring model for plain-text page dumps.

A dump is a page's visible text, one rendered line per line. Whether a line is article text
is judged from the line itself (length, punctuation, link- and menu-like shapes) and from its
neighbourhood (how long the lines around it are, whether it stands between blank lines, where
it sits in the page, whether it repeats). The weights are a logistic regression fitted by
`newsdesk.extract.train` on the tuning half of trafilatura's evaluation set.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("dump_model.json")

_SENTENCE_END = re.compile(r"[.!?…。！？:;\"”»)\]]$")
_SENT_INSIDE = re.compile(r"[.!?。！？](?:\s|$)")
_URLISH = re.compile(r"https?://|www\.|\.(?:com|de|org|net|fr|uk|html?)\b|@\w", re.I)
_SEPARATORS = re.compile(r"[|»›•·/>]")
_DIGITS = re.compile(r"\d")
_DATEISH = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b")
_BULLET = re.compile(r"^(?:[-–—*•·▪►>]|\d+[.)])\s")
_WORD = re.compile(r"\w+", re.U)


@dataclass(slots=True)
class Line:
    """One non-blank line of a dump with the layout facts the features need."""

    text: str
    index: int  # position among the dump's lines, blank ones included
    blank_before: bool
    blank_after: bool


def split_lines(text: str) -> list[Line]:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[Line] = []
    for i, line in enumerate(raw):
        s = " ".join(line.split())
        if not s:
            continue
        before = i == 0 or not raw[i - 1].strip()
        after = i == len(raw) - 1 or not raw[i + 1].strip()
        out.append(Line(s, i, before, after))
    return out


def _own(line: Line, count: int) -> list[float]:
    t = line.text
    n = len(t)
    words = _WORD.findall(t)
    nw = len(words)
    letters = sum(c.isalpha() for c in t) or 1
    upper = sum(c.isupper() for c in t)
    caps_words = sum(w[:1].isupper() for w in words) / nw if nw else 0.0
    return [
        math.log1p(n),
        math.log1p(nw),
        float(n >= 80),
        float(n >= 200),
        float(nw <= 3),
        float(bool(_SENTENCE_END.search(t))),
        float(t.endswith(":")),
        min(len(_SENT_INSIDE.findall(t)), 5) / 5,
        t.count(",") / (nw + 1),
        upper / letters,
        caps_words,
        len(_DIGITS.findall(t)) / (n + 1),
        float(bool(_URLISH.search(t))),
        min(len(_SEPARATORS.findall(t)), 4) / 4,
        float(bool(_DATEISH.search(t))),
        float(bool(_BULLET.match(t))),
        float("©" in t or "(c)" in t.lower()),
        float(line.blank_before),
        float(line.blank_after),
        float(line.blank_before and line.blank_after),
        math.log1p(count - 1),
    ]


OWN_NAMES = [
    "log_chars", "log_words", "long80", "long200", "short3", "sentence_end", "colon_end",
    "sentences", "comma_rate", "upper_ratio", "capitalised_words", "digit_ratio", "urlish",
    "separators", "dateish", "bullet", "copyright", "blank_before", "blank_after",
    "blank_both", "repeats",
]


def features(lines: list[Line]) -> np.ndarray:
    """One row per line: its own shape, its neighbours' shape and its place in the page."""
    if not lines:
        return np.zeros((0, n_features()))
    counts = Counter(l.text.lower() for l in lines)
    own = np.array([_own(l, counts[l.text.lower()]) for l in lines], dtype=float)
    n = len(lines)
    lengths = np.array([len(l.text) for l in lines], dtype=float)
    long_ = (lengths >= 100).astype(float)
    sent = own[:, OWN_NAMES.index("sentence_end")]
    chars_before = np.concatenate([[0.0], np.cumsum(lengths)[:-1]]) / max(lengths.sum(), 1.0)
    ctx = []
    # windows of neighbours: long lines nearby mark the article's region of the page
    for w in (2, 5, 12):
        kernel = np.ones(2 * w + 1)
        pad_long = np.convolve(np.pad(long_, w), kernel, "valid") - long_
        pad_sent = np.convolve(np.pad(sent, w), kernel, "valid") - sent
        pad_len = np.convolve(np.pad(np.log1p(lengths), w), kernel, "valid") - np.log1p(lengths)
        ctx += [pad_long / (2 * w), pad_sent / (2 * w), pad_len / (2 * w)]
    prev_len = np.log1p(np.concatenate([[0.0], lengths[:-1]]))
    next_len = np.log1p(np.concatenate([lengths[1:], [0.0]]))
    # distance to the nearest long line, and to the page's densest stretch of text
    idx = np.arange(n)
    long_idx = np.flatnonzero(lengths >= 150)
    if long_idx.size:
        dist = np.min(np.abs(idx[:, None] - long_idx[None, :]), axis=1)
        first_long, last_long = long_idx[0], long_idx[-1]
    else:
        dist = np.full(n, n, dtype=float)
        first_long, last_long = n, -1
    before_first = (idx < first_long).astype(float)
    after_last = (idx > last_long).astype(float)
    rel = idx / max(n - 1, 1)
    share_long = np.full(n, long_.mean())
    cols = [own] + [c[:, None] for c in ctx] + [
        prev_len[:, None], next_len[:, None], np.log1p(dist)[:, None],
        before_first[:, None], after_last[:, None], rel[:, None], chars_before[:, None],
        share_long[:, None], np.full((n, 1), math.log1p(n)),
    ]
    return np.hstack(cols)


def n_features() -> int:
    return len(OWN_NAMES) + 9 + 9


def context(p: np.ndarray) -> np.ndarray:
    """Second-stage inputs: the first stage's verdicts on the line and around it, since
    article text comes in runs and chrome in blocks."""
    n = len(p)
    cols = [p]
    for w in (1, 3, 8, 20):
        s = np.convolve(np.pad(p, w), np.ones(2 * w + 1), "valid") - p
        cols.append(s / (2 * w))
    prev = np.concatenate([[0.0], p[:-1]])
    nxt = np.concatenate([p[1:], [0.0]])
    max_before = np.maximum.accumulate(p)
    max_after = np.maximum.accumulate(p[::-1])[::-1]
    mass_before = np.cumsum(p) / max(p.sum(), 1e-9)
    cols += [prev, nxt, max_before, max_after, mass_before, np.full(n, p.mean())]
    return np.vstack(cols).T


def expand(x: np.ndarray) -> np.ndarray:
    """Squares of the standardised features, so the linear model can bend a little."""
    return np.hstack([x, np.clip(x, -4, 4) ** 2])


def apply_linear(stage: dict, x: np.ndarray) -> np.ndarray:
    z = expand((x - stage["mean"]) / stage["scale"]) @ stage["coef"] + stage["intercept"]
    return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def load_model(path: str = str(MODEL_PATH)) -> dict:
    """The fitted two-stage weights and the decision threshold, as arrays."""
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    for key in ("stage1", "stage2"):
        m[key] = {k: np.asarray(v, dtype=float) if isinstance(v, list) else v for k, v in m[key].items()}
    return m


def line_scores(lines: list[Line], model: dict | None = None) -> np.ndarray:
    """Probability that each line is article text."""
    if not lines:
        return np.zeros(0)
    m = model or load_model()
    x = features(lines)
    p1 = apply_linear(m["stage1"], x)
    return apply_linear(m["stage2"], np.hstack([x, context(p1)]))
