"""The bundled sample corpus (data/corpus): what `newsdesk demo` and bench/ingest.py take in.

`data/corpus/demo.json` lists the inputs in order, with the outlet and section for files
that name neither (feed files).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@dataclass(slots=True)
class CorpusInput:
    path: Path
    source: str = ""
    section: str = ""


def bundled_inputs(corpus: Path = BUNDLED_CORPUS) -> list[CorpusInput]:
    manifest = corpus / "demo.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"the bundled corpus is missing: no {manifest}")
    return [CorpusInput(corpus / e["path"], e.get("source", ""), e.get("section", ""))
            for e in json.loads(manifest.read_text())["inputs"]]
