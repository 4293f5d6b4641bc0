"""Benchmark of the extract stage's main text.

    python bench/extraction.py --format trafilatura DIR   # DIR=../shared/data/extraction/trafilatura-eval
    python bench/extraction.py --format zyte DIR          # html/<id>.html.gz + ground-truth.json
    python bench/extraction.py --input dumps --format trafilatura DIR

trafilatura's set is scored as its evaluation.rst does: per page, a `with` snippet found in
the text is a true positive, a missing one a false negative; a `without` snippet found is a
false positive, an absent one a true negative. Zyte's layout is scored by F1 over word 4-gram
shingles per page, precision and recall averaged over pages. Page dumps are scored on the
body plus the summary (a standfirst is body text too). Figures are printed for the half the
dump model, the HTML block model and thresholds were tuned on, for the held-out half (split
by a hash of the file name) and for the whole; on trafilatura's set the block model learnt
from the tuned half's own snippets, so the tuned and whole figures are in-sample there and
the held-out figure is the one to quote; speed is pages per second of CPU time in this one process.
The last line is `f1=<whole-set F1> f1_held_out=<value> pages_per_s=<value> cpu_ms_per_page=<mean>`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.errors import InputError  # noqa: E402
from newsdesk.extract import extract  # noqa: E402
from newsdesk.extract import evalset  # noqa: E402
from newsdesk.models import RawItem  # noqa: E402


def body_text(item: RawItem) -> str:
    parts = ([item.summary] if item.kind == "dump" and item.summary else []) + [b.text for b in item.blocks]
    return "\n".join(parts)


def run_one(kind: str, content: str | bytes, origin: str, url: str = "") -> tuple[str, float, float]:
    """(body text, CPU seconds, wall seconds) of extracting one page."""
    if kind == "html":
        if isinstance(content, bytes):
            content = content.decode("utf-8", errors="replace") if not _declares_other_charset(content) \
                else _decode(content)
        raw = RawItem(origin=origin, kind="html", html=content, url=url)
    else:
        raw = RawItem(origin=origin, kind="dump", text=content)
    t0, w0 = time.process_time(), time.perf_counter()
    try:
        text = body_text(extract(raw))
    except InputError:
        text = ""
    return text, time.process_time() - t0, time.perf_counter() - w0


def _declares_other_charset(content: bytes) -> bool:
    head = content[:4096].lower()
    return b"charset" in head and b"utf-8" not in head and b"utf8" not in head


def _decode(content: bytes) -> str:
    """Pages arrive decoded in newsdesk (the fetcher decodes); this stands in for it."""
    from trafilatura.utils import decode_file

    return decode_file(content)


def trafilatura_set(data_dir: Path, dumps: bool, limit: int | None, walls: list[float]) -> tuple[dict, list[float]]:
    counts = {"tuned": [0, 0, 0, 0], "held-out": [0, 0, 0, 0]}
    times: list[float] = []
    n = 0
    for file, item, html in evalset.load_trafilatura(data_dir, with_html=not dumps):
        if dumps:
            content = evalset.read_trafilatura_dump(data_dir, file)
        else:
            content = html
        if content is None:
            continue
        text, dt, wall = run_one("dump" if dumps else "html", content, file)
        times.append(dt)
        walls.append(wall)
        half = "tuned" if evalset.tuned_half(file) else "held-out"
        for k, v in enumerate(evalset.count_snippets(item, text)):
            counts[half][k] += v
        n += 1
        if limit and n >= limit:
            break
    return counts, times


def report_trafilatura(counts: dict) -> tuple[float, float]:
    """Prints the table; returns (whole-set F, held-out F)."""
    whole = [a + b for a, b in zip(counts["tuned"], counts["held-out"])]
    f_whole = f_held = 0.0
    print(f"{'part':<10} {'tp':>5} {'fp':>5} {'fn':>5} {'tn':>5}  precision  recall  accuracy  F")
    for name, (tp, fp, fn, tn) in (("tuned", counts["tuned"]), ("held-out", counts["held-out"]),
                                   ("whole", whole)):
        p, r, f = evalset.prf(tp, fp, fn)
        acc = (tp + tn) / max(tp + fp + fn + tn, 1)
        print(f"{name:<10} {tp:>5} {fp:>5} {fn:>5} {tn:>5}  {p:9.3f}  {r:6.3f}  {acc:8.3f}  {f:.3f}")
        f_held = f if name == "held-out" else f_held
        f_whole = f
    return f_whole, f_held


def zyte_set(data_dir: Path, dumps: bool, limit: int | None, walls: list[float]) -> tuple[dict, list[float]]:
    scores: dict[str, list[tuple[float, float, float]]] = {"tuned": [], "held-out": []}
    times: list[float] = []
    for n, (pid, truth, html_path) in enumerate(evalset.load_zyte(data_dir)):
        if limit and n >= limit:
            break
        if dumps:
            path = data_dir / "dumps" / f"{pid}.txt"
            if not path.is_file():
                continue
            content: str | bytes = path.read_text(encoding="utf-8", errors="replace")
        else:
            if not html_path.is_file():
                continue
            content = evalset.read_gz(html_path)
        text, dt, wall = run_one("dump" if dumps else "html", content, pid, truth.get("url", ""))
        times.append(dt)
        walls.append(wall)
        half = "tuned" if evalset.tuned_half(pid) else "held-out"
        scores[half].append(evalset.shingle_prf(truth.get("articleBody", ""), text))
    return scores, times


def report_zyte(scores: dict) -> tuple[float, float]:
    """Prints the table; returns (whole-set F1, held-out F1)."""
    f_whole = f_held = 0.0
    print(f"{'part':<10} {'pages':>6}  precision  recall  F1")
    for name, rows in (("tuned", scores["tuned"]), ("held-out", scores["held-out"]),
                       ("whole", scores["tuned"] + scores["held-out"])):
        if not rows:
            print(f"{name:<10} {0:>6}  (no pages)")
            continue
        p = statistics.fmean(r[0] for r in rows)
        r_ = statistics.fmean(r[1] for r in rows)
        f = 2 * p * r_ / (p + r_) if p + r_ else 0.0
        print(f"{name:<10} {len(rows):>6}  {p:9.3f}  {r_:6.3f}  {f:.3f}")
        f_held = f if name == "held-out" else f_held
        f_whole = f
    return f_whole, f_held


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score the extract stage's main text.")
    ap.add_argument("data_dir", help="the evaluation set's folder")
    ap.add_argument("--format", choices=("trafilatura", "zyte"), default="trafilatura")
    ap.add_argument("--input", choices=("html", "dumps"), default="html")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = ap.parse_args(argv)
    data_dir = Path(args.data_dir)
    needed = data_dir / ("evaldata.json" if args.format == "trafilatura" else "ground-truth.json")
    if not needed.is_file():
        print(f"evaluation data absent: {needed} not found; nothing scored", file=sys.stderr)
        print("f1=nan pages_per_s=nan")
        return 2
    if args.input == "dumps" and not (data_dir / "dumps").is_dir():
        print(f"evaluation data absent: {data_dir / 'dumps'} not found; nothing scored", file=sys.stderr)
        print("f1=nan pages_per_s=nan")
        return 2
    dumps = args.input == "dumps"
    print(f"extraction benchmark: format={args.format} input={args.input} data={data_dir}")
    walls: list[float] = []  # wall time per page, for comparison (load on the machine inflates it)
    if args.format == "trafilatura":
        counts, times = trafilatura_set(data_dir, dumps, args.limit, walls)
        f, f_held = report_trafilatura(counts)
    else:
        scores, times = zyte_set(data_dir, dumps, args.limit, walls)
        f, f_held = report_zyte(scores)
    if not times:
        print("no pages were scored")
        print("f1=nan pages_per_s=nan")
        return 1
    pps = len(times) / sum(times) if sum(times) else float("inf")
    print(f"pages: {len(times)}; CPU time per page: median {statistics.median(times) * 1000:.1f} ms, "
          f"mean {statistics.fmean(times) * 1000:.1f} ms; pages per second on one core: {pps:.1f}; "
          f"wall time per page: median {statistics.median(walls) * 1000:.1f} ms")
    print(f"f1={f:.4f} f1_held_out={f_held:.4f} pages_per_s={pps:.1f} "
          f"cpu_ms_per_page={statistics.fmean(times) * 1000:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
