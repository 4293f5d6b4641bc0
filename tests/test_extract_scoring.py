"""The benchmark's scorers: snippet counting (trafilatura's set) and 4-gram shingles (Zyte's)."""
from newsdesk.extract.evalset import count_snippets, prf, shingle_prf, tuned_half


def test_snippet_counts_are_whitespace_normalised():
    item = {"with": ["a  b c", "missing here"], "without": ["menu", "footer text"]}
    assert count_snippets(item, "x a b\nc y footer   text") == (1, 1, 1, 1)
    assert count_snippets(item, None) == (0, 0, 2, 2)
    assert prf(1, 1, 1) == (0.5, 0.5, 0.5)


def test_shingle_scores():
    truth = "one two three four five six"
    assert shingle_prf(truth, truth) == (1.0, 1.0, 1.0)
    assert shingle_prf(truth, "seven eight nine ten eleven")[2] == 0.0
    p, r, f = shingle_prf(truth, "one two three four five six seven eight nine")
    assert (round(p, 3), r) == (0.5, 1.0) and round(f, 3) == 0.667


def test_split_is_deterministic_and_roughly_even():
    names = [f"page{i}.html" for i in range(400)]
    halves = [tuned_half(n) for n in names]
    assert halves == [tuned_half(n) for n in names]
    assert 150 < sum(halves) < 250
