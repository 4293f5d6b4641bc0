"""Evaluation gate: main-text quality on 40 HTML pages and 40 page dumps of the held-out half
of trafilatura's evaluation set (tests/fixtures/extract/eval_sample.json.gz). Measured when
pinned: HTML F 0.960 (trafilatura with the block model and the visible lead; 0.956 before),
dumps F 0.828; floors sit a little under."""
import gzip
import json
from pathlib import Path

import pytest

from newsdesk.errors import InputError
from newsdesk.extract import evalset, extract
from newsdesk.models import RawItem

SAMPLE = Path(__file__).parent / "fixtures" / "extract" / "eval_sample.json.gz"


@pytest.fixture(scope="module")
def sample():
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as f:
        return json.load(f)


def _score(rows, kind):
    tp = fp = fn = 0
    for r in rows:
        item = RawItem(origin=r["file"], kind=kind, html=r.get("html", ""), text=r.get("dump") or "")
        try:
            out = extract(item)
            text = "\n".join(([out.summary] if kind == "dump" else []) + [b.text for b in out.blocks])
        except InputError:
            text = ""
        a, b, c, _ = evalset.count_snippets(r, text)
        tp, fp, fn = tp + a, fp + b, fn + c
    return evalset.prf(tp, fp, fn)


def test_html_main_text_gate(sample):
    assert len(sample["html"]) == 40
    p, r, f = _score(sample["html"], "html")
    assert f >= 0.95, (p, r, f)


def test_dump_main_text_gate(sample):
    assert len(sample["dumps"]) == 40
    p, r, f = _score(sample["dumps"], "dump")
    assert f >= 0.80, (p, r, f)
