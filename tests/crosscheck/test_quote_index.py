"""The quote index (``crosscheck.index``) held to a scan of every quote.

The module runs on whichever database the suite runs on; CI runs it on SQLite and on
PostgreSQL, so both backends are held to the same brute-force answer. Everything here is
invented: the words are made of random syllables, the people and outlets are invented.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Outlet
from articles.services import article_update_body
from claims.models import Attribution
from crosscheck import index
from crosscheck.index import QuoteMatch, brute_force_similar_quotes, candidate_ids, similar_quotes
from crosscheck.rules import MIN_QUOTE_WORDS
from sources.models import Source
from tests.factories import ArticleFactory, AttributionFactory, SourceFactory

pytestmark = pytest.mark.django_db

# --- an invented corpus ------------------------------------------------------------------

# Spelling pieces for invented words, varied enough that their letter trigrams are about
# as many and as unevenly spread as English ones.
_CONSONANTS = "bcdfghjklmnprstvwz"
_CLUSTERS = (
    *("bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr"),
    *("sc", "sh", "sk", "sl", "sm", "sn", "sp", "st", "sw", "th", "tr", "wh"),
)
_VOWELS = "aeiouy"
_DIGRAPHS = ("ai", "au", "ea", "ee", "ie", "oa", "oo", "ou")
_CODAS = ("nd", "ng", "nt", "rd", "rt", "st", "ck", "ll", "ss", "sh", "th", "ft")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_OPENING_MARKS = ("“{}”", '"{}"', "‘{}’", "«{}»", "{}")
MUTATIONS = ("replace", "insert", "delete", "punctuation", "reorder", "swap", "typo")


def _syllable(rng: random.Random) -> str:
    roll = rng.random()
    onset = "" if roll < 0.1 else rng.choice(_CLUSTERS if roll < 0.25 else _CONSONANTS)
    vowel = rng.choice(_DIGRAPHS if rng.random() < 0.2 else _VOWELS)
    roll = rng.random()
    coda = "" if roll < 0.6 else rng.choice(_CODAS if roll < 0.7 else _CONSONANTS)
    return onset + vowel + coda


def invented_vocabulary(rng: random.Random, size: int) -> list[str]:
    """``size`` distinct invented words, most frequent first: a few dozen short ones to
    play the part of function words ("we", "will", "not"), then longer ones."""
    short: set[str] = set()
    while len(short) < 40:
        short.add(_syllable(rng))
    long: set[str] = set()
    while len(long) < size - len(short):
        word = "".join(_syllable(rng) for _ in range(rng.choice((1, 2, 2, 2, 3, 3))))
        if word not in short:
            long.add(word)
    head, tail = sorted(short), sorted(long)
    rng.shuffle(head)
    rng.shuffle(tail)
    return head + tail


@dataclass(frozen=True)
class Vocabulary:
    words: Sequence[str]
    weights: Sequence[float]

    @classmethod
    def invent(cls, rng: random.Random, size: int = 4000) -> Vocabulary:
        words = invented_vocabulary(rng, size)
        # Zipf's law, roughly, as in any language.
        return cls(words, [1 / rank for rank in range(1, len(words) + 1)])

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, weights=self.weights, k=k)


def invented_quote(rng: random.Random, vocabulary: Vocabulary) -> str:
    """A sentence of 4 to 22 invented words, with some commas, a capital and an end."""
    words = vocabulary.sample(rng, rng.randint(MIN_QUOTE_WORDS, 22))
    for i in range(1, len(words) - 1):
        if rng.random() < 0.1:
            words[i] += ","
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + rng.choice((".", ".", "!", "?", ""))


def mutate(rng: random.Random, text: str, vocabulary: Vocabulary, how: str) -> str:
    """``text`` changed the way quotes drift between articles (see MUTATIONS)."""
    words = text.split()
    if how == "replace":
        words[rng.randrange(len(words))] = vocabulary.sample(rng, 1)[0]
    elif how == "insert":
        words.insert(rng.randrange(len(words) + 1), vocabulary.sample(rng, 1)[0])
    elif how == "delete" and len(words) > MIN_QUOTE_WORDS:
        del words[rng.randrange(len(words))]
    elif how == "punctuation":
        bare = " ".join(words).replace(",", "").rstrip(".!?")
        cased = rng.choice((bare.upper(), bare.lower(), bare.title(), bare))
        return rng.choice(_OPENING_MARKS).format(cased)
    elif how == "reorder":
        cut = rng.randrange(1, len(words))
        words = words[cut:] + words[:cut]
    elif how == "swap":
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif how == "typo":
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(words))
            j = rng.randrange(len(words[i]))
            words[i] = words[i][:j] + rng.choice(_LETTERS) + words[i][j + 1 :]
    return " ".join(words)


def drifted(rng: random.Random, text: str, vocabulary: Vocabulary) -> str:
    """One to three mutations of ``text``, stacked."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        text = mutate(rng, text, vocabulary, rng.choice(MUTATIONS))
    return text


@dataclass(frozen=True)
class CorpusQuote:
    text: str
    family: int | None  # quotes of one family are drifted copies of one original
    unattributed: bool = False


def invented_corpus(
    rng: random.Random, vocabulary: Vocabulary, *, families: int, singles: int
) -> list[CorpusQuote]:
    """``families`` originals with one to three drifted copies each, ``singles`` quotes
    of their own, and about one in twenty of them stored as unattributed statements."""
    quotes = []
    for family in range(families):
        original = invented_quote(rng, vocabulary)
        copies = [drifted(rng, original, vocabulary) for _ in range(rng.randint(1, 3))]
        quotes += [CorpusQuote(text, family) for text in [original, *copies]]
    quotes += [CorpusQuote(invented_quote(rng, vocabulary), None) for _ in range(singles)]
    rng.shuffle(quotes)
    return [CorpusQuote(q.text, q.family, unattributed=rng.random() < 0.05) for q in quotes]


def store_corpus(quotes: Sequence[CorpusQuote], *, per_article: int = 25) -> list[int]:
    """Bulk-create the quotes as attributions, ``per_article`` to an invented article
    whose body is the quotes one after another (so every span holds). Returns the ids,
    in the order of ``quotes``."""
    outlet = Outlet.objects.create(name="Invented Corpus Gazette", domain="corpus.example")
    speakers = Source.objects.bulk_create(
        Source(kind=Source.Kind.PERSON, name=f"Invented Speaker {n}") for n in range(50)
    )
    batches = [quotes[i : i + per_article] for i in range(0, len(quotes), per_article)]
    articles = Article.objects.bulk_create(
        Article(
            outlet=outlet,
            headline=f"Invented corpus article {n}",
            body=" ".join(q.text for q in batch),
        )
        for n, batch in enumerate(batches)
    )
    rows = []
    for article, batch in zip(articles, batches, strict=True):
        start = 0
        for q in batch:
            rows.append(
                Attribution(
                    article=article,
                    source=None if q.unattributed else speakers[len(rows) % len(speakers)],
                    kind=Attribution.Kind.UNATTRIBUTED
                    if q.unattributed
                    else Attribution.Kind.DIRECT,
                    text=q.text,
                    start=start,
                    end=start + len(q.text),
                    note="" if q.family is None else f"invented family {q.family}",
                )
            )
            start += len(q.text) + 1
    created = Attribution.objects.bulk_create(rows, batch_size=2000)
    return [a.pk for a in created]


# --- small cases ---------------------------------------------------------------------------

RUSH = "We will not rush the river bridge repairs for anyone"


def quotes_in_one_article(*texts: str, kind: str = Attribution.Kind.DIRECT) -> list[Attribution]:
    """One invented article whose body is ``texts`` one after another, with an attribution
    of each (by invented people; unattributed statements have no source)."""
    article = ArticleFactory(body=" ".join(f"“{t},” an invented official said." for t in texts))
    unattributed = kind == Attribution.Kind.UNATTRIBUTED
    return [
        AttributionFactory(
            article=article,
            text=t,
            kind=kind,
            source=None if unattributed else SourceFactory(),
            claim=None,
        )
        for t in texts
    ]


def fts_integrity_check() -> None:
    """On SQLite, fail unless the FTS index holds exactly the table's texts (FTS5 compares
    the index with the content table when the rank argument is 1)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {index.FTS_TABLE}({index.FTS_TABLE}, rank) "
                "VALUES ('integrity-check', 1)"
            )


def ids(matches: Sequence[QuoteMatch]) -> list[int]:
    return [m.attribution_id for m in matches]


def test_quote_marks_case_and_punctuation_do_not_matter():
    [quote] = quotes_in_one_article(RUSH)

    found = similar_quotes(f"«{RUSH.upper()}!»")

    assert found == [QuoteMatch(quote.pk, 100.0)]


def test_a_changed_word_and_a_reordering_are_found_with_the_rules_score():
    changed, reordered, _other = quotes_in_one_article(
        "We will not rush the river bridge repairs for anybody",
        "For anyone, we will not rush the river bridge repairs",
        "The invented council voted on the Quellbridge budget at length",
    )

    found = similar_quotes(RUSH)

    assert ids(found) == [changed.pk, reordered.pk]
    assert found[0].similarity > found[1].similarity >= 60


def test_texts_shorter_than_the_minimum_are_never_matched():
    [short] = quotes_in_one_article("We will rebuild")
    [long] = quotes_in_one_article("We will rebuild it")
    assert MIN_QUOTE_WORDS == 4

    assert similar_quotes("We will rebuild") == []
    assert candidate_ids("We will rebuild") == []
    assert brute_force_similar_quotes("We will rebuild") == []
    assert ids(similar_quotes("We will rebuild it")) == [long.pk]
    assert short.pk not in ids(brute_force_similar_quotes("We will rebuild it"))


def test_unattributed_statements_are_never_candidates():
    [statement] = quotes_in_one_article(RUSH, kind=Attribution.Kind.UNATTRIBUTED)
    [quote] = quotes_in_one_article(RUSH)

    assert candidate_ids(RUSH) == [quote.pk]
    assert ids(similar_quotes(RUSH)) == [quote.pk]
    assert ids(brute_force_similar_quotes(RUSH)) == [quote.pk]
    assert statement.source_id is None


def test_exclude_ids_and_article_ids_narrow_the_search():
    first, second = quotes_in_one_article(RUSH, RUSH.replace("anyone", "anybody"))
    [elsewhere] = quotes_in_one_article(RUSH.replace("river", "old"))

    assert ids(similar_quotes(RUSH, exclude_ids=[first.pk])) == [second.pk, elsewhere.pk]
    assert ids(similar_quotes(RUSH, article_ids=[elsewhere.article_id])) == [elsewhere.pk]
    assert similar_quotes(RUSH, article_ids=[]) == []
    assert brute_force_similar_quotes(RUSH, exclude_ids=[first.pk, second.pk]) == (
        similar_quotes(RUSH, exclude_ids=[first.pk, second.pk])
    )


def test_limit_caps_the_candidates():
    quotes_in_one_article(*(f"{RUSH} on day {n}" for n in range(5)))

    assert len(candidate_ids(RUSH, limit=2)) == 2
    assert len(similar_quotes(RUSH, limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        similar_quotes(RUSH, limit=0)


def test_min_similarity_is_applied_to_the_exact_score():
    [close] = quotes_in_one_article(RUSH.replace("anyone", "anybody"))

    assert ids(similar_quotes(RUSH, min_similarity=90)) == [close.pk]
    assert similar_quotes(RUSH, min_similarity=99) == []


@pytest.mark.parametrize(
    "text",
    [
        'He said "NEAR AND (far)": the* plan: OR NOT - ^ works',
        "NEAR(river bridge, 2) AND repairs OR NOT anyone*",
        'a "" b ""c"" : ( ) * ^ + - NEAR AND OR NOT',
        "col:umn text:repairs {river bridge} -anyone +soon",
    ],
)
def test_search_syntax_in_a_quote_is_only_text(text):
    [quote] = quotes_in_one_article(text)

    assert ids(similar_quotes(text)) == [quote.pk]
    assert ids(brute_force_similar_quotes(text)) == [quote.pk]


def test_a_quote_of_short_words_is_found_by_their_edges():
    # No word of three letters or more: only " it", "it ", " is"... can find it.
    [quote] = quotes_in_one_article("It is as it is, as we do")

    assert ids(similar_quotes("“it is as it is as we do”")) == [quote.pk]


def test_word_trigrams_are_folded_and_ignore_punctuation():
    assert index.word_trigrams("“We’ll GO,” Ana said: a-ok") == [
        [" we", "we "],
        [" ll", "ll "],
        [" go", "go "],
        ["ana", " an", "na "],
        ["sai", "aid", " sa", "id "],
        [" a "],
        [" ok", "ok "],
    ]


def test_pick_terms_takes_the_rarest_within_the_budget():
    words = [["aaa", "bbb"], ["ccc"], ["ddd"]]
    rows_with = {"aaa": 10, "bbb": 5, "ccc": 100, "ddd": 1000}

    # ddd would take the rows read over 200.
    assert index.pick_terms(words, rows_with, max_rows=200, min_words=1) == ["bbb", "aaa", "ccc"]
    # At least min_words words are covered, whatever it costs: each by its rarest.
    assert index.pick_terms(words, rows_with, max_rows=0, min_words=2) == ["bbb", "ccc"]
    assert index.pick_terms(words, rows_with, max_rows=10**6, max_terms=2, min_words=3) == [
        "bbb",
        "aaa",
        "ccc",
        "ddd",
    ]


def test_pick_terms_spreads_over_words_before_taking_more_of_one():
    words = [["a1", "a2", "a3", "a4"], ["b1"]]
    rows_with = {"a1": 1, "a2": 2, "a3": 3, "a4": 4, "b1": 50}

    assert index.TERMS_PER_WORD == 3
    assert index.pick_terms(words, rows_with, max_rows=100, max_terms=4) == [
        "a1",
        "a2",
        "a3",
        "b1",
    ]


def test_word_groups_pair_rare_words_with_common_ones_until_rare_together():
    share = {"zzq": 1e-5, "kkj": 2e-5, "mmk": 3e-5, "qqx": 1e-3, "the": 0.9, "ver": 0.2, "ery": 0.1}
    share |= {"big": 0.05, "wid": 0.5, "ide": 0.6}

    def rows_with(grams):
        return {g: 1_000_000 * share[g] for g in grams}

    groups = index.word_groups("The zzq, big QQX very kkj", rows_with, table_rows=1_000_000)

    # zzq and kkj are each in a few rows; qqx (1,000 rows) takes the commonest words
    # left, the, very (by its rarest trigram, "ery") and big, to get under 30 rows.
    assert [g.words for g in groups] == [("zzq",), ("kkj",), ("qqx", "the", "very", "big")]
    assert [g.rows for g in groups] == pytest.approx([10, 20, 1e6 * 1e-3 * 0.9 * 0.1 * 0.05])
    assert groups[2].grams == ("qqx", "the", "ery", "ver", "big")

    # Past MIN_GROUPS, a group commoner than GROUP_MAX_ROWS is not searched...
    assert index.MIN_GROUPS == 3
    wide = index.word_groups("zzq kkj mmk wide", rows_with, table_rows=1_000_000)
    assert [g.words for g in wide] == [("zzq",), ("kkj",), ("mmk",)]
    # (qqx takes wide in: 500 rows, over the limit, but a third group is needed.)
    wide = index.word_groups("zzq kkj qqx wide", rows_with, table_rows=1_000_000)
    assert [g.words for g in wide] == [("zzq",), ("kkj",), ("qqx", "wide")]
    # ... but before that it is, unless commoner than GROUP_CAP_ROWS: then its words are
    # reported as too common, and not searched.
    assert index.word_groups("zzq wide", rows_with, table_rows=1_000_000).too_common == ("wide",)
    alone = index.word_groups("wide", rows_with, table_rows=1_000_000)
    assert alone == []
    assert alone.too_common == ("wide",)


def test_word_groups_with_exact_counts_leave_out_words_in_no_row():
    rows = {"riv": 40, "ive": 90, "ver": 300, "bri": 30, "rid": 50, "idg": 20, "dge": 60}

    def rows_with(grams):  # as SQLite's fts5vocab: a trigram in no row is not listed
        return {g: rows[g] for g in grams if g in rows}

    text = "river bridge zorblat"
    exact = index.word_groups(text, rows_with, table_rows=1000, exact=True)
    estimated = index.word_groups(text, rows_with, table_rows=1000)

    # zorblat is in no row: searched for, its group could only ever match nothing.
    assert [g.words for g in exact] == [("bridge",), ("river",)]
    assert [g.words for g in estimated] == [("zorblat",), ("bridge",), ("river",)]


def test_word_groups_leave_out_short_words_and_share_no_word():
    def rows_with(grams):
        return dict.fromkeys(grams, 0.0)

    groups = index.word_groups(
        "It is as it is, we do: a-ok river bridge RIVER", rows_with, table_rows=10
    )

    assert [g.words for g in groups] == [("bridge",), ("river",)]
    assert index.word_groups("It is as it is, as we do", rows_with, table_rows=10) == []
    many = " ".join(f"w{n:03d}" for n in range(40))
    assert len(index.word_groups(many, rows_with, table_rows=10)) == index.MAX_GROUPS


# --- the index follows every write ---------------------------------------------------------


def test_insert_update_and_delete_keep_the_index_in_step():
    [quote] = quotes_in_one_article(RUSH)
    assert ids(similar_quotes(RUSH)) == [quote.pk]

    reworded = "Nobody will hurry the invented harbour works this winter"
    Attribution.objects.filter(pk=quote.pk).update(text=reworded, end=F("start") + len(reworded))
    fts_integrity_check()
    assert similar_quotes(RUSH) == []
    assert ids(similar_quotes(reworded)) == [quote.pk]

    Attribution.objects.filter(pk=quote.pk).delete()
    fts_integrity_check()
    assert similar_quotes(reworded) == []
    assert candidate_ids(reworded) == []


def test_bulk_created_rows_are_indexed():
    article = ArticleFactory(body=f"{RUSH}. {RUSH}!")
    speaker = SourceFactory()
    created = Attribution.objects.bulk_create(
        Attribution(
            article=article, source=speaker, kind="direct", text=RUSH, start=s, end=s + len(RUSH)
        )
        for s in (0, len(RUSH) + 2)
    )
    fts_integrity_check()

    assert ids(similar_quotes(RUSH)) == sorted(a.pk for a in created)


def test_a_body_edit_that_rewords_a_quote_is_reflected():
    [quote] = quotes_in_one_article(RUSH)
    article = quote.article

    report = article_update_body(article=article, body=article.body.replace("anyone", "anybody"))
    quote.refresh_from_db()

    assert report.counts["fuzzy"] == 1
    assert quote.text == RUSH.replace("anyone", "anybody")
    fts_integrity_check()
    assert similar_quotes(quote.text) == [QuoteMatch(quote.pk, 100.0)]
    assert similar_quotes(RUSH)[0].similarity < 100


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_postgresql_keeps_no_planner_statistics_on_attribution_text():
    """Migration claims/0010: estimating each ILIKE of the candidate query against the
    column's statistics took as long as running the query; none are kept."""
    quotes_in_one_article(RUSH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_attribution")
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'claims_attribution'::regclass AND attname = 'text'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM pg_stats "
            "WHERE tablename = 'claims_attribution' AND attname = 'text'"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_index_is_put_back_when_a_table_remake_dropped_its_triggers():
    # A migration that remakes claims_attribution on SQLite drops its triggers like this
    # (the vocabulary table is dropped too, to see it come back).
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE '%quote_fts%'")
        migrated = sorted(cursor.fetchall())
        for name in index.FTS_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(f"DROP TABLE {index.FTS_VOCAB}")
    [quote] = quotes_in_one_article(RUSH)  # written while the triggers are gone

    assert ids(similar_quotes(RUSH)) == [quote.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE '%quote_fts%'")
        assert sorted(cursor.fetchall()) == migrated  # the same SQL as migration 0003's
    fts_integrity_check()
    assert index.ensure_sqlite_quote_index() is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
def test_postgresql_candidate_query_can_use_the_partial_trigram_index():
    quotes_in_one_article(RUSH)
    with CaptureQueriesContext(connection) as captured:
        candidate_ids(RUSH)
    [query] = [q["sql"] for q in captured.captured_queries if "ILIKE" in q["sql"]]

    with connection.cursor() as cursor:
        # A table this small is read whole; with that ruled out the planner must show
        # that the query fits the index (operator class and partial predicate).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"Bitmap Index Scan on {index.PG_INDEX}" in plan


def test_more_rows_than_are_ranked_reads_the_rare_groups_first_and_says_so(monkeypatch):
    """When the rows matching a quote's word groups are more than MAX_RANKED_ROWS, those
    matching its rarer groups are read first, so its copies are still found, and the
    answer says the candidates were cut and how."""
    rng = random.Random(20261207)
    vocabulary = Vocabulary.invent(rng)
    target = "Zorblatt: we will not rush the bridge"
    # Many quotes sharing the target's commoner words, and the target itself.
    filler = [
        CorpusQuote(f"we will not rush the bridge {' '.join(vocabulary.sample(rng, 6))}", None)
        for _ in range(120)
    ]
    stored = store_corpus([*filler, CorpusQuote(target, 0)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_attribution")
    copy = "“Zorblatt, we will not rush the bridge!”"

    unbounded = similar_quotes(copy)
    assert stored[-1] in ids(unbounded)
    assert unbounded.cut is None

    monkeypatch.setitem(index.terms.MAX_RANKED_ROWS, connection.vendor, 10)
    monkeypatch.setattr(index.terms, "GROUP_MAX_ROWS", 5.0)  # "we will not rush" is common
    monkeypatch.setattr(index.query, "GROUP_MAX_ROWS", 5.0)
    bounded = similar_quotes(copy)

    assert stored[-1] in ids(bounded)
    assert bounded.cut is not None
    assert bounded.cut.ranked == 10
    assert "the first 10 found were" in str(bounded.cut)


def test_a_quote_of_words_too_common_to_search_says_so(monkeypatch):
    """A quote whose words are all in more than GROUP_CAP_ROWS quotes, and whose every
    trigram draws more rows than the budget allows, is not searched for by them (its
    rows would all be read): the answer says which words were left out."""
    rng = random.Random(20261208)
    vocabulary = Vocabulary.invent(rng)
    common = "we will not rush the bridge"
    store_corpus(
        [CorpusQuote(f"{common} {' '.join(vocabulary.sample(rng, 5))}", None) for _ in range(60)]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_attribution")
    # Every word is in every row: too many for a group, and for the budget of trigrams.
    monkeypatch.setattr(index.terms, "GROUP_CAP_ROWS", 20.0)
    monkeypatch.setitem(index.MAX_CANDIDATE_ROWS, connection.vendor, 20)
    monkeypatch.setattr(index.terms, "TERMS_OVERRUN", 1)

    answer = similar_quotes(common)

    assert answer.cut is not None
    assert set(answer.cut.too_common) >= {"will", "rush", "bridge"}
    assert "too common" in str(answer.cut)
    found, _ = index.circulating_quotes(common)
    assert found.cut is not None


def test_quotes_of_rare_words_are_not_cut():
    quotes_in_one_article(RUSH, "An invented mayor will open the zorblatt ferry")
    assert similar_quotes(RUSH).cut is None
    assert similar_quotes("An invented mayor will open the zorblatt ferry!").cut is None


# --- the index against a scan of every quote -----------------------------------------------


def test_index_finds_what_a_full_scan_finds_on_a_generated_corpus():
    """On a few thousand invented quotes with drifted copies, the index finds every copy
    that the full scan finds at 60 or more and every match of 70 or more, with the same
    score and in the same order, and nothing the scan does not find; but for copies of a
    quote of the commonest words whose answer says its candidates were cut (at most one
    query in a hundred)."""
    rng = random.Random(20241124)
    vocabulary = Vocabulary.invent(rng)
    corpus = invented_corpus(rng, vocabulary, families=700, singles=1300)
    stored = store_corpus(corpus)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fills the trigram statistics, so that their use is tested too.
            cursor.execute("ANALYZE claims_attribution")
    # Quotes of one family are copies of each other; a single quote is its own family.
    family_of = {
        pk: ("family", q.family) if q.family is not None else ("single", pk)
        for pk, q in zip(stored, corpus, strict=True)
    }

    # Stored quotes, new drifted copies of them, and new quotes of their own.
    pairs = list(zip(stored, corpus, strict=True))
    queries = []
    for n in range(150):
        pk, original = rng.choice(pairs)
        text = drifted(rng, original.text, vocabulary) if n % 3 else original.text
        queries.append((text, family_of[pk]))
    queries += [(invented_quote(rng, vocabulary), None) for _ in range(50)]

    found = {"copies": [0, 0], "chance 70+": [0, 0], "chance 60-70": [0, 0]}
    cut = 0
    for text, family in queries:
        expected = brute_force_similar_quotes(text)
        got = similar_quotes(text)
        assert set(got) <= set(expected), text  # same ids, same scores
        assert got == [m for m in expected if m in set(got)], text  # same order
        cut += got.cut is not None
        for match in expected:
            if family_of[match.attribution_id] == family:
                band = "copies"
            else:
                band = "chance 70+" if match.similarity >= 70 else "chance 60-70"
            found[band][0] += match in got or got.cut is not None
            found[band][1] += 1
    summary = ", ".join(f"{band} {n}/{total}" for band, (n, total) in found.items())
    print(f"quote index recall on {connection.vendor}: {summary}, {cut} answers cut")

    assert cut <= len(queries) // 100
    assert found["copies"][1] > 200  # the corpus does hold drifted copies to find
    assert found["copies"][0] == found["copies"][1]
    assert found["chance 70+"][0] == found["chance 70+"][1]
    # Unrelated quotes that share a few common words can score 60-70 by chance; such a
    # match competes with every row holding those words for the limit, so some are not
    # among the candidates (about half to three quarters here; see the module docstring
    # of crosscheck.index).


def _planted(rng: random.Random, kind: str, text: str) -> str:
    """A near-duplicate of ``text`` as quotes circulate (the kinds bench/quote_check.py
    plants)."""
    words = text.split()
    if kind == "typo":
        i = rng.randrange(len(words))
        j = rng.randrange(len(words[i]))
        words[i] = words[i][:j] + rng.choice(_LETTERS) + words[i][j + 1 :]
    elif kind == "dropped":
        del words[rng.randrange(len(words))]
    elif kind == "reordered":  # a closing clause moved to the front
        words = words[-3:] + words[:-3]
    elif kind == "trimmed":
        words = words[1:-1]
    elif kind == "punctuation":
        return "“" + text.replace(",", "").rstrip(".!?").lower() + "…”"
    elif kind == "respelled":  # as British and American spellings differ: a letter or two
        i = max(range(len(words)), key=lambda k: len(words[k]))
        words[i] = words[i][:-1] + "our" if words[i][-1] in "or" else words[i] + "e"
    elif kind == "fragment":
        quarter = len(words) // 4
        words = words[quarter : len(words) - quarter]
    return " ".join(words)


def test_planted_near_duplicates_of_every_kind_are_found():
    """Near-duplicates of stored quotes of seven kinds: the index finds everything the
    full scan finds at 90 or more, and the quote each was made from whenever it scores
    60 or more (a middle fragment scores about 67: half the words)."""
    rng = random.Random(20261207)
    vocabulary = Vocabulary.invent(rng)
    corpus = invented_corpus(rng, vocabulary, families=0, singles=1500)
    stored = store_corpus(corpus)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_attribution")
    long_quotes = [
        (pk, q.text)
        for pk, q in zip(stored, corpus, strict=True)
        if not q.unattributed and len(q.text.split()) >= 12
    ]
    kinds = ("typo", "dropped", "reordered", "trimmed", "punctuation", "respelled", "fragment")
    high, origins = [0, 0], {kind: [0, 0] for kind in kinds}
    for n, (pk, text) in enumerate(rng.sample(long_quotes, 140)):
        kind = kinds[n % len(kinds)]
        query = _planted(rng, kind, text)
        expected = {m.attribution_id: m.similarity for m in brute_force_similar_quotes(query)}
        got = {m.attribution_id for m in similar_quotes(query)}
        wanted = {a for a, s in expected.items() if s >= 90}
        high[0] += len(wanted & got)
        high[1] += len(wanted)
        if pk in expected:
            origins[kind][0] += pk in got
            origins[kind][1] += 1

    assert high[1] > 50
    assert high[0] == high[1]
    assert all(total >= 15 for _, total in origins.values()), origins
    assert all(found == total for found, total in origins.values()), origins
