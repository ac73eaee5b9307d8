"""Score the attribution extractor against annotated articles: precision, recall and F1."""

import argparse
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from interchange import brat_evaluation
from interchange.annotations import AnnotationError, parse_annotation
from interchange.brat_evaluation import BratEvaluationError, as_markdown, as_table, evaluate_brat
from interchange.brat_scoring import SPLITS
from suggestions.extraction import ExtractionError
from suggestions.extraction.evaluation import METRICS, ArticleScore, score_article, total
from suggestions.extraction.extractor import METHODS

BASE_DIR = Path(settings.BASE_DIR)
# The project's annotated articles: the seed, then the invented development cases, then the
# invented held-out cases. Each folder is one set, with its own total.
DEFAULT_FOLDERS = (
    "seeds",
    "tests/suggestions/extraction_cases",
    "tests/suggestions/extraction_cases/heldout",
)


class _Formatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = f"""\
Score the attribution extractor against annotated articles (format
claim-tracker-annotation/1): precision, recall and F1 per article, per folder and in total.
Reads the files only: no database is needed. With -v 2 the table is followed by what
kept each article below 1.0 (missed, spurious, wrong speaker, span, cue or kind); the JSON
output always lists it under "errors".

PATHs are annotation files or folders (a folder means its *.json files, not its
subfolders). Each folder is a set with its own total; a file given by itself belongs to the
set of its folder. Default, in this order: the seed ({DEFAULT_FOLDERS[0]}), the invented
development cases ({DEFAULT_FOLDERS[1]}) and the invented held-out cases
({DEFAULT_FOLDERS[2]}).

Targets are the gold attributions with a source (direct, indirect, mixed). Unattributed
statements are not targets and count toward no recall; a suggestion overlapping only
unattributed statements is a false positive, also shown as "on unattr.".

Matching: a suggestion and a gold attribution are a candidate pair when their spans share
at least one character. Each metric keeps the candidate pairs that pass its test and
matches them one to one (the largest set of pairs using each suggestion and each gold
attribution at most once):
  span exact       same start and end offsets
  span overlap     any shared character
  speaker          overlapping, and the suggestion's speaker resolves to the gold source
  exact + speaker  same offsets and the right speaker
  cue              overlapping, and the same cue word (case ignored)
  kind             overlapping, and the same kind
Precision = matches / suggestions; recall = matches / gold attributions; F1 their harmonic
mean. With no suggestions precision is 1.0 only if there was nothing to find; with no gold
attributions recall is 1.0. Totals add up the counts (micro-average).

Speakers: by default the archive is empty, as for an article whose sources are all new. The
extractor then proposes every source, and a proposed source resolves to the first gold
source not already taken that shares a name or alias with it (case, spacing, apostrophes
and a leading "the" ignored), or, for anonymous sources and groups, has its description as
a name or alias, else whose description starts with the other's. Each gold source is taken
once: a source the extractor splits in two gets no speaker for its second part.
With --with-archive the article's named sources (person, organization, official account,
document) are given to the extractor as known sources, with aliases, role and
affiliation; a suggestion must then link to the known source itself. Anonymous sources and
unnamed groups belong to one article and are never in the archive.

--brat FOLDER scores BRAT standoff files instead (NAME.txt with NAME.ann, or text/NAME.txt
with attributions/NAME_ANNOTATOR.ann, the first annotator by name): the content, source and
cue spans of the suggestions (content, speaker mention, cue) against those of the gold
attributions (a span shared by several counts once), one to one per role, by overlap (any
shared character), exact (same start and end) and loose (the same after trimming quotation
marks, a leading "that", final punctuation and spaces); content recall by kind. A quote
split by its cue is one content, as BRAT corpora annotate it: a suggestion and those that
continue it are one content of several parts (overlap counts the characters the parts
share with the gold content's parts; exact and loose compare the first part's start and
the last one's end). The split
is fixed: an article is held out when the first byte of the SHA-1 of its file name
(without .txt) is 0 modulo 5, else it is for development. Both are reported, each with its
own total, unless --split names one (or all). Unreadable .ann lines are skipped with a
warning on standard error (file:line: what is wrong).
"""

    # It reads files and touches no table, so model and database checks do not concern it.
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _Formatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="Annotation files or folders of them (default: the folders listed above).",
        )
        parser.add_argument(
            "--with-archive",
            action="store_true",
            help="Give each article's named sources to the extractor as known sources.",
        )
        parser.add_argument(
            "--brat",
            metavar="FOLDER",
            help="Score against the BRAT standoff files of FOLDER instead of annotation files.",
        )
        parser.add_argument(
            "--split",
            choices=SPLITS,
            help="With --brat: the articles of one split, or all (default: development and "
            "heldout, each with its own total).",
        )
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="combined",
            help="The extractor: rules, tagger or combined (default, as extract()).",
        )
        parser.add_argument(
            "--format",
            choices=("table", "markdown", "json"),
            default="table",
            help="table (default), markdown (for BENCHMARKS.md) or json.",
        )

    def handle(self, *args, paths, with_archive, format, method="combined", **options):
        if format not in ("table", "markdown", "json"):
            raise CommandError(f"--format: unknown format {format!r}; use table, markdown or json")
        if options["brat"] is not None:
            if paths or with_archive:
                raise CommandError("--brat takes no PATH and no --with-archive.")
            return self._brat(
                options["brat"], options["split"], format, options["verbosity"], method
            )
        if options["split"] is not None:
            raise CommandError("--split applies to --brat only.")
        sets = _collect(paths or [str(BASE_DIR / folder) for folder in DEFAULT_FOLDERS])
        documents = {path: _parse(path) for files in sets.values() for path in files}
        results: dict[str, list[ArticleScore]] = {}
        for name, files in sets.items():
            results[name] = []
            for path in files:
                for article in documents[path]["articles"]:
                    try:
                        result = score_article(
                            article,
                            file=_display(path),
                            with_archive=with_archive,
                            method=method,
                        )
                    except ExtractionError as error:
                        raise CommandError(
                            f"{path}: article {article['key']!r}: the extractor refused the "
                            f"body: {error}"
                        ) from error
                    results[name].append(result)
        overall = total((r for rs in results.values() for r in rs), "total")
        archive = "article's named sources" if with_archive else "empty"
        if format == "json":
            self.stdout.write(_as_json(results, overall, archive))
        elif format == "markdown":
            self.stdout.write(_as_markdown(results, overall))
        else:
            self.stdout.write(_as_table(results, overall, archive))
            if options["verbosity"] >= 2:
                self.stdout.write(_errors(results))

    def _brat(
        self, folder: str, split: str | None, format: str, verbosity: int, method: str
    ) -> None:
        try:
            evaluation = evaluate_brat(
                folder,
                split,
                extractor=lambda text: brat_evaluation.extract_suggestions(text, method),
            )
        except BratEvaluationError as error:
            raise CommandError(f"--brat: {error}") from error
        except ExtractionError as error:
            raise CommandError(f"--brat: the extractor refused an article: {error}") from error
        if verbosity:
            for problem in evaluation.problems:
                self.stderr.write(f"warning: {folder}/{problem}")
        output = {"json": lambda e: json.dumps(e.as_dict(), indent=2), "markdown": as_markdown}
        self.stdout.write(output.get(format, as_table)(evaluation))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(BASE_DIR))
    except ValueError:
        return str(path)


def _collect(paths: list[str]) -> dict[str, list[Path]]:
    """Annotation files by set (folder display name), in the order given, each file once."""
    sets: dict[str, list[Path]] = {}
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.json") if p.is_file())
            if not files:
                raise CommandError(f"{given}: no annotation files (*.json) in this folder")
            name = _display(path)
        elif path.is_file():
            files = [path]
            name = _display(path.parent)
        else:
            raise CommandError(f"{given}: no such file or folder")
        for file in files:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                sets.setdefault(name, []).append(file)
    return sets


def _parse(path: Path) -> dict:
    try:
        return parse_annotation(path)
    except AnnotationError as error:
        problems = "\n  ".join(str(error).splitlines())
        raise CommandError(f"{path} is not a valid annotation file:\n  {problems}") from error


def _as_json(results: dict[str, list[ArticleScore]], overall: ArticleScore, archive: str) -> str:
    return json.dumps(
        {
            "archive": archive,
            "sets": [
                {
                    "name": name,
                    "articles": [r.as_dict() for r in rs],
                    "total": total(rs, "total").as_dict(),
                }
                for name, rs in results.items()
            ],
            "total": overall.as_dict(),
        },
        indent=2,
    )


def _prf(score: ArticleScore, name: str, separator: str) -> str:
    m = score.metrics[name]
    return separator.join(f"{v:.2f}" for v in (m.precision, m.recall, m.f1))


_COUNTS = ("gold", "unattr.", "pred", "on unattr.")


def _counts(score: ArticleScore) -> tuple[int, ...]:
    return (score.gold, score.unattributed, score.predicted, score.on_unattributed)


def _total_label(rs: list[ArticleScore]) -> str:
    n = sum(r.articles for r in rs)
    return f"total ({n} article{'' if n == 1 else 's'})"


def _as_table(results: dict[str, list[ArticleScore]], overall: ArticleScore, archive: str) -> str:
    rows: list[tuple[str, ...]] = []
    header = ("article", *_COUNTS, *METRICS.values())
    for name, rs in results.items():
        rows.append((f"[{name}]",))
        for r in rs:
            rows.append(
                (f"  {r.label}", *map(str, _counts(r)), *(_prf(r, m, " ") for m in METRICS))
            )
        t = total(rs)
        rows.append(
            (f"  {_total_label(rs)}", *map(str, _counts(t)), *(_prf(t, m, " ") for m in METRICS))
        )
    if len(results) > 1:
        label = f"all sets: {_total_label([overall])}"
        rows.append((label, *map(str, _counts(overall)), *(_prf(overall, m, " ") for m in METRICS)))
    widths = [
        max(len(row[i]) for row in [header, *rows] if len(row) > 1) for i in range(len(header))
    ]

    def line(row: tuple[str, ...]) -> str:
        if len(row) == 1:
            return row[0]
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(widths[i]) for i, cell in enumerate(row[1:], start=1)]
        return "  ".join(cells).rstrip()

    intro = (
        f"Extractor against annotated articles (archive: {archive}). "
        "Each metric: precision recall F1; spans match when they overlap (see --help)."
    )
    return "\n".join([intro, "", line(header), *(line(row) for row in rows)])


def _errors(results: dict[str, list[ArticleScore]]) -> str:
    out = ["", "What kept each article below 1.0:"]
    for rs in results.values():
        for r in rs:
            if r.errors:
                out.append(f"{r.label} ({r.file}):")
                out += [f"  {error}" for error in r.errors]
    if len(out) == 2:
        out.append("nothing: every score is 1.0")
    return "\n".join(out)


def _as_markdown(results: dict[str, list[ArticleScore]], overall: ArticleScore) -> str:
    header = ("article", *_COUNTS, *(f"{label} P / R / F1" for label in METRICS.values()))
    out: list[str] = []

    def row(label: str, score: ArticleScore) -> str:
        cells = [label, *map(str, _counts(score)), *(_prf(score, m, " / ") for m in METRICS)]
        return "| " + " | ".join(cells) + " |"

    for name, rs in results.items():
        out += [f"`{name}`:", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("| --- |" + " ---: |" * (len(header) - 1))
        out += [row(r.label, r) for r in rs]
        out += [row(f"**{_total_label(rs)}**", total(rs)), ""]
    if len(results) > 1:
        out.append(f"All sets: {_total_label([overall])}:")
        out += ["", "| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
        out.append(row("total", overall))
    return "\n".join(out).rstrip()
