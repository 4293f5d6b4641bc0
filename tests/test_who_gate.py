"""Evaluation gate: entity and quote quality on small slices of the shared evaluation data
may not drop below floors pinned a little under what was measured. The data is not
redistributed with the project, so the gate skips (saying why) where it is absent."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DATA = Path("/work/shared/data")
CONLL = DATA / "entities" / "conll2003" / "eng.testa"
POLNEAR_DEV = DATA / "quotes" / "polnear" / "data" / "dev"
TIMELINE = DATA / "corpus" / "wikinews-timeline"
GUM = DATA / "corpus" / "gum-wikinews"
BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CONLL.exists(), reason=f"CoNLL-2003 not present at {CONLL}")
def test_entity_gate():
    bench = _bench("entities")
    docs = bench.read_conll(CONLL)[0::2][:12]  # held-out half: its first 12 documents
    gold, ours, bare = bench.predict(docs)
    f1 = bench.score(gold, ours)["ALL"][2]
    bare_f1 = bench.score(gold, bare)["ALL"][2]
    # Measured 0.783 (bare model 0.683) on this slice (2026-11-25; was 0.744).
    assert f1 >= 0.76
    assert f1 > bare_f1


@pytest.mark.skipif(not CONLL.exists(), reason=f"CoNLL-2003 not present at {CONLL}")
def test_title_case_headline_gate():
    """Names linked from CoNLL sentences set in Title Case as headlines (bench/headline_names.py):
    the model read such a line as one long name and linked far fewer."""
    bench = _bench("headline_names")
    f1 = bench.run(bench.read_conll(CONLL)[0::2][:60])  # held-out half: 57 headlines
    # Measured 0.535 (the headline given to the model as it is: 0.442) on this slice
    # (2026-12-07; before sentence_case and new people from headlines: 0.303); the same
    # sentences in their own casing: 0.629. Who v31 (a headline's countries and "... Bank"
    # read in sentence case): 0.577, as it is 0.459, own casing 0.652.
    assert f1["title_case"] >= 0.55
    assert f1["title_case"] > f1["baseline"] + 0.05


@pytest.mark.skipif(not (POLNEAR_DEV / "text").is_dir(), reason=f"PolNeAR not present at {POLNEAR_DEV}")
def test_quote_gate():
    bench = _bench("quotes")
    r = bench.evaluate(bench.load(POLNEAR_DEV, every=1))  # the whole split: about 12 s
    # Measured on all of dev (2026-11-25, who v6): recall 0.9366, precision 0.9548, speaker
    # accuracy 0.9511 (700 of 736); on every 8th article, the gate before: 0.9125, 1.000, 0.966.
    # 2026-12-07, who v16: 0.9379, 0.9548, 0.9512.
    # A quote is 0.0014 of speaker accuracy: the floors allow about four.
    assert r["recall"] >= 0.93
    assert r["precision"] >= 0.945
    assert r["speaker"] >= 0.945


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """The bundled corpus through the who stage (about 15 s), shared by the gates that
    read the TimeLine gold."""
    if not TIMELINE.is_dir():
        pytest.skip(f"TimeLine data not present at {TIMELINE}")
    from newsdesk.corpus import BUNDLED_CORPUS

    store, ids = _bench("entity_links").build_store(
        str(tmp_path_factory.mktemp("corpus") / "corpus.db"), BUNDLED_CORPUS)
    yield store, ids
    store.close()


def test_entity_link_gate(corpus_store):
    figures = _bench("entity_links").evaluate(DATA, *corpus_store)
    # Measured 2026-12-07 (who v15): 0.9762 over 20 targets, micro 0.9836: Ford Motor
    # Company is Ford where Ford is known, U.S. Federal Reserve the Federal Reserve, an
    # "airline, Ryanair," a company (who v14
    # with the same target lookup, names.name_keys: 0.9397, 0.9508; who v12 by the target's
    # key alone: 0.9230, 0.9426). One document of a small target moves the macro mean by up
    # to 0.05.
    assert figures["targets"] >= 18
    assert figures["link_recall"] >= 0.94
    assert figures["link_recall_micro"] >= 0.97


def test_timeline_date_gate(corpus_store):
    figures = _bench("timeline_dates").evaluate(DATA, *corpus_store)
    # Measured 2026-12-06 (who v14): dates 0.7820 right of 133 judged, timeline entries
    # 0.8017, coverage 0.2179 (who v13: 0.6709 of 158, 0.6783, 0.2222; the corpus no longer
    # holds the caption line "The A380 was revealed in January 2005"). A mention is 0.007;
    # most of what is left wrong is a second event of the sentence the gold does not date.
    assert figures["judged"] >= 120
    assert figures["date_precision"] >= 0.76
    assert figures["entry_precision"] >= 0.78
    assert figures["coverage"] >= 0.21


@pytest.mark.skipif(not (GUM / "coref_tsv").is_dir(), reason=f"GUM not present at {GUM}")
def test_entity_name_gate():
    figures = _bench("entity_names").evaluate(DATA)  # 24 articles: about 5 s
    # Measured 2026-12-06 (who v14): pairs precision 0.9868, recall 0.9113, identity 0.7820
    # of 445 chains, 1,041 mentions (who v13: 0.9819, 0.8590, 0.7758). One article's
    # misread surname moves recall by about 0.03 (who v19 and v20: recall 0.9189, identity
    # 0.7865). Types: 0.8668 of 976 paired mentions agree with GUM's (who v19 and v20;
    # v18 0.8176, v17 0.8156, v16 0.7713); one name said ten times moves that by 0.01.
    assert figures["mentions"] >= 950
    assert figures["name_pair_precision"] >= 0.975
    assert figures["name_pair_recall"] >= 0.87
    assert figures["identity_match"] >= 0.76
    assert figures["type_agreement"] >= 0.85
