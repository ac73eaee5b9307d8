"""Model selection for the attribution tagger on the development articles only: train on
the development split minus a development sub-split ("devtest"), then score each extraction
method on that sub-split. The held-out split is never read.

Run:  .venv/bin/python bench/tagger_selection.py --model /tmp/devtest.crfsuite [--no-train]
      [--methods rules,tagger,combined] [--c1 C1] [--c2 C2] [--max-iterations N]
      [--o-threshold P]   (defaults: those of suggestions/extraction/tagger.py)

An article of the development split is in the sub-split when the second byte of the SHA-1
of its name, modulo 5, is 0 (about a fifth of it; the held-out split uses the first byte).
"""

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interchange.brat import read_brat_folder  # noqa: E402
from interchange.brat_scoring import score_brat, split_of  # noqa: E402
from suggestions.extraction import extract, tagger  # noqa: E402


def in_devtest(name: str) -> bool:
    return hashlib.sha1(name.encode("utf-8")).digest()[1] % 5 == 0


def _fragments(span):
    return span.fragments if span is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/polnear-train")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--methods", default="rules,tagger,combined")
    parser.add_argument("--c1", type=float, default=tagger.DEFAULT_PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=tagger.DEFAULT_PARAMS["c2"])
    parser.add_argument(
        "--max-iterations", type=int, default=int(tagger.DEFAULT_PARAMS["max_iterations"])
    )
    parser.add_argument("--o-threshold", type=float, default=tagger.O_THRESHOLD)
    args = parser.parse_args()
    tagger.O_THRESHOLD = args.o_threshold
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus} is not a folder: the corpus lives outside the project")
    documents = [d for d in read_brat_folder(args.corpus) if split_of(d.name) == "development"]
    train_part = [d for d in documents if not in_devtest(d.name) and d.attributions]
    test_part = [d for d in documents if in_devtest(d.name)]
    if not args.no_train:
        training = [
            tagger.TrainingDocument(
                name=d.name,
                text=d.text,
                attributions=[
                    (_fragments(a.source), _fragments(a.cue), _fragments(a.content))
                    for a in d.attributions
                ],
            )
            for d in train_part
        ]
        training.sort(key=lambda d: d.name)
        random.Random(0).shuffle(training)
        started = time.monotonic()
        counts = tagger.train(
            training, args.model, c1=args.c1, c2=args.c2, max_iterations=args.max_iterations
        )
        print(f"trained on {counts} in {time.monotonic() - started:.0f} s", flush=True)
    tagger.MODEL_PATH = args.model
    tagger.reset()
    print(f"devtest: {len(test_part)} articles (trained on {len(train_part)})")
    for method in args.methods.split(","):
        started = time.process_time()
        result = score_brat((d, extract(d.text, method=method).suggestions) for d in test_part)
        elapsed = time.process_time() - started
        content = result.counts[("content", "overlap")]
        by_kind = result.kind_recalls(decimals=1)
        print(
            f"{method:9} content P/R/F1 {100 * content.precision:.1f} / "
            f"{100 * content.recall:.1f} / {100 * content.f1:.1f}  "
            f"exact {100 * result.counts[('content', 'exact')].f1:.1f}  "
            f"source {100 * result.counts[('source', 'overlap')].f1:.1f}  "
            f"cue {100 * result.counts[('cue', 'overlap')].f1:.1f}  "
            f"recall d/m/i {by_kind}  ({len(test_part) / elapsed:.0f} art/s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
