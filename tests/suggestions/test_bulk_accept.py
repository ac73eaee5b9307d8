"""Accepting suggestions in bulk: the command, one transaction per suggestion, a failing
record reported while the rest go on, claim suggestions for what was accepted."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.models import Attribution, Claim
from sources.models import Source
from suggestions.bulk import accept_in_bulk, pending_suggestions
from suggestions.models import Suggestion
from suggestions.services import suggest_attributions
from tests.factories import ArticleFactory

SEED_TEXT = (Path(__file__).parents[2] / "seeds" / "baghouz-2019-03-13.txt").read_text()

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article(editor):
    article = ArticleFactory(body=SEED_TEXT, url="")
    suggest_attributions(article=article, user=editor)
    return article


def _break_one(article) -> Suggestion:
    """A suggestion whose proposed speaker cannot validate (a kind that does not exist)."""
    broken = Suggestion.objects.filter(article=article, source__isnull=True).first()
    Suggestion.objects.filter(pk=broken.pk).update(proposed_source={"kind": "martian"})
    others = Suggestion.objects.filter(proposed_key=broken.proposed_key).exclude(pk=broken.pk)
    others.update(proposed_key="")
    return broken


def test_bulk_accept_goes_on_past_a_failing_record(article, editor):
    broken = _break_one(article)
    pending = Suggestion.objects.filter(article=article).count()
    report = accept_in_bulk(pending_suggestions(), user=editor)
    assert report.selected == pending
    assert report.accepted == pending - 1
    assert [pk for pk, _ in report.failed] == [broken.pk]
    assert "valid kind" in report.failed[0][1]
    broken.refresh_from_db()
    assert broken.state == Suggestion.State.PENDING
    assert Attribution.objects.filter(article=article).count() == pending - 1
    # The archive was empty: every source is one the run created; the other acceptances
    # attached a speaker created earlier in the run.
    assert report.sources_created == Source.objects.count()
    assert report.sources_created + report.sources_attached == report.accepted
    linked = Attribution.objects.filter(article=article, claim__isnull=False)
    assert linked.count() == report.claims_created + report.claims_linked
    assert report.claims_created == Claim.objects.count()
    assert all(a.claim_is_suggested for a in linked)


def test_the_command_reports_and_exits_non_zero_on_a_failure(article, editor):
    _break_one(article)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 suggestion"):
        call_command("accept_suggestions", user=editor.username, stdout=out, stderr=err)
    assert "accepted (1 failed, 0 left" in out.getvalue()
    assert re.search(r"sources: \d+ created, \d+ already in the archive", out.getvalue())
    assert "valid kind" in err.getvalue()
    assert Attribution.objects.filter(article=article).exists()


def test_a_dry_run_stores_nothing_and_says_what_would_happen(article):
    before = (Attribution.objects.count(), Source.objects.count(), Claim.objects.count())
    out = StringIO()
    call_command("accept_suggestions", dry_run=True, stdout=out, stderr=StringIO())
    assert "would be accepted" in out.getvalue()
    assert (Attribution.objects.count(), Source.objects.count(), Claim.objects.count()) == before
    assert not Suggestion.objects.exclude(state="pending").exists()


def test_filters_select_the_suggestions(article, editor):
    other = ArticleFactory(body=SEED_TEXT, url="https://example.org/other")
    suggest_attributions(article=other, user=editor)
    call_command("accept_suggestions", article=[other.pk], no_claims=True, stdout=StringIO())
    assert not Suggestion.objects.filter(article=other, state="pending").exists()
    assert Suggestion.objects.filter(article=article, state="pending").exists()
    assert not Claim.objects.exists()
    high = pending_suggestions(min_confidence=0.8).count()
    assert 0 < high < pending_suggestions().count()
    assert pending_suggestions(since=article.created_at.replace(year=2100)).count() == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"article": [999999]}, "No article with id 999999"),
        ({"min_confidence": 2.0}, "between 0 and 1"),
        ({"since": "yesterday"}, "not a date"),
        ({"user": "nobody-here"}, "No user named"),
    ],
)
def test_bad_options_are_clear_errors(db, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("accept_suggestions", stdout=StringIO(), **options)
