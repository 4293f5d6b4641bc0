"""Quote attribution quality of newsdesk.enrich.who against a PolNeAR split.

    python bench/quotes.py /work/shared/data/quotes/polnear/data/dev
    python bench/quotes.py /work/shared/data/quotes/polnear/data/train --every 4

Gold direct quotes are the quoted passages (inside quotation marks) of which at least half
lies in an annotated Content span; their speaker is that attribution's Source. A gold quote
is found when one predicted direct quote covers half of its characters; a prediction is
right when it covers half of a gold quote or half of it lies in one. A speaker is right when
the words naming it overlap the Source span or the names agree (same entity key, or one is
the other's surname, or the name
stands in the Source span). Indirect precision: predicted indirect attributions of which half
lies in some gold Content span. One annotation per article (the first by file name).
Last line: `quote_recall=<v> quote_precision=<v> speaker_accuracy=<v>`.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.enrich.who import analyse_many, entity_key  # noqa: E402
from newsdesk.models import Article, Block, Source  # noqa: E402

# Independent of the scanner under test: the text between two quotation marks of either
# style, with no mark between them, within a line.
_PAIRS = re.compile(r"[“\"]([^“”\"\n]+)[”\"]")


def read_ann(path: Path) -> list[dict]:
    spans, rels = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            kind, _, frags = cols[1].partition(" ")
            spans[cols[0]] = (kind, [tuple(map(int, f.split())) for f in frags.split(";")])
        elif line.startswith("E") and len(cols) >= 2:
            parts = dict(p.split(":") for p in cols[1].split() if ":" in p)
            rels.append(parts)
    out = []
    for rel in rels:
        out.append({"content": spans.get(rel.get("Content"), ("", []))[1],
                    "source": spans.get(rel.get("Source"), ("", []))[1]})
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def gold_quotes(text: str, attributions: list[dict]) -> list[tuple[tuple[int, int], list]]:
    out = []
    for m in _PAIRS.finditer(text):
        span = (m.start(1), m.end(1))
        for att in attributions:
            if sum(overlap(span, c) for c in att["content"]) * 2 >= span[1] - span[0]:
                out.append((span, att["source"]))
                break
    return out


def load(split: Path, every: int) -> list[tuple[str, Article, list[int], list[dict]]]:
    anns = sorted((split / "attributions").glob("*.ann"))
    items = []
    for i, txt in enumerate(sorted((split / "text").glob("*.txt"))):
        if i % every:
            continue
        ann = next((a for a in anns if a.name.startswith(txt.stem + "_")), None)
        if ann is None:
            continue
        text = txt.read_text(encoding="utf-8")
        paras, offsets, pos = [], [], 0
        for part in text.split("\n\n"):
            offsets.append(pos)
            paras.append(part)
            pos += len(part) + 2
        article = Article(url=txt.name, title=paras[0], source=Source("polnear"),
                          body=[Block("paragraph", p) for p in paras])
        items.append((text, article, offsets, read_ann(ann)))
    return items


def same_name(pred: str, gold: str) -> bool:
    p, g = entity_key(pred), entity_key(gold)
    if not p or not g:
        return False
    # The Source span often carries the role too (`Matt Borges, chairman of ...`).
    return p == g or p.split()[-1] == g.split()[-1] or re.search(rf"\b{re.escape(p)}\b", g) is not None


def evaluate(items, show: bool = False) -> dict[str, float]:
    """Recall, precision and speaker accuracy of direct quotes, precision of indirect ones."""
    results = analyse_many([a for _, a, _, _ in items])
    n_gold = found = n_pred = right = spk_n = spk_ok = ind_n = ind_ok = 0
    for (text, article, offs, atts), res in zip(items, results):
        gold = gold_quotes(text, atts)
        preds = [(offs[q.block] + q.start, offs[q.block] + q.end, q)
                 for q in res.quotes if q.kind == "direct"]
        contents = [c for att in atts for c in att["content"]]
        for q in res.quotes:
            if q.kind == "indirect":
                span = (offs[q.block] + q.start, offs[q.block] + q.end)
                ind_n += 1
                ind_ok += sum(overlap(span, c) for c in contents) * 2 >= span[1] - span[0]
        for span, sources in gold:
            n_gold += 1
            hit = next((q for a, b, q in preds if overlap(span, (a, b)) * 2 >= span[1] - span[0]), None)
            if hit is None:
                if show:
                    print("MISS", article.url, repr(text[span[0]:span[1]][:100]), "IN",
                          repr(text[max(0, span[0] - 100):span[1] + 60]))
                continue
            found += 1
            if not sources:
                continue
            spk_n += 1
            at = hit.speaker_at
            ok = bool(at) and any(overlap((offs[at[0]] + at[1], offs[at[0]] + at[2]), s) for s in sources)
            ok = ok or any(same_name(hit.speaker, text[s[0]:s[1]]) for s in sources)
            spk_ok += ok
            if show and not ok:
                print("SPEAKER", article.url, repr(hit.speaker), repr(hit.cue), "gold:",
                      [text[s[0]:s[1]] for s in sources],
                      repr(text[max(0, span[0] - 150):span[0]] + "⟦" + text[span[0]:span[1]][:150]
                           + "⟧" + text[span[1]:span[1] + 120]))
        for a, b, q in preds:
            n_pred += 1
            good = any(overlap((a, b), g) * 2 >= min(b - a, g[1] - g[0]) for g, _ in gold)
            right += good
            if show and not good:
                print("EXTRA", article.url, repr(text[a:b][:100]), "by", repr(q.speaker))
    return {"articles": len(items), "gold": n_gold, "predicted": n_pred, "with_source": spk_n,
            "indirect": ind_n,
            "recall": found / n_gold if n_gold else 0.0,
            "precision": right / n_pred if n_pred else 0.0,
            "speaker": spk_ok / spk_n if spk_n else 0.0, "speaker_right": spk_ok,
            "indirect_precision": ind_ok / ind_n if ind_n else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("split", type=Path, help="a PolNeAR split folder (text/, attributions/)")
    ap.add_argument("--every", type=int, default=1, help="use every Nth article")
    ap.add_argument("--show", action="store_true", help="print misses and wrong speakers")
    args = ap.parse_args()
    if not (args.split / "text").is_dir():
        sys.exit(f"PolNeAR split not found: {args.split} (see /work/shared/data/SOURCES.md)")
    r = evaluate(load(args.split, args.every), args.show)
    print(f"{r['articles']} articles, {r['gold']} gold direct quotes, {r['predicted']} predicted")
    print(f"direct quotes: recall {r['recall']:.4f} precision {r['precision']:.4f}; speaker "
          f"accuracy {r['speaker']:.4f} ({r['speaker_right']} of {r['with_source']} found quotes "
          f"with a gold source)")
    print(f"indirect attributions: {r['indirect']} predicted, precision {r['indirect_precision']:.3f}")
    # four places: one quote of dev's 736 is 0.0014, so three places can round 699/736 up to 0.950
    print(f"quote_recall={r['recall']:.4f} quote_precision={r['precision']:.4f} "
          f"speaker_accuracy={r['speaker']:.4f} indirect_precision={r['indirect_precision']:.4f}")


if __name__ == "__main__":
    main()
