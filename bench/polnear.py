"""Extraction accuracy on real news: each extraction method on the development and the
held-out part of PolNeAR's training split, and its speed on the seed article.

Run:  .venv/bin/python bench/polnear.py [--corpus PATH] [--methods rules,tagger,combined]
      [--splits development,heldout]

The corpus is read from ../shared/corpora/polnear-train (never from the repository). The
split is the one fixed in interchange/brat_scoring.py; the tagger is trained on the
development part only, so only the held-out figures say how it does on text it never saw.
Speed is process time on the seed article (557 words), repeated, on whatever core the
process runs on: run it under `taskset -c 0` for the one-core figure.
"""

import argparse
import inspect
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interchange.brat import read_brat_folder  # noqa: E402
from interchange.brat_scoring import score_brat, split_of  # noqa: E402
from suggestions.extraction import extract  # noqa: E402

METHODS = ("rules", "tagger", "combined")


def _extract(text: str, method: str):
    if "method" in inspect.signature(extract).parameters:
        return extract(text, method=method)
    if method != "rules":
        raise SystemExit(f"this extractor has no method {method!r}")
    return extract(text)


def _speed(method: str, seconds: float = 3.0) -> float:
    text = (ROOT / "seeds/baghouz-2019-03-13.txt").read_text(encoding="utf-8")
    _extract(text, method)  # load the model, warm the caches
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        _extract(text, method)
        count += 1
    return count / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/polnear-train")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--splits", default="development,heldout")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus} is not a folder: the corpus lives outside the project")
    documents = list(read_brat_folder(args.corpus))
    if not documents:
        raise SystemExit(f"no annotated articles in {args.corpus}")
    rows = []
    for method in args.methods.split(","):
        speed = _speed(method)
        for split in args.splits.split(","):
            part = [d for d in documents if split_of(d.name) == split]
            started = time.process_time()
            pairs = [(d, _extract(d.text, method).suggestions) for d in part]
            elapsed = time.process_time() - started
            result = score_brat(pairs)
            rows.append((method, split, len(part), result, speed, len(part) / elapsed))
    print(f"# {platform.node()} {platform.machine()} Python {platform.python_version()}")
    header = (
        "| method | split | articles | content overlap P / R / F1 | content exact F1 | "
        "content loose F1 | source overlap F1 | cue overlap F1 | recall direct / mixed / "
        "indirect | seed articles/s | corpus articles/s |"
    )
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for method, split, n, result, speed, corpus_speed in rows:
        content = result.counts[("content", "overlap")]
        by_kind = result.kind_recalls()
        print(
            f"| {method} | {split} | {n} | {100 * content.precision:.1f} / "
            f"{100 * content.recall:.1f} / **{100 * content.f1:.1f}** | "
            f"{100 * result.counts[('content', 'exact')].f1:.1f} | "
            f"{100 * result.counts[('content', 'loose')].f1:.1f} | "
            f"{100 * result.counts[('source', 'overlap')].f1:.1f} | "
            f"{100 * result.counts[('cue', 'overlap')].f1:.1f} | {by_kind} | {speed:.0f} | "
            f"{corpus_speed:.0f} |"
        )


if __name__ == "__main__":
    main()
