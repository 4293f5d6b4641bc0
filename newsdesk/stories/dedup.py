"""Wire copies: near-duplicate detection across outlets, and what each copy changed.

MinHash (datasketch) over word 5-gram shingles, with LSH bands stored in the database, finds
candidate copies by index lookups alone; each candidate is then checked on its exact shingles.
The check uses containment (shared shingles over the smaller text) as well as Jaccard, because
outlets trim a wire story's ending or add a paragraph of their own: the copy is then a large
part of one text rather than nearly equal to it.
"""
from __future__ import annotations

import difflib
import functools
import hashlib
import re

import numpy as np
from datasketch import MinHash

SHINGLE = 5
NUM_PERM = 128
BANDS, ROWS = 42, 3  # candidate at Jaccard ~0.3 with p 0.68, at 0.5 with p 0.996
MIN_CONTAINMENT = 0.8
MIN_JACCARD = 0.5
MIN_SHINGLES = 8  # shorter texts (a headline, a caption) are not compared at all

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    toks = words(text)
    return {" ".join(toks[i:i + k]) for i in range(max(len(toks) - k + 1, 0))}


@functools.lru_cache(maxsize=1)
def _permutations() -> MinHash:
    # The random permutations are fixed by the seed; building them once saves most of the cost.
    return MinHash(num_perm=NUM_PERM, seed=1)


def signature(sh: set[str]) -> np.ndarray:
    base = _permutations()
    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=base.permutations, scheme=base.scheme)
    mh.update_batch([s.encode("utf-8") for s in sh])
    return mh.hashvalues


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per LSH band (band index mixed in), as BIGINT columns hold."""
    keys = []
    for b in range(BANDS):
        chunk = sig[b * ROWS:(b + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(bytes([b]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True) >> 1)
    return keys


def overlap(a: set[str], b: set[str]) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    return shared / len(a | b), shared / min(len(a), len(b))


def is_copy(a: set[str], b: set[str]) -> tuple[bool, float]:
    jac, cont = overlap(a, b)
    return (min(len(a), len(b)) >= MIN_SHINGLES and
            (jac >= MIN_JACCARD or cont >= MIN_CONTAINMENT)), max(jac, cont)


def changes(original: list[str], copy: list[str], limit: int = 12) -> list[dict]:
    """What a copy changed, paragraph by paragraph: kept, added, removed, edited (with the
    words that differ), as a reader would want it rather than as a unified diff."""
    out: list[dict] = []
    matcher = difflib.SequenceMatcher(a=original, b=copy, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            out += [{"op": "removed", "text": t} for t in original[i1:i2]]
        elif op == "insert":
            out += [{"op": "added", "text": t} for t in copy[j1:j2]]
        else:
            for k in range(max(i2 - i1, j2 - j1)):
                old = original[i1 + k] if i1 + k < i2 else ""
                new = copy[j1 + k] if j1 + k < j2 else ""
                if old and new and difflib.SequenceMatcher(a=old, b=new).ratio() > 0.5:
                    out.append({"op": "edited", "text": new, "was": old,
                                "words": word_changes(old, new)})
                elif old and new:
                    out += [{"op": "removed", "text": old}, {"op": "added", "text": new}]
                else:
                    out.append({"op": "removed" if old else "added", "text": old or new})
    return out[:limit]


def word_changes(old: str, new: str) -> list[dict]:
    a, b = old.split(), new.split()
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return [{"removed": " ".join(a[i1:i2]), "added": " ".join(b[j1:j2])}
            for op, i1, i2, j1, j2 in ops if op != "equal"]
