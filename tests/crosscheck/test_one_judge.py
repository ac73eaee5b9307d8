"""One judge per pair: what compare (the API and the page) and the quote check say of two
attributions is what the engine stores, at the thresholds' edges and in the cases compare
used to judge with conditions of its own (a joint statement in one article, paraphrases,
"declined to comment", short quotes, reworded mixed quotes, a wire story's copies)."""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from claims.services import attribution_create
from crosscheck.models import Finding
from crosscheck.services import Scope, recheck
from tests.api.conftest import token_client
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PAIR_KINDS = {Finding.Kind.MISATTRIBUTION, Finding.Kind.QUOTE_DRIFT}
# Similarities exactly at the default thresholds (tests/crosscheck/test_crosscheck_rules.py).
AT_90 = ("fire at the old gate", "fire at the odd gaze")
AT_60 = ("fire at the old gate", "hire on his own gaze")


def article(*texts: str, **extra):
    return ArticleFactory(body=" ".join(f"“{t},” the speaker said." for t in texts), **extra)


def said(text, source, where=None, kind="direct", claim=None):
    return attribution_create(
        article=where or article(text), source=source, claim=claim, kind=kind, text=text
    )


@dataclass
class Case:
    """Two attributions of one claim (so the engine compares them whatever the index
    offers), the settings to judge them with, and what the engine should flag."""

    build: object
    flagged: set = field(default_factory=set)
    settings: dict = field(default_factory=dict)


def two_speakers(texts, kind="direct"):
    claim = ClaimFactory()
    return (
        said(texts[0], SourceFactory(), kind=kind, claim=claim),
        said(texts[1], SourceFactory(), kind=kind, claim=claim),
    )


def one_speaker(texts, kind="direct", one_article=False):
    claim, speaker = ClaimFactory(), SourceFactory()
    shared = article(*texts) if one_article else None
    return (
        said(texts[0], speaker, shared, kind=kind, claim=claim),
        said(texts[1], speaker, shared, kind=kind, claim=claim),
    )


def joint_statement():
    text = "the ferry will not sail before the storm passes"
    claim, shared = ClaimFactory(), article(text)
    return (
        said(text, SourceFactory(), shared, claim=claim),
        said(text, SourceFactory(), shared, claim=claim),
    )


def wire_copies(texts):
    """One anonymous official quoted in two copies of one wire story: each copy has its
    own row for the unnamed source."""
    claim, wire = ClaimFactory(), OutletFactory()
    copies = [article(t, origin_outlet=wire, headline="Ferry halted, invented wire") for t in texts]
    return tuple(
        said(t, AnonymousSourceFactory(article=copy, description="an official"), copy, claim=claim)
        for t, copy in zip(texts, copies, strict=True)
    )


CASES = {
    "misattribution at its threshold": Case(
        lambda: two_speakers(AT_90), {Finding.Kind.MISATTRIBUTION}
    ),
    "misattribution just below its threshold": Case(
        lambda: two_speakers(AT_90), settings={"TRACKER_MISATTRIBUTION_MIN_SIMILARITY": 90.01}
    ),
    "misattribution, the same words": Case(
        lambda: two_speakers(("we will hold the line",) * 2), {Finding.Kind.MISATTRIBUTION}
    ),
    "drift at its threshold": Case(lambda: one_speaker(AT_60), {Finding.Kind.QUOTE_DRIFT}),
    "drift just below its threshold": Case(
        lambda: one_speaker(AT_60), settings={"TRACKER_DRIFT_MIN_SIMILARITY": 60.01}
    ),
    "quotes of exactly the fewest words": Case(
        lambda: two_speakers(("we will win today",) * 2), {Finding.Kind.MISATTRIBUTION}
    ),
    "quotes one word short": Case(
        lambda: two_speakers(("we will win today",) * 2),
        settings={"TRACKER_MIN_QUOTE_WORDS": 5},
    ),
    "short quotes": Case(lambda: two_speakers(("we will win",) * 2)),
    "a joint statement in one article": Case(joint_statement),
    "two paraphrases": Case(lambda: two_speakers(("the ferry halts at dusk",) * 2, "indirect")),
    "two sources declining to comment": Case(
        lambda: two_speakers(("declined to comment on the report",) * 2, "declined")
    ),
    "one source's mixed quotes reworded": Case(lambda: one_speaker(AT_60, "mixed")),
    "one source reworded in one article": Case(lambda: one_speaker(AT_60, one_article=True)),
    "one unnamed source in a wire story's copies": Case(
        lambda: wire_copies(("the ferry will stay in port all week",) * 2)
    ),
    "one unnamed source reworded in a wire story's copies": Case(
        lambda: wire_copies(AT_60), {Finding.Kind.QUOTE_DRIFT}
    ),
}


def engine_flags(a, b) -> set[str]:
    recheck(Scope(attribution_ids={a.pk, b.pk}))
    return set(
        Finding.objects.current()
        .filter(kind__in=PAIR_KINDS, attributions=a)
        .filter(attributions=b)
        .values_list("kind", flat=True)
    )


@pytest.mark.parametrize("name", CASES)
def test_compare_flags_a_pair_exactly_when_the_engine_does(name, settings, reader, client):
    case = CASES[name]
    for setting, value in case.settings.items():
        setattr(settings, setting, value)
    a, b = case.build()
    flagged = engine_flags(a, b)
    assert flagged == case.flagged
    api = token_client(reader).get(f"/api/attributions/compare/?a={a.pk}&b={b.pk}").json()
    assert {api["verdict"]} & PAIR_KINDS == flagged
    reversed_ = token_client(reader).get(f"/api/attributions/compare/?a={b.pk}&b={a.pk}")
    assert reversed_.json()["verdict"] == api["verdict"]
    client.force_login(reader)
    page = client.get(f"{reverse('pages:compare')}?a={a.pk}&b={b.pk}").content.decode()
    assert f"verdict-{api['verdict']}" in page


QUOTE_CASES = {
    "one quote credited to two speakers": (
        lambda: two_speakers(("the ferry will not sail before the storm passes",) * 2),
        "conflicting",
    ),
    "a joint statement in one article": (joint_statement, "attributed"),
    "two sources declining to comment": (
        lambda: two_speakers(("declined to comment on the ferry report",) * 2, "declined"),
        "attributed",
    ),
    "one unnamed source in a wire story's copies": (
        lambda: wire_copies(("the ferry will stay in port all week",) * 2),
        "attributed",
    ),
}


@pytest.mark.parametrize("name", QUOTE_CASES)
def test_the_quote_check_conflicts_exactly_when_the_engine_flags_its_matches(name, reader):
    build, verdict = QUOTE_CASES[name]
    a, b = build()
    flagged = engine_flags(a, b)
    body = token_client(reader).post("/api/quote-check/", {"text": a.text}, format="json").json()
    assert {m["attribution"]["id"] for m in body["matches"]} == {a.pk, b.pk}
    assert body["verdict"] == verdict
    assert (body["verdict"] == "conflicting") == (Finding.Kind.MISATTRIBUTION in flagged)


def test_the_quote_check_with_a_source_conflicts_as_the_engine_would_with_it(reader):
    text = "the ferry will not sail before the storm passes"
    speaker, other = SourceFactory(), SourceFactory()
    said(text, speaker)
    api = token_client(reader)
    asked = {"text": text, "source": speaker.pk}
    assert api.post("/api/quote-check/", asked, format="json").json()["verdict"] == "attributed"
    asked["source"] = other.pk
    body = api.post("/api/quote-check/", asked, format="json").json()
    assert body["verdict"] == "conflicting"
    assert body["explanation"] == "The archive credits these words to someone else."


def test_the_sourcing_profile_judges_anonymity_as_the_engine_does(reader):
    """A claim an anonymous source asserts and a named one declines to comment on rests on
    anonymous sources only (declining supports nothing), and a reason of blanks is no
    reason: the profile says so as the claim's status and the engine's findings do."""
    claim = ClaimFactory()
    anonymous, declined = "the ferry will stay in port", "declined to comment"
    where = article(anonymous, declined)
    unnamed = AnonymousSourceFactory(article=where, anonymity_reason="  ")
    rows = [
        said(anonymous, unnamed, where, kind="indirect", claim=claim),
        said(declined, SourceFactory(), where, kind="declined", claim=claim),
    ]
    recheck(Scope(attribution_ids={a.pk for a in rows}))
    claim.refresh_from_db()
    assert claim.status == "anonymous_only"
    assert Finding.objects.current().filter(kind="unexplained_anonymity", sources=unnamed).exists()
    profile = token_client(reader).get(f"/api/articles/{where.pk}/sourcing/").json()
    assert profile["claims_on_anonymous_sources_only"] == [claim.pk]
    assert profile["unexplained_anonymous_sources"] == [unnamed.pk]
