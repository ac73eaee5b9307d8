"""Train the extractor's attribution tagger (a CRF) on PolNeAR's development split."""

import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from interchange.brat import BratSpan, read_brat_folder
from interchange.brat_scoring import split_of
from suggestions.extraction.tagger import DEFAULT_PARAMS, MODEL_PATH, TrainingDocument, train

DEFAULT_CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "polnear-train"


def _fragments(span: BratSpan | None):
    return span.fragments if span is not None else None


def training_documents(folder: Path, seed: int = 0) -> list[TrainingDocument]:
    """The development split's annotated articles as plain offsets, shuffled by ``seed``
    (the held-out split is never read for training)."""
    documents = [
        TrainingDocument(
            name=document.name,
            text=document.text,
            attributions=[
                (_fragments(a.source), _fragments(a.cue), _fragments(a.content))
                for a in document.attributions
            ],
        )
        for document in read_brat_folder(folder)
        if split_of(document.name) == "development" and document.attributions
    ]
    documents.sort(key=lambda d: d.name)
    random.Random(seed).shuffle(documents)
    return documents


class Command(BaseCommand):
    help = (
        "Train the attribution tagger (a CRF, python-crfsuite) that extract() combines with "
        "the rules, on the development split of a BRAT corpus (PolNeAR's layout, text/ and "
        "attributions/, or NAME.txt beside NAME.ann); the held-out split "
        "(interchange.brat_scoring.split_of) is never read for training. Reproducible: the "
        "same corpus, --seed and settings give a byte-identical model file. Words become "
        "features only when at least 3 training articles hold them, so no article text is "
        "stored in the model."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            type=Path,
            default=DEFAULT_CORPUS,
            help=f"The annotated corpus folder (default {DEFAULT_CORPUS}).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=MODEL_PATH,
            help=f"Where to write the model (default {MODEL_PATH}).",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Order of the training articles (default 0)."
        )
        parser.add_argument(
            "--c1", type=float, default=DEFAULT_PARAMS["c1"], help="L1 regularisation."
        )
        parser.add_argument(
            "--c2", type=float, default=DEFAULT_PARAMS["c2"], help="L2 regularisation."
        )
        parser.add_argument(
            "--max-iterations",
            type=int,
            default=int(DEFAULT_PARAMS["max_iterations"]),
            help="L-BFGS iterations.",
        )

    def handle(self, *args, **options):
        corpus: Path = options["corpus"]
        if not corpus.is_dir():
            raise CommandError(f"No corpus folder at {corpus} (give one with --corpus).")
        documents = training_documents(corpus, options["seed"])
        if not documents:
            raise CommandError(
                f"{corpus} holds no annotated articles of the development split "
                "(expected NAME.txt with NAME.ann, or text/ and attributions/)."
            )
        started = time.monotonic()
        counts = train(
            documents,
            options["output"],
            c1=options["c1"],
            c2=options["c2"],
            max_iterations=options["max_iterations"],
        )
        seconds = time.monotonic() - started
        size = options["output"].stat().st_size
        self.stdout.write(
            f"Trained on {counts['articles']} articles, {counts['sequences']} paragraphs, "
            f"{counts['tokens']} tokens ({counts['labelled']} in attributions) in "
            f"{seconds:.0f} s.\nWrote {options['output']} ({size:,} bytes)."
        )
