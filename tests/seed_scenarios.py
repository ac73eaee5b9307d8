"""The seed article plus one invented article, as fact-checkers reported them.

(a) An invented article credits Adnan Afrin's words, word for word, to an invented
    spokesman of an invented brigade and links them to the seed's claim they support.
(b) An invented article says three SDF fighters were killed, linked to the seed's claim
    "At least four SDF fighters were killed".

The outlets, people, organisations and articles made here are invented; the seed is
loaded by the ``seed`` fixture.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from articles.models import Article, Outlet
from claims.models import Attribution, Claim
from claims.services import attribution_create
from crosscheck.services import Scope, recheck
from tests.factories import ArticleFactory, OrganizationFactory, OutletFactory, SourceFactory

AFRIN_QUOTE = (
    "In this small area, for you to make a large advance, you will have to have a lot of casualties"
)
THREE_KILLED = "three SDF fighters were killed"


@dataclass
class Scenario:
    claim: Claim
    original: Attribution  # the seed's attribution
    added: Attribution  # the invented article's


def recheck_everything():
    """The cross-check over every row (a test's transaction never commits, so the
    recheck each write queues for after the commit does not run by itself)."""
    return recheck(
        Scope(
            attribution_ids=set(Attribution.objects.values_list("id", flat=True)),
            claim_ids=set(Claim.objects.values_list("id", flat=True)),
        )
    )


def _invented_article(body: str) -> Article:
    return ArticleFactory(
        outlet=Outlet.objects.filter(name="Invented Levant Daily").first()
        or OutletFactory(name="Invented Levant Daily"),
        headline="Invented report on the Baghouz pocket",
        body=body,
        published_at=datetime(2019, 3, 14, 9, 0, tzinfo=UTC),
    )


def copied_quote(seed: Article) -> Scenario:
    """(a): Afrin's words credited to an invented spokesman."""
    original = Attribution.objects.get(article=seed, text=AFRIN_QUOTE)
    brigade = OrganizationFactory(name="Invented Euphrates Brigade")
    spokesman = SourceFactory(
        name="Karim Invented", role="spokesman", affiliation=brigade, description=""
    )
    article = _invented_article(
        f"“{AFRIN_QUOTE},” Karim Invented, a spokesman for the Invented Euphrates Brigade, "
        "told reporters."
    )
    added = attribution_create(
        article=article,
        source=spokesman,
        claim=original.claim,
        kind="direct",
        text=AFRIN_QUOTE,
        cue="told",
    )
    assert original.claim is not None
    return Scenario(claim=original.claim, original=original, added=added)


def lower_figure(seed: Article) -> Scenario:
    """(b): three killed, linked to "at least four killed"."""
    claim = Claim.objects.get(text__startswith="At least four SDF fighters were killed")
    original = Attribution.objects.get(claim=claim)
    monitor = SourceFactory(name="Lina Invented", role="monitor", description="")
    article = _invented_article(
        f"Lina Invented, an invented casualty monitor, said {THREE_KILLED} on Wednesday."
    )
    added = attribution_create(
        article=article, source=monitor, claim=claim, kind="indirect", text=THREE_KILLED
    )
    return Scenario(claim=claim, original=original, added=added)
