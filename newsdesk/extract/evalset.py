"""Reading the extraction evaluation sets and scoring against them.

Shared by bench/extraction.py and the dump model's training so both split and score alike.
trafilatura's set: `evaldata.json` ({url: {file, with, without}}), the pages inside
`trafilatura_eval_html.tar.gz` (under tests/cache/ or tests/eval/), page dumps in
`dumps/<file>.txt`. Zyte's layout: `html/<id>.html.gz`, `ground-truth.json`, `dumps/<id>.txt`.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path

_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def tuned_half(name: str) -> bool:
    """The deterministic half of a set that models and thresholds may be tuned on."""
    return hashlib.sha1(name.encode("utf-8")).digest()[0] % 2 == 0


def load_trafilatura(data_dir: str | Path, with_html: bool = True) -> Iterator[tuple[str, dict, bytes | None]]:
    """(file name, annotation, html bytes or None) for every page of trafilatura's set."""
    data_dir = Path(data_dir)
    evaldata = json.loads((data_dir / "evaldata.json").read_text(encoding="utf-8"))
    pages: dict[str, bytes] = {}
    if with_html:
        wanted = {item["file"] for item in evaldata.values()}
        with tarfile.open(data_dir / "trafilatura_eval_html.tar.gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                sub, _, name = member.name.rpartition("/")
                # cache/ wins over eval/, as in trafilatura's own evaluation
                if name in wanted and (name not in pages or sub.endswith("cache")):
                    f = tar.extractfile(member)
                    if f is not None:
                        pages[name] = f.read()
    for item in evaldata.values():
        yield item["file"], item, pages.get(item["file"])


def read_trafilatura_dump(data_dir: str | Path, file: str) -> str | None:
    path = Path(data_dir) / "dumps" / f"{file}.txt"
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


def count_snippets(item: dict, text: str | None) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) as trafilatura's evaluation counts them: whitespace-normalised
    substring matches of the `with` and `without` snippets."""
    t = norm(text) if text else ""
    tp = sum(1 for w in item["with"] if norm(w) in t) if t else 0
    fp = sum(1 for w in item["without"] if norm(w) in t) if t else 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return p, r, f


def load_zyte(data_dir: str | Path) -> Iterator[tuple[str, dict, Path]]:
    """(id, {"articleBody", "url"}, path of html/<id>.html.gz) for every page with ground truth."""
    data_dir = Path(data_dir)
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    for pid in sorted(truth):
        yield pid, truth[pid], data_dir / "html" / f"{pid}.html.gz"


def read_gz(path: Path) -> bytes:
    with gzip.open(path, "rb") as f:
        return f.read()


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = text.lower().split()
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def shingle_prf(truth: str, predicted: str) -> tuple[float, float, float]:
    """Precision, recall and F1 over word 4-gram shingles, as Zyte's benchmark scores a page."""
    t, p = shingles(truth), shingles(predicted)
    if not t and not p:
        return 1.0, 1.0, 1.0
    if not t or not p:
        return 0.0, 0.0, 0.0
    common = len(t & p)
    precision, recall = common / len(p), common / len(t)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1
