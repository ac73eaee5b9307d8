"""Fixtures for the page tests. Everything but the seed is invented: the town of
Quellbridge, its people and its outlets do not exist."""

from html.parser import HTMLParser

import pytest

from articles.models import Article
from claims.models import Attribution, Claim
from claims.services import attribution_create, claim_relation_create
from crosscheck.models import Finding
from crosscheck.services import Scope, recheck
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, SourceFactory

# What an attacker might put in any text field; every page must show it as text.
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"


def recheck_everything():
    """Run the cross-check over every row (the tests' transaction never commits, so the
    on-commit recheck the signals queue never runs by itself)."""
    return recheck(
        Scope(
            attribution_ids=set(Attribution.objects.values_list("id", flat=True)),
            claim_ids=set(Claim.objects.values_list("id", flat=True)),
        )
    )


@pytest.fixture
def checked_seed(seed) -> Article:
    """The seed article with its findings computed."""
    recheck_everything()
    return seed


@pytest.fixture
def archive(db) -> dict:
    """An invented archive whose cross-check finds a misattribution, a quote drift, a
    numeric conflict and a contradiction."""
    courier = OutletFactory(name="Quellbridge Courier")
    wire = OutletFactory(name="Northmere Wire")
    varnok = SourceFactory(name="Ilse Varnok", role="mayor")
    molder = SourceFactory(name="Kasia Molder", role="opposition leader")
    brenn = SourceFactory(name="Tomas Brenn", role="council spokesman")
    aalt = SourceFactory(name="Juno Aalt", role="paramedic")
    quote = "We will rebuild the river bridge before the winter floods arrive"
    first = ArticleFactory(
        outlet=courier,
        headline="Quellbridge mayor promises new bridge",
        body=f"Mayor Ilse Varnok said: “{quote}.” Council spokesman Tomas Brenn said at "
        "least four workers were injured. The bridge will reopen in June, Varnok said.",
    )
    second = ArticleFactory(
        outlet=wire,
        headline="Bridge works injure workers in Quellbridge",
        body="“We will rebuild the river bridge before the spring floods arrive,” Varnok "
        "said. Paramedic Juno Aalt said three workers were injured.",
    )
    third = ArticleFactory(
        outlet=wire,
        headline="Opposition doubts Quellbridge bridge plan",
        body=f"Opposition leader Kasia Molder said: “{quote}.” Molder said the bridge will "
        "stay closed until next year.",
    )
    injured = ClaimFactory(text="Workers were injured at the invented bridge site.")
    rebuild = ClaimFactory(text="The invented bridge will be rebuilt before the floods.")
    reopen = ClaimFactory(text="The invented bridge reopens in June.")
    closed = ClaimFactory(text="The invented bridge stays closed until next year.")

    def said(article, source, claim, kind, text):
        return attribution_create(
            article=article, source=source, claim=claim, kind=kind, text=text, cue="said"
        )

    rows = {
        "articles": (first, second, third),
        "sources": {"varnok": varnok, "molder": molder, "brenn": brenn, "aalt": aalt},
        "claims": {"injured": injured, "rebuild": rebuild, "reopen": reopen, "closed": closed},
        "varnok_quote": said(first, varnok, rebuild, "direct", quote),
        "brenn_injured": said(
            first, brenn, injured, "indirect", "at least four workers were injured"
        ),
        "varnok_reopen": said(first, varnok, reopen, "indirect", "The bridge will reopen in June"),
        "varnok_drifted": said(
            second,
            varnok,
            rebuild,
            "direct",
            "We will rebuild the river bridge before the spring floods arrive",
        ),
        "aalt_injured": said(second, aalt, injured, "indirect", "three workers were injured"),
        "molder_quote": said(third, molder, None, "direct", quote),
        "molder_closed": said(
            third, molder, closed, "indirect", "the bridge will stay closed until next year"
        ),
    }
    claim_relation_create(from_claim=reopen, to_claim=closed, kind="contradicts")
    recheck_everything()
    return rows


def finding_of(kind: str) -> Finding:
    return Finding.objects.current().get(kind=kind)


class WellFormed(HTMLParser):
    """Checks that every element opened in a fragment is closed in order."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.ok = [], True

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def well_formed(fragment: str) -> bool:
    parser = WellFormed()
    parser.feed(fragment)
    parser.close()
    return parser.ok and not parser.stack
