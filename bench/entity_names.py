"""Within-article entity canonicalisation of newsdesk.enrich.who against GUM's hand-checked
coreference chains and Wikipedia identities.

Usage: python bench/entity_names.py DATA

DATA is the shared data folder (../shared/data). Its `corpus/gum-wikinews` holds 24 GUM
Wikinews articles: `coref_tsv/*.tsv` (WebAnno TSV 3.2: every mention, the coreference links
between them, the Wikipedia title of named entities) and `xml/*.xml` (URL, title, tags).
The bundled demo corpus (data/corpus/wikinews.jsonl) holds them, detokenised by
scripts/build_corpus.py without captions, title and dateline; each is found by URL (else
title) and analysed as the demo does (`analyse_many`, no store).

GUM mentions are linked into chains by the relations that say "the same referent" (coref,
ana, cata, appos, pred; not bridging or discourse deixis), and the chains that carry one
Wikipedia title are joined (GUM leaves a long article's chain in pieces). GUM and article
words (`\\w+`) are aligned with difflib. Each newsdesk body mention is paired with at most
one GUM mention that shares its head (the last word, a possessive `'s` left off; GUM's
mention may run on past a name, "Cheng Chung-tai of Civic Passion", so a proper noun that
a preposition, comma or relative follows counts as a head too): of those, one that holds
all of it (`University of North Carolina` is the university's, not the state's), a last
word before such a name end, the largest overlap. Headline mentions are left out (GUM's
title is not body).

Figures, pooled over the documents, on the paired mentions only (newsdesk finds names, not
pronouns or "the boy"):
- name pairs: over the pairs of paired mentions of one document, precision is the share of
  those newsdesk gives one canonical (case-insensitive) that GUM puts in one chain; recall the
  share of those in one GUM chain that newsdesk gives one canonical;
- identity: of the GUM chains with a Wikipedia title that newsdesk paired at least once, the
  share whose most common canonical is that title (casefolded, a disambiguation like
  "(Hong Kong)" or ", Texas", "Inc."/"Ltd", punctuation, accents and a leading "The"
  ignored).
Each document's row lists its errors, ten at most: `merged` (GUM chains under one
canonical), `split` (a chain under several canonicals), `name` (title vs canonical); a
chain without a title shows as its mentions' texts in brackets. Then how many of GUM's
names (proper nouns and function words, no dates) found no pair, and why.

Type agreement: of the paired mentions whose GUM type is person, place, organization, event
or object, the share newsdesk types PERSON, PLACE, ORG, EVENT or OTHER alike. GUM types by
what is meant in context (a country's team is an organization, a country's people a
person), newsdesk by the name, so some disagreement stays; the commonest are listed.

Last line: `name_pair_precision=<v> name_pair_recall=<v> identity_match=<v>
type_agreement=<v> chains=<n> mentions=<n>`: chains the identity figure compared, mentions
paired.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GUM = Path("corpus") / "gum-wikinews"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "wikinews.jsonl"
# relations that say "the same referent" (GUM links a copula's predicate into the chain:
# "Warhol was a legend ... he"); bridging and discourse deixis link different things
SAME = {"coref", "ana", "cata", "appos", "pred"}
WORD = re.compile(r"\w+")
BRACKET = re.compile(r"^(.*?)(?:\[(\d+)\])?$")
TARGET = re.compile(r"^(\d+-\d+)\[(\d+)_(\d+)\]$")
MAX_LINES = 10
# GUM's entity types and the newsdesk type that means the same
GUM_TYPES = {"person": "PERSON", "place": "PLACE", "organization": "ORG", "event": "EVENT",
             "object": "OTHER"}
PROPER = {"NNP", "NNPS", "NP", "NPS"}  # the xml has PTB and TreeTagger-style tag sets
POSTMODIFIER = {"IN", "TO", ",", "WDT", "WP", "(", "-LRB-"}
GLUE = {"DT", "IN", "CC", "POS", "TO", "HYPH", ",", "CD"}


def read_tsv(path: Path):
    """(tokens, {mention id: token indexes}, chain of each mention, Wikipedia title of each
    chain, GUM type of each mention); an unbracketed one-token mention is `t<token id>`."""
    tokens: list[str] = []
    mentions: dict[str, list[int]] = defaultdict(list)
    ident: dict[str, str] = {}
    kinds: dict[str, str] = {}  # person, place, time, ...
    links: list[tuple[str, str, str, str]] = []  # (source token, source id, target token, id)
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 10:
            continue
        i = len(tokens)
        tokens.append(cols[2])
        for tag in filter(lambda t: t != "_", cols[3].split("|")):
            kind, num = BRACKET.match(tag).groups()
            mentions[num or f"t{cols[0]}"].append(i)
            kinds[num or f"t{cols[0]}"] = kind
        for tag in filter(lambda t: t != "_", cols[6].split("|")):
            title, num = BRACKET.match(tag).groups()
            ident[num or f"t{cols[0]}"] = unquote(title).replace("_", " ")
        for kind, target in zip(cols[8].split("|"), cols[9].split("|")):
            m = TARGET.match(target)
            if kind in SAME and m:
                links.append((cols[0], m.group(3), m.group(1), m.group(2)))
    parent = {m: m for m in mentions}

    def find(m):
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for src_tok, src, dst_tok, dst in links:
        # id 0 stands for the unbracketed one-token mention at that token
        a = src if src != "0" else f"t{src_tok}"
        b = dst if dst != "0" else f"t{dst_tok}"
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    # GUM leaves a long article's chain in pieces (a quote, a new section); one Wikipedia
    # title is one entity, so the pieces that carry it are joined
    first: dict[str, str] = {}
    for m, title in ident.items():
        parent[find(m)] = find(first.setdefault(title, m))
    chain = {m: find(m) for m in mentions}
    return tokens, dict(mentions), chain, {chain[m]: t for m, t in ident.items()}, kinds


def gum_tags(path: Path) -> list[str]:
    """Part-of-speech tag of each token (the xml's token lines are the tsv's tokens, in order)."""
    root = ElementTree.parse(path).getroot()
    return [ln.split("\t")[1] for ln in "".join(root.itertext()).split("\n") if "\t" in ln]


def head_token(toks: list[int], tokens: list[str]) -> int | None:
    """Last token with a word in it, a possessive `'s` / `'` left off."""
    rest = [t for t in toks if WORD.search(tokens[t])]
    if rest and tokens[rest[-1]].lower() in ("'s", "’s") and len(rest) > 1:
        rest.pop()
    return rest[-1] if rest else None


def name_ends(toks: list[int], tokens: list[str], tags: list[str]) -> list[int]:
    """The proper nouns of a mention that something modifies after them: GUM's mention
    takes in what follows a name ("Cheng Chung - tai of Civic Passion", "University of
    North Carolina at Chapel Hill , which ...")."""
    return [t for t, u in zip(toks, toks[1:]) if tags[t] in PROPER and tags[u] in POSTMODIFIER]


def is_name(toks: list[int], tokens: list[str], tags: list[str]) -> bool:
    """A name, as GUM tags it: proper nouns joined only by function words ("Daughters of
    the American Revolution", "Donald Trump 's"), not "Muslims traveling to the U.S."."""
    head = head_token(toks, tokens)
    return head is not None and tags[head] in PROPER and all(
        tags[t] in PROPER or tags[t] in GLUE for t in toks if WORD.search(tokens[t]))


def article_words(body) -> list[tuple[int, int, int, str]]:
    """(block, start, end, lower-case word) of the article's body blocks."""
    return [(b, m.start(), m.end(), m.group().lower())
            for b, block in enumerate(body) for m in WORD.finditer(block.text)]


def pair_mentions(tokens, tags, mentions, words, found):
    """(GUM mention id, newsdesk mention) pairs, each side at most once, and the article
    words of each GUM mention whose head is in the article (not a caption, the title).
    A pair shares a head word; a GUM mention's name ends (`name_ends`) stand in for its head
    when no GUM mention with that head holds all the newsdesk mention."""
    gum_words = [(i, w.lower()) for i, t in enumerate(tokens) for w in WORD.findall(t)]
    sm = difflib.SequenceMatcher(None, [w for _, w in gum_words], [w[3] for w in words],
                                 autojunk=False)
    to_article: dict[int, list[int]] = defaultdict(list)  # GUM token -> article words
    for a, b, size in sm.get_matching_blocks():
        for k in range(size):
            to_article[gum_words[a + k][0]].append(b + k)
    by_head: dict[int, list[tuple[int, str, set[int]]]] = defaultdict(list)
    placed: dict[str, set[int]] = {}
    for mid, toks in mentions.items():
        head = head_token(toks, tokens)
        if head is not None and to_article.get(head):
            placed[mid] = {w for t in toks for w in to_article.get(t, [])}
            by_head[to_article[head][-1]].append((0, mid, placed[mid]))
            for end in name_ends(toks, tokens, tags):
                if end != head and to_article.get(end):
                    by_head[to_article[end][-1]].append((1, mid, placed[mid]))
    scored = []
    for n, m in enumerate(found):
        text = re.sub(r"['’]s?$", "", m.text)  # the head of "Trump's" is Trump
        inside = [k for k, (b, s, e, _) in enumerate(words)
                  if b == m.block and s >= m.start and e <= m.start + len(text)]
        if not inside:
            continue
        span = set(inside)
        for second, mid, gspan in by_head.get(inside[-1], []):
            # first the GUM mentions that hold all of it ("University of North Carolina"
            # is the university's, not the state's), then heads before name ends
            scored.append((-len(span & gspan) / len(span), second,
                           -len(span & gspan) / len(span | gspan), len(gspan), mid, n))
    pairs, used = [], set()
    for *_, mid, n in sorted(scored):
        if mid not in used and n not in used:
            used |= {mid, n}  # GUM ids are strings, newsdesk ones numbers
            pairs.append((mid, found[n]))
    return pairs, placed


def loose(name: str) -> str:
    """A name as compared with a Wikipedia title: no disambiguation ("(Hong Kong)"), legal
    form, accents, punctuation or leading "the", `&` as "and", case-folded."""
    name = re.sub(r"\s*\([^)]*\)$", "", name)
    name = name.replace("&", " and ")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[^\W_]+", name.casefold())
    if words[:1] == ["the"]:
        words = words[1:]
    while words and words[-1] in ("inc", "ltd", "llc", "plc", "corp", "co", "sa", "ag"):
        words.pop()
    return " ".join(words)


def load_articles(data: Path) -> list[tuple[str, dict]]:
    """(GUM file stem, bundled record) for each GUM document the corpus holds."""
    records = [json.loads(ln) for ln in CORPUS.read_text(encoding="utf-8").splitlines() if ln]
    by_url = {r["url"]: r for r in records}
    by_title = {r["title"].strip().casefold(): r for r in records}
    out = []
    for path in sorted((data / GUM / "xml").glob("*.xml")):
        root = ElementTree.parse(path).getroot()
        rec = by_url.get(root.get("sourceURL") or "") or by_title.get(
            (root.get("title") or "").strip().casefold())
        if rec is None:
            print(f"{path.stem}: not in the bundled corpus")
            continue
        out.append((path.stem, rec))
    return out


def errors(pairs, chain: dict, ident: dict, n: Counter) -> list[str]:
    """A document's merged, split and misnamed chains, one line each; counts the pairs and
    the identity comparisons into `n`."""
    for (g1, m1), (g2, m2) in combinations(pairs, 2):
        same_canon = m1.canonical.casefold() == m2.canonical.casefold()
        same_chain = chain[g1] == chain[g2]
        n["same_canon"] += same_canon
        n["same_chain"] += same_chain
        n["both"] += same_canon and same_chain
    by_canon: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_chain: dict[str, list] = defaultdict(list)
    for mid, m in pairs:
        by_canon[m.canonical.casefold()][chain[mid]].append(m.text)
        by_chain[chain[mid]].append(m)
    lines = []
    for canon, chains in by_canon.items():
        if len(chains) > 1:
            what = " + ".join(ident.get(c) or "[" + "/".join(sorted(set(t))) + "]"
                              for c, t in chains.items())
            lines.append(f"  merged  {canon!r}: {what}")
    for c, ms in by_chain.items():
        canons = Counter(m.canonical for m in ms)
        if len({k.casefold() for k in canons}) > 1:
            label = ident.get(c) or "[" + "/".join(sorted({m.text for m in ms})) + "]"
            lines.append(f"  split   {label}: "
                         + ", ".join(f"{k!r}x{v}" for k, v in canons.most_common()))
        if c in ident:
            n["compared"] += 1
            best = canons.most_common(1)[0][0]
            # "Irving, Texas": Wikipedia's title for a US town; the town's name is enough
            if loose(best) in (loose(ident[c]), loose(re.sub(r", [^,]+$", "", ident[c]))):
                n["identity_ok"] += 1
            else:
                lines.append(f"  name    {ident[c]!r} vs {best!r} ({len(ms)} mentions)")
    return lines


def evaluate(data: Path) -> dict:
    """The figures, printing each document's row and errors."""
    from newsdesk.enrich.who import analyse_many
    from newsdesk.normalise import to_article
    from newsdesk.sources.records import record_to_item

    docs = load_articles(data)
    # each record becomes an article as ingest makes it (the demo's text, cleaned the same way)
    articles = [to_article(record_to_item(r, "gum")) for _, r in docs]
    n: Counter = Counter()
    unpaired_types: Counter = Counter()
    type_pairs: Counter = Counter()  # (GUM type, newsdesk type) -> paired mentions
    for (stem, _), article, result in zip(docs, articles, analyse_many(articles)):
        tokens, mentions, chain, ident, kinds = read_tsv(data / GUM / "coref_tsv" / f"{stem}.tsv")
        tags = gum_tags(data / GUM / "xml" / f"{stem}.xml")
        found = [m for m in result.entities if m.block >= 0]  # the headline is not body
        words = article_words(article.body)
        pairs, placed = pair_mentions(tokens, tags, mentions, words, found)
        n["mentions"] += len(pairs)
        type_pairs.update((kinds[mid], m.type) for mid, m in pairs if kinds[mid] in GUM_TYPES)
        paired_nd = {id(m) for _, m in pairs}
        unpaired_types.update(m.type for m in found if id(m) not in paired_nd)
        # the sanity check: GUM's names that found no pair, and why
        covered = {k for k, (b, s, e, _) in enumerate(words)
                   for m in found if b == m.block and s < m.end and e > m.start}
        paired = {mid for mid, _ in pairs}
        named = {mid for mid, toks in mentions.items() if is_name(toks, tokens, tags)
                 and kinds[mid] != "time"}  # newsdesk leaves "Tuesday" to the dates
        missed = named - paired
        n["named"] += len(named)
        n["named_unpaired"] += len(missed)
        n["named_unplaced"] += len(missed - set(placed))
        n["named_overlapped"] += sum(bool(placed[m] & covered) for m in missed if m in placed)
        n["named_chains"] += len({chain[m] for m in named})
        n["named_chains_unpaired"] += len({chain[m] for m in named} - {chain[m] for m in paired})
        lines = errors(pairs, chain, ident, n)
        print(f"{stem}: {len(pairs)} paired, {len(found) - len(pairs)} newsdesk unpaired, "
              f"{len(missed)}/{len(named)} GUM names unpaired")
        for line in lines[:MAX_LINES]:
            print(line)
        if len(lines) > MAX_LINES:
            print(f"  ... {len(lines) - MAX_LINES} more")
    precision = n["both"] / n["same_canon"] if n["same_canon"] else 0.0
    recall = n["both"] / n["same_chain"] if n["same_chain"] else 0.0
    typed = sum(type_pairs.values())
    agree = sum(v for (g, t), v in type_pairs.items() if GUM_TYPES[g] == t)
    return {"documents": len(docs), "name_pair_precision": precision,
            "type_agreement": agree / typed if typed else 0.0, "typed": typed,
            "type_disagreements": [(g, t, v) for (g, t), v in type_pairs.most_common()
                                   if GUM_TYPES[g] != t],
            "name_pair_recall": recall,
            "name_pair_f1": 2 * precision * recall / (precision + recall) if n["both"] else 0.0,
            "identity_match": n["identity_ok"] / n["compared"] if n["compared"] else 0.0,
            "chains": n["compared"], "mentions": n["mentions"],
            **{k: v for k, v in n.items() if k.startswith("named")},
            "newsdesk_unpaired": dict(unpaired_types)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    args = ap.parse_args(argv)
    if not (args.data / GUM / "coref_tsv").is_dir():
        print(f"GUM Wikinews data not found: {args.data / GUM} (give the shared data folder)")
        return 2
    f = evaluate(args.data)
    if not f["mentions"]:
        print("no mention paired")
        return 1
    print(f"documents={f['documents']}: of {f['named']} GUM names {f['named_unpaired']} unpaired "
          f"({f['named_unplaced']} not in the article text, {f['named_overlapped']} inside or "
          f"across another newsdesk mention, the rest found by none); of "
          f"{f['named_chains']} named chains {f['named_chains_unpaired']} never paired")
    print("newsdesk mentions unpaired (GUM has no such mention, or another head): "
          + ", ".join(f"{k} {v}" for k, v in sorted(f["newsdesk_unpaired"].items())))
    print(f"name pairs: precision={f['name_pair_precision']:.4f} "
          f"recall={f['name_pair_recall']:.4f} f1={f['name_pair_f1']:.4f}")
    print(f"types: {f['type_agreement']:.4f} of {f['typed']} paired mentions GUM types as "
          "person, place, organization, event or object; commonest disagreements (GUM -> "
          "newsdesk): " + ", ".join(f"{g}->{t} {v}" for g, t, v in f["type_disagreements"][:8]))
    print(f"name_pair_precision={f['name_pair_precision']:.4f} "
          f"name_pair_recall={f['name_pair_recall']:.4f} "
          f"identity_match={f['identity_match']:.4f} type_agreement={f['type_agreement']:.4f} "
          f"chains={f['chains']} mentions={f['mentions']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
