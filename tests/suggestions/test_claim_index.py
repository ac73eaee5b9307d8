"""The lexical (BM25) index a bulk run ranks claim candidates with: every claim sharing a
statement's rare words is a candidate, not only those a database search returns first
(invented statements)."""

import pytest

from claims.models import Claim
from suggestions.claim_links import ClaimIndex, claim_candidates, claim_link_suggest
from tests.factories import ArticleFactory, AttributionFactory, ClaimFactory

pytestmark = pytest.mark.django_db

TARGET = "The Ostrava ferry to Kell will stop running in May because of the dockers' strike"


def _attribution(text):
    article = ArticleFactory(body=f"Officials spoke on Monday. “{text},” the minister said.")
    return AttributionFactory(article=article, text=text, claim=None)


def test_the_index_ranks_the_claim_sharing_rare_words_first():
    index = ClaimIndex()
    index.add(1, "claim", "The Ostrava ferry timetable was printed again")
    index.add(2, "claim", "Dockers in Kell went on strike over pay")
    index.add(2, "attribution #9", "the strike by dockers in Kell will stop the ferry")
    index.add(3, "claim", "The weather in May was mild")
    # The mean claim length BM25 needs is kept as claims grow, not summed at each search.
    assert index.total_terms == sum(len(terms) for terms in index.terms.values())
    assert index.search("dockers strike in Kell stops the ferry")[0] == 2
    assert index.search("nothing shared here at all") == []
    assert 3 not in index.search("Kell dockers strike", limit=2)


def test_a_claim_beyond_the_database_searchs_first_rows_is_found_with_the_index(editor):
    # Many newer claims hold the statement's names and longest words, so the database
    # search (the newest rows of each word) never reaches the one that says the same thing.
    target = ClaimFactory(text=TARGET)
    for n in range(60):
        ClaimFactory(text=f"Ostrava and Kell dockers strike over ferry notice {n}")
    statement = _attribution(f"{TARGET}, he said")
    assert target.pk not in {c.claim_id for c in claim_candidates(statement.text)}
    index = ClaimIndex.from_archive()
    found = claim_candidates(statement.text, index=index)
    assert found[0].claim_id == target.pk
    outcome = claim_link_suggest(attribution=statement, user=editor, index=index)
    assert outcome.action == "linked"
    assert outcome.claim == target
    # What a run links is added to the index for the statements after it.
    assert (f"attribution #{statement.pk}", statement.text) in index.texts[target.pk]


def test_a_claim_created_in_a_run_is_found_by_the_next_statement(editor):
    index = ClaimIndex.from_archive()
    first = _attribution(TARGET)
    assert claim_link_suggest(attribution=first, user=editor, index=index).action == "created"
    second = _attribution(TARGET.replace("will stop", "is going to stop"))
    outcome = claim_link_suggest(attribution=second, user=editor, index=index)
    assert outcome.action == "linked"
    assert Claim.objects.count() == 1
