"""The full recomputation's batch path: near-duplicate quotes paired across the whole
archive at once (``crosscheck.index.archive_pairs``) instead of one index query per
attribution, and findings written in bulk. It must store what the per-attribution path
stores. Everything here is invented: invented words, people, outlets and figures.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Outlet
from claims.models import Attribution, Claim
from crosscheck import index
from crosscheck.index import ArchiveQuote, archive_pairs
from crosscheck.index import archive as archive_index
from crosscheck.models import Checkpoint, Finding
from crosscheck.rules import quote_similarity
from sources.models import Source
from tests.crosscheck.test_quote_index import Vocabulary, invented_quote, mutate

THRESHOLDS = {"drift_min_similarity": 60.0, "misattribution_min_similarity": 90.0}
# Changes that touch one word each (see ARCHIVE_CHANGED_WORDS).
ONE_WORD_MUTATIONS = ("replace", "insert", "delete", "punctuation")


def quote(pk, text, *speakers, direct=True):
    return ArchiveQuote(id=pk, text=text, direct=direct, speakers=speakers or (pk,))


# --- archive_pairs, pure --------------------------------------------------------------------


def test_pairs_a_quote_copied_under_another_speaker():
    text = "We will rebuild the river bridge before the winter floods arrive"
    pairs = archive_pairs(
        [quote(1, text, "varnok"), quote(2, f"“{text.upper()}!”", "molder")], **THRESHOLDS
    )
    assert pairs == {1: {2}, 2: {1}}


def test_pairs_one_speakers_reworded_direct_quotes_only():
    old = "We will rebuild the river bridge before the winter floods arrive"
    new = "We are going to rebuild the old river bridge before any floods arrive"
    assert 60 <= quote_similarity(old, new) < 90
    same = archive_pairs([quote(1, old, "varnok"), quote(2, new, "varnok")], **THRESHOLDS)
    other = archive_pairs([quote(1, old, "varnok"), quote(2, new, "molder")], **THRESHOLDS)
    indirect = archive_pairs(
        [quote(1, old, "varnok"), quote(2, new, "varnok", direct=False)], **THRESHOLDS
    )
    assert same == {1: {2}, 2: {1}}
    assert other == {}
    assert indirect == {}


PAIRS_IN_A_PROCESS = """
import json, sys
from crosscheck.index import ArchiveQuote, archive_pairs
quotes = [
    ArchiveQuote(id=i, text=t, direct=True, speakers=(s,)) for i, t, s in json.load(sys.stdin)
]
pairs = archive_pairs(quotes, drift_min_similarity=60.0, misattribution_min_similarity=90.0)
print(json.dumps(sorted((a, sorted(b)) for a, b in pairs.items())))
"""


def test_pairs_are_the_same_in_every_process():
    """Beyond the guaranteed edits, whether a pair is found depends on ties in the order of
    word pairs: that order must not follow Python's per-process string hashing, or two
    runs on the same archive would store different findings."""
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(300)]
    quotes: list[tuple[int, str, int]] = []
    for pk in range(1, 3001):
        if quotes and rng.random() < 0.5:  # a copy with two to six words replaced
            _, text, speaker = rng.choice(quotes)
            words = text.split()
            for _ in range(rng.randint(2, 6)):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            speaker = speaker if rng.random() < 0.5 else rng.randrange(50)
            quotes.append((pk, " ".join(words), speaker))
        else:
            text = " ".join(rng.choices(vocabulary, k=rng.randint(8, 16)))
            quotes.append((pk, text, rng.randrange(50)))
    runs = [
        subprocess.run(
            [sys.executable, "-c", PAIRS_IN_A_PROCESS],
            input=json.dumps(quotes),
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert len(json.loads(runs[0])) > 100
    assert runs[0] == runs[1]


def test_short_and_unlike_quotes_have_no_partners():
    pairs = archive_pairs(
        [
            quote(1, "we will win", "a"),
            quote(2, "We will win!", "b"),
            quote(3, "The bridge will reopen in June, the mayor said", "a"),
            quote(4, "Nobody has told us anything about the floods", "a"),
        ],
        **THRESHOLDS,
    )
    assert pairs == {}


def test_finds_every_copy_with_one_word_changed_and_nothing_below_the_thresholds():
    check_one_word_copies()


def check_one_word_copies() -> tuple[list[ArchiveQuote], dict[int, set[int]]]:
    """Pair an invented archive of quotes and their copies, hold the pairs to every
    pair's score, and return the quotes and the pairs."""
    rng = random.Random(7)
    vocabulary = Vocabulary.invent(rng, 1500)
    quotes: list[ArchiveQuote] = []
    copies: set[frozenset[int]] = set()  # (original, copy with one word changed)
    for family in range(250):
        text = invented_quote(rng, vocabulary)
        speaker = f"speaker-{family % 40}"
        original = quote(len(quotes) + 1, text, speaker)
        quotes.append(original)
        for _ in range(rng.randint(0, 3)):
            copy = mutate(rng, text, vocabulary, rng.choice(ONE_WORD_MUTATIONS))
            who = speaker if rng.random() < 0.5 else f"speaker-{rng.randrange(40)}"
            quotes.append(quote(len(quotes) + 1, copy, who, direct=rng.random() < 0.8))
            copies.add(frozenset((original.id, len(quotes))))

    expected: set[frozenset[int]] = set()
    for a, b in itertools.combinations(quotes, 2):
        if len(a.text.split()) < 4 or len(b.text.split()) < 4:
            continue
        score = quote_similarity(a.text, b.text)
        one_speaker = a.direct and b.direct and set(a.speakers) & set(b.speakers)
        if score >= 90 or (one_speaker and score >= 60):
            expected.add(frozenset((a.id, b.id)))
    pairs = archive_pairs(quotes, **THRESHOLDS)
    found = {frozenset((a, b)) for a, partners in pairs.items() for b in partners}

    planted = copies & expected
    assert len(planted) > 150
    assert planted <= found
    # Two copies of one original differ in two words, which short quotes do not allow
    # for; unrelated quotes of one speaker that score 60 by chance need not be found.
    assert len(found) >= 0.95 * len(expected)
    assert found <= expected
    return quotes, pairs


def test_processes_pair_as_one_process_does(monkeypatch):
    quotes, pairs = check_one_word_copies()
    monkeypatch.setattr(archive_index, "PARALLEL_MIN_QUOTES", 1)
    started = []
    real = archive_index._run_join
    monkeypatch.setattr(
        archive_index,
        "_run_join",
        lambda size, workers: started.append(workers) or real(size, workers),
    )

    assert archive_pairs(quotes, workers=2, **THRESHOLDS) == pairs
    assert started == [2]
    # With fewer quotes than PARALLEL_MIN_QUOTES, no process is started.
    monkeypatch.setattr(archive_index, "PARALLEL_MIN_QUOTES", len(quotes) + 1)
    assert archive_pairs(quotes, workers=2, **THRESHOLDS) == pairs
    assert started == [2, 1]


# --- the batch path against the per-attribution path, on the database ----------------------


@pytest.fixture
def invented_corpus(db, settings, invented_archive):
    """The invented archive plus 40 invented articles: planted copies credited to other
    speakers, the same speakers' reworded quotes, figures that conflict, anonymous
    sources with and without a reason, and the copies of one wire story."""
    settings.TRACKER_CROSSCHECK_ON_SAVE = False
    rng = random.Random(11)
    vocabulary = Vocabulary.invent(rng, 2000)
    outlet = Outlet.objects.create(name="Invented Batch Herald", domain="herald.example")
    wire = Outlet.objects.create(name="Invented Batch Wire", kind="wire_agency")
    people = [Source.objects.create(kind="person", name=f"Invented Speaker {i}") for i in range(12)]
    claims = [Claim.objects.create(text=f"Invented claim {i}.") for i in range(30)]
    figures = {claim.id: rng.randint(3, 60) for claim in claims[:10]}
    said: list[tuple[str, Source]] = []
    for number in range(40):
        copy_of_story = number >= 36  # four copies of one wire story
        article = Article.objects.create(
            outlet=outlet,
            origin_outlet=wire if copy_of_story else None,
            headline="Invented wire story" if copy_of_story else f"Invented story {number}",
            body="",
        )
        anonymous = Source.objects.create(
            kind="anonymous",
            description="an invented official",
            article=article,
            anonymity_reason="" if number % 3 else "not authorized to speak",
        )
        items = []
        for _ in range(rng.randint(3, 6)):
            roll = rng.random()
            source = rng.choice(people)
            claim = rng.choice(claims) if rng.random() < 0.7 else None
            kind = rng.choice(("direct", "direct", "indirect", "mixed"))
            if said and roll < 0.15:
                text, _ = rng.choice(said)  # credited to someone else
            elif said and roll < 0.3:
                text, source = rng.choice(said)
                text = mutate(rng, text, vocabulary, rng.choice(ONE_WORD_MUTATIONS))
                kind = "direct"
            elif copy_of_story and roll < 0.6:
                text, source, kind = (
                    "The invented convoy was turned back at the border",
                    anonymous,
                    "direct",
                )
                if number % 2:
                    text = "The invented convoy was turned back at the northern border"
            else:
                text = invented_quote(rng, vocabulary)
                if claim is not None and claim.id in figures:
                    n = figures[claim.id] + (rng.randint(5, 9) if rng.random() < 0.3 else 0)
                    text = f"{text.rstrip('.!?')}, at least {n} invented workers were injured"
            if rng.random() < 0.1:
                source, kind = None, "unattributed"
            elif rng.random() < 0.15:
                source = anonymous
            items.append((text, source, claim, kind))
            if source is not None and kind != "unattributed":
                said.append((text, source))
        article.body = "\n\n".join(text for text, *_ in items)
        article.save()
        offset = 0
        for text, source, claim, kind in items:
            Attribution.objects.create(
                article=article,
                source=source,
                claim=claim,
                kind=kind,
                text=text,
                start=offset,
                end=offset + len(text),
            )
            offset += len(text) + 2
    return invented_archive


def stored_findings():
    """Everything a recomputation stores, in a comparable form."""
    findings = {
        f.key: (
            f.kind,
            f.summary,
            f.details,
            f.resolved_at is None,
            sorted(c.id for c in f.claims.all()),
            sorted(a.id for a in f.attributions.all()),
            sorted(s.id for s in f.sources.all()),
        )
        for f in Finding.objects.prefetch_related("claims", "attributions", "sources")
    }
    return findings, dict(Claim.objects.values_list("id", "status"))


def forget_findings():
    Finding.objects.all().delete()
    Claim.objects.update(status=Claim.Status.UNSUPPORTED)


@pytest.mark.parametrize("batch_size", ["500", "7"])
def test_batch_path_stores_what_the_per_attribution_path_stores(invented_corpus, batch_size):
    call_command("recheck", "--per-attribution", "--batch-size", batch_size, verbosity=0)
    expected = stored_findings()
    kinds = {kind for kind, *_ in expected[0].values()}
    assert {"misattribution", "quote_drift", "numeric_conflict", "contradiction"} <= kinds
    assert {"single_source", "unexplained_anonymity", "unattributed"} <= kinds
    assert sum(kind == "misattribution" for kind, *_ in expected[0].values()) > 5
    assert sum(kind == "quote_drift" for kind, *_ in expected[0].values()) > 5

    forget_findings()
    call_command("recheck", "--batch-size", batch_size, verbosity=0)
    assert stored_findings() == expected, connection.vendor


def test_batch_path_after_the_per_attribution_path_changes_nothing(invented_corpus, capsys):
    call_command("recheck", "--per-attribution", verbosity=0)
    history = Finding.history.count(), Claim.history.count()
    call_command("recheck")
    out = capsys.readouterr().out
    assert "findings 0 new, 0 updated, 0 reopened, 0 resolved; 0 claim statuses" in out
    assert (Finding.history.count(), Claim.history.count()) == history


def test_bulk_writes_keep_history_of_findings_and_statuses(invented_archive, settings):
    settings.TRACKER_CROSSCHECK_ON_SAVE = False
    call_command("recheck", verbosity=0)
    drift = Finding.objects.get(kind="quote_drift")
    assert list(drift.history.values_list("history_type", flat=True)) == ["+"]
    claim = invented_archive["varnok_quote"].claim
    claim.refresh_from_db()
    # The open drift (and the quote credited to Molder too) contest it.
    assert claim.status == Claim.Status.CONTESTED
    latest = claim.history.first()
    assert (latest.status, latest.history_change_reason) == ("contested", "status recomputed")

    # A quote edited away from its copy: the finding is resolved, with a history row.
    varnok = invented_archive["varnok_drifted"]
    Attribution.objects.filter(pk=varnok.pk).update(
        text="", start=None, end=None, anchor_status="orphaned"
    )
    call_command("recheck", verbosity=0)
    drift.refresh_from_db()
    assert drift.is_resolved
    assert list(drift.history.values_list("history_type", flat=True)) == ["~", "+"]


def test_limit_stops_early_and_resume_continues(invented_corpus, capsys):
    call_command("recheck", "--limit", "10", "--batch-size", "4")
    first = int(re.search(r"Rechecked (\d+) attributions", capsys.readouterr().out)[1])
    # Whole batches, each with the other attributions of its claims: 10 or a few more.
    assert 10 <= first < 10 + 3 * 4 * 10
    checkpoint = Checkpoint.get("recheck:last-attribution-id")
    # The checkpoint is the last attribution taken in id order (not one taken in early).
    assert 0 < checkpoint < Attribution.objects.order_by("-id").values_list("id", flat=True)[0]
    call_command("recheck", "--resume")
    resumed = Attribution.objects.filter(id__gt=checkpoint).count()
    assert f"Rechecked {resumed} attributions" in capsys.readouterr().out
    assert Checkpoint.get("recheck:last-attribution-id") == 0  # finished: cleared
    partial = stored_findings()
    forget_findings()
    call_command("recheck", verbosity=0)
    assert stored_findings()[0].keys() == partial[0].keys()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be at least 1."),
        (["--limit", "0"], "--limit must be at least 1."),
        (["--workers", "-1"], "--workers must be 0 (one per core) or more."),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(invented_archive, option, message):
    from django.core.management import CommandError

    call_command("recheck", verbosity=0)
    before = stored_findings(), Finding.history.count()
    with pytest.raises(CommandError) as error:
        call_command("recheck", *option, verbosity=0)
    assert str(error.value) == message
    assert (stored_findings(), Finding.history.count()) == before


def test_workers_option_and_setting_reach_the_pairing(invented_archive, monkeypatch, settings):
    asked = []
    real = index.archive_pairs

    def spy(quotes, **kwargs):
        asked.append(kwargs["workers"])
        return real(quotes, **kwargs)

    monkeypatch.setattr(index, "archive_pairs", spy)
    settings.TRACKER_RECHECK_WORKERS = 3
    call_command("recheck", verbosity=0)
    call_command("recheck", "--workers", "2", verbosity=0)
    settings.TRACKER_RECHECK_WORKERS = 0
    call_command("recheck", verbosity=0)
    assert asked == [3, 2, os.cpu_count() or 1]


def test_full_recompute_refreshes_planner_statistics_as_findings_fill(invented_corpus, monkeypatch):
    from crosscheck.management.commands import recheck as command

    monkeypatch.setattr(command, "ANALYZE_MIN_ROWS", 5)
    real, seen = command.refresh_planner_statistics, []

    def refresh():
        seen.append(Finding.objects.count())
        real()

    monkeypatch.setattr(command, "refresh_planner_statistics", refresh)
    call_command("recheck", "--batch-size", "7", verbosity=0)
    assert len(seen) >= 2
    # Each after at least 5 new findings, and a fifth more than at the one before.
    for before, after in itertools.pairwise([0, *seen]):
        assert after - before >= max(5, 0.2 * before)
    seen.clear()
    call_command("recheck", "--batch-size", "7", verbosity=0)
    assert seen == []  # nothing new, no refresh


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_refresh_planner_statistics_analyzes_the_finding_tables(invented_archive):
    from crosscheck.management.commands.recheck import refresh_planner_statistics

    call_command("recheck", verbosity=0)  # too few findings to refresh the statistics
    tables = {
        Finding._meta.db_table: Finding.objects.count(),
        Finding.attributions.through._meta.db_table: Finding.attributions.through.objects.count(),
        Finding.claims.through._meta.db_table: Finding.claims.through.objects.count(),
        Finding.sources.through._meta.db_table: Finding.sources.through.objects.count(),
    }
    assert all(tables.values())

    def reltuples():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(tables)]
            )
            return {name: int(count) for name, count in cursor.fetchall()}

    assert reltuples() != tables
    refresh_planner_statistics()
    assert reltuples() == tables


# --- the SQLite quote index: counts of the commonest trigrams remembered -------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_remembers_the_counts_of_common_trigrams_only(invented_archive, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from crosscheck.index import sqlite as sqlite_index

    monkeypatch.setattr(sqlite_index, "SQLITE_COMMON_ROWS", 2)
    monkeypatch.setattr(sqlite_index, "_sqlite_common", {})
    text = "We will rebuild the river bridge before the spring floods arrive"
    first = index.similar_quotes(text)
    assert {m.attribution_id for m in first} == {
        invented_archive[k].pk for k in ("varnok_quote", "varnok_drifted", "molder_quote")
    }
    (_, common), *_ = sqlite_index._sqlite_common.values()
    # In three of the quotes, so remembered; in one only, so read again next time.
    assert common["riv"] == 3
    assert "spr" not in common
    with CaptureQueriesContext(connection) as queries:
        assert index.similar_quotes(text) == first
    (vocab,) = [q["sql"] for q in queries if q["sql"].startswith("SELECT term, doc")]
    assert "'riv'" not in vocab
    assert "'spr'" in vocab
