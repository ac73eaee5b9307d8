"""The cross-check on a real imported archive: PolNeAR's 840 training articles imported with
the extractor, every suggestion accepted in bulk, the archive rechecked, and what came out
counted.

    .venv/bin/python bench/archive_polnear.py [--corpus PATH] [--limit N] [--database URL]
        [--report FILE] [--sample 30] [--split all|development|heldout]

Steps, each a management command in a child process on a fresh database (SQLite in a
temporary folder unless --database), timed:

1. ``import_articles`` of a JSON Lines file made from the corpus (headline, outlet, date
   from ``metadata.tsv``; the file is written to the temporary folder, never the project)
   with ``--extract``;
2. ``find_duplicate_sources`` is not run: resolution happens as suggestions are accepted;
3. ``accept_suggestions`` (every pending suggestion, then claim suggestions);
4. ``recheck``.

Then the archive is read: sources per person named in full (Donald Trump, Hillary
Clinton ...), sources named by a pronoun, number, adverb or fragment (``sources.names``),
suggestions that failed or were left for review, attributions linked to a claim, claims
gathering three or more outlets, findings by kind, and a sample of misattribution findings
(the two attributions side by side) for a person to judge. The report is JSON.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interchange.brat_scoring import SPLITS, in_split  # noqa: E402

PYTHON = sys.executable
PUBLISHERS = {
    "breitbart": "Breitbart",
    "cnn": "CNN",
    "huff-post": "HuffPost",
    "nyt": "The New York Times",
    "politico": "Politico",
    "wash-post": "The Washington Post",
    "yahoo": "Yahoo News",
    "usa-today": "USA Today",
    "west-journal": "Western Journal",
}


def write_jsonl(corpus: Path, out: Path, limit: int | None, split: str = "all") -> int:
    rows = []
    with (corpus / "metadata.tsv").open(encoding="utf-8") as handle:
        for meta in csv.DictReader(handle, delimiter="\t"):
            if not in_split(meta["filename"], split):
                continue
            text_file = corpus / "text" / f"{meta['filename']}.txt"
            if not text_file.exists():
                continue
            body = text_file.read_text(encoding="utf-8")
            rows.append(
                {
                    "headline": meta["title"] or meta["filename"],
                    "body": body,
                    "outlet": PUBLISHERS.get(meta["publisher"], meta["publisher"]),
                    "url": f"https://corpus.invalid/{meta['filename']}",
                    "published_at": f"{meta['publication_date']}T12:00:00+00:00",
                }
            )
    if limit:
        # Round robin over the outlets, so that a subset holds every outlet's articles.
        by_outlet: dict[str, list[dict]] = {}
        for row in rows:
            by_outlet.setdefault(row["outlet"], []).append(row)
        mixed = [row for group in zip_longest(*by_outlet.values()) for row in group if row]
        rows = mixed[:limit]
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    return len(rows)


def manage(env: dict, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
    print(f"  {' '.join(args[:2])}: {elapsed:.0f} s; {' | '.join(tail)[:300]}", flush=True)
    if result.returncode != 0 and "Traceback" in result.stderr:
        raise SystemExit(f"{args[0]} failed:\n{result.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/polnear-train")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--database", help="DATABASE_URL (default: SQLite in a temporary folder)")
    parser.add_argument("--report", type=Path, default=Path("/tmp/archive_polnear.json"))
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="the project's fixed split of the corpus (iterate on development only)",
    )
    args = parser.parse_args()
    if not (args.corpus / "metadata.tsv").exists():
        raise SystemExit(
            f"{args.corpus} holds no metadata.tsv: the corpus lives outside the project"
        )
    folder = Path(tempfile.mkdtemp(prefix="archive_polnear_"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DEBUG="1",
        DATABASE_URL=args.database or f"sqlite:///{folder / 'archive.sqlite3'}",
        TRACKER_CROSSCHECK_ON_SAVE="0",
    )
    jsonl = folder / "articles.jsonl"
    count = write_jsonl(args.corpus, jsonl, args.limit, args.split)
    print(f"{count} articles; database {env['DATABASE_URL']}", flush=True)
    times = {"migrate": manage(env, "migrate", "--noinput", "-v", "0")}
    times["import"] = manage(env, "import_articles", str(jsonl), "--extract", "-v", "0")
    times["accept"] = manage(env, "accept_suggestions", "-v", "0")
    times["recheck"] = manage(env, "recheck", "-v", "0")
    env["BENCH_REPORT"] = str(args.report)
    env["BENCH_SAMPLE"] = str(args.sample)
    env["BENCH_TIMES"] = json.dumps({**times, "articles": count})
    subprocess.run([PYTHON, __file__, "--measure"], cwd=ROOT, env=env, check=True)


def split_people(source_model) -> list[dict]:
    """People named in full whose name is carried by more than one stored source: the same
    first and last name (``sources.matching.name_key``), or a surname stored alone beside
    the full name ("Trump" beside "Donald Trump", even when Ivanka Trump is stored too)."""
    from sources.matching import name_key

    full: dict[str, list[str]] = defaultdict(list)
    bare: dict[str, list[str]] = defaultdict(list)
    rows = source_model.objects.filter(kind="person", article__isnull=True)
    for name in rows.values_list("name", flat=True):
        key = name_key(name, person=True)
        words = key.split()
        if len(words) >= 2:
            full[key].append(name)
        elif words:
            bare[words[0]].append(name)
    split = []
    for key, names in sorted(full.items()):
        extra = bare.get(key.split()[1], [])
        if len(names) + len(extra) > 1:
            cause = "a surname stored alone" if extra else "the same first and last name"
            split.append({"person": key, "sources": sorted(names + extra), "cause": cause})
    return split


def _review_reason(line: str) -> str:
    """Why a suggestion was left for review, in a few kinds (its note's words otherwise)."""
    if " may be " not in line:
        return line[:70]
    if "the article names each in full" in line:
        return "several people of one surname named in full in the article"
    if "people of the archive" in line:
        return "a surname several people of the archive have, none named in the article"
    return "the archive's one person of the surname, without context in the article"


def _pairs_of(source_model, names: list[str]) -> list[tuple[int, int]]:
    ids = list(
        source_model.objects.filter(
            kind="person", article__isnull=True, name__in=names
        ).values_list("pk", flat=True)
    )
    return [(a, b) for a in ids for b in ids if a < b]


def measure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.db.models import Count

    from claims.models import Attribution, Claim
    from crosscheck.models import Finding
    from sources.models import MergeSuggestion, Source
    from sources.names import name_problem
    from suggestions.models import ClaimLink, Suggestion

    times = json.loads(os.environ["BENCH_TIMES"])
    articles = times.pop("articles")
    people = {}
    for full in ("Donald Trump", "Hillary Clinton", "Bernie Sanders", "Ted Cruz", "Barack Obama"):
        last = full.split()[-1]
        rows = Source.objects.filter(kind="person", name__icontains=last)
        people[full] = sorted(rows.values_list("name", flat=True))
    people_split = split_people(Source)
    bad = [
        (s.kind, s.display_name, name_problem(s.name or s.description))
        for s in Source.objects.all()
        if name_problem(s.name or s.description)
    ]
    attributions = Attribution.objects.exclude(kind="unattributed")
    linked = attributions.filter(claim__isnull=False).count()
    wide = (
        Claim.objects.annotate(outlets=Count("attributions__article__outlet", distinct=True))
        .filter(outlets__gte=3)
        .count()
    )
    sample = []
    misattributions = list(Finding.objects.filter(kind="misattribution").order_by("pk"))
    random.Random(20261207).shuffle(misattributions)
    for finding in misattributions[: int(os.environ["BENCH_SAMPLE"])]:
        pair = [
            {
                "source": a.source.display_name if a.source else "",
                "text": a.text[:200],
                "outlet": a.article.outlet.name,
            }
            for a in finding.attributions.select_related("source", "article__outlet")[:2]
        ]
        sample.append({"finding": finding.pk, "summary": finding.summary[:300], "pair": pair})
    rng = random.Random(20261207)
    links = list(
        Attribution.objects.filter(claim_is_suggested=True, claim_link_score__isnull=False)
        .select_related("claim", "article__outlet")
        .order_by("pk")
    )
    rng.shuffle(links)
    link_sample = [
        {
            "attribution": a.pk,
            "score": a.claim_link_score,
            "text": a.text[:200],
            "outlet": a.article.outlet.name,
            "claim": a.claim.text[:200] if a.claim else "",
            "claim_outlets": sorted(
                set(
                    Attribution.objects.filter(claim_id=a.claim_id or 0).values_list(
                        "article__outlet__name", flat=True
                    )
                )
            ),
        }
        for a in links[: int(os.environ["BENCH_SAMPLE"])]
    ]
    resolved = list(
        Suggestion.objects.filter(state="accepted", proposed_source__has_key="resolution")
        .select_related("source")
        .order_by("pk")
    )
    rng.shuffle(resolved)
    resolution_sample = [
        {
            "suggestion": row.pk,
            "mention": row.proposed_source["resolution"].get("mention", ""),
            "speaker_mention": row.speaker_mention[:80],
            "source": row.source.display_name if row.source else "",
            "why": row.proposed_source["resolution"].get("why", ""),
        }
        for row in resolved[: int(os.environ["BENCH_SAMPLE"])]
    ]
    resolution_reasons: defaultdict[str, int] = defaultdict(int)
    for row in resolved:
        resolution_reasons[row.proposed_source["resolution"].get("why", "")] += 1
    review_reasons: defaultdict[str, int] = defaultdict(int)
    for note in Suggestion.objects.filter(state="pending", source__isnull=True).values_list(
        "note", flat=True
    ):
        line = next((x for x in note.splitlines() if x.startswith("Speaker left")), "")
        review_reasons[_review_reason(line)] += 1
    merged_pending = {
        frozenset((m.keep_id, m.duplicate_id))
        for m in MergeSuggestion.objects.filter(state="pending")
    }
    report = {
        "articles": articles,
        "seconds": {k: round(v, 1) for k, v in times.items()},
        "seconds_per_article": {k: round(v / articles, 3) for k, v in times.items()},
        "suggestions": dict(
            Suggestion.objects.values_list("state").annotate(n=Count("pk")).order_by()
        ),
        "suggestions_left_for_review": Suggestion.objects.filter(
            state="pending", source__isnull=True, proposed_source={}
        ).count(),
        "attributions": attributions.count(),
        "attributions_with_claim": linked,
        "share_with_claim": round(linked / max(attributions.count(), 1), 4),
        "claims": Claim.objects.count(),
        "claims_from_three_outlets": wide,
        "claim_links": dict(
            ClaimLink.objects.values_list("state").annotate(n=Count("pk")).order_by()
        ),
        "sources": dict(Source.objects.values_list("kind").annotate(n=Count("pk")).order_by()),
        "merge_suggestions": MergeSuggestion.objects.count(),
        "people": people,
        "people_named_in_full_with_several_sources": len(people_split),
        "people_split": people_split[:80],
        "surname_only_people": Source.objects.filter(kind="person", article__isnull=True)
        .exclude(name__contains=" ")
        .count(),
        "sources_not_names": bad[:50],
        "sources_not_names_count": len(bad),
        "findings": dict(Finding.objects.values_list("kind").annotate(n=Count("pk")).order_by()),
        "misattribution_sample": sample,
        "claim_link_sample": link_sample,
        "resolution_sample": resolution_sample,
        "resolution_reasons": dict(resolution_reasons),
        "left_for_review_reasons": dict(
            sorted(review_reasons.items(), key=lambda item: -item[1])[:15]
        ),
        "people_split_with_a_pending_merge": sum(
            1
            for split in people_split
            if any(
                frozenset(pair) in merged_pending for pair in _pairs_of(Source, split["sources"])
            )
        ),
    }
    Path(os.environ["BENCH_REPORT"]).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(
        json.dumps(
            {k: v for k, v in report.items() if not k.endswith("_sample")},
            indent=1,
            ensure_ascii=False,
        )[:6000]
    )


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure()
    else:
        main()
