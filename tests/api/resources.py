"""Valid payloads for every API resource, shared by the permission matrix and the
concurrency tests. Everything they make is invented."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from articles.models import Article, Correction, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation, Review
from crosscheck.models import Finding
from sources.models import MergeSuggestion, Source
from suggestions.models import AcceptJob, ClaimLink, Suggestion
from tests.api.conftest import World
from tests.factories import (
    INVENTED_BODY,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    MetadataSpanFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
)

METHODS = ("list", "retrieve", "create", "update", "partial_update", "destroy")
WRITES = frozenset({"create", "update", "partial_update", "destroy"})


@dataclass(frozen=True)
class Resource:
    """How to exercise one registered viewset: a row to act on, valid payloads, the
    methods it offers, and which writes fact-checkers may make (editors make all)."""

    model: type
    make: Callable[[World], Any]
    create: Callable[[World], dict] | None = None
    update: Callable[[World], dict] | None = None
    partial_update: Callable[[World], dict] | None = None
    methods: frozenset[str] = frozenset(METHODS)
    factchecker_writes: frozenset[str] = frozenset()


RESOURCES = {
    "outlets": Resource(
        model=Outlet,
        make=lambda w: OutletFactory(name="Invented Harbour Herald"),
        create=lambda w: {"name": "Invented Ferry Times", "kind": "online", "domain": "ft.example"},
        update=lambda w: {"name": "Invented Ferry Post", "kind": "broadcaster", "domain": ""},
        partial_update=lambda w: {"domain": "patched.example"},
    ),
    "articles": Resource(
        model=Article,
        make=lambda w: ArticleFactory(outlet=w.outlet),
        create=lambda w: {
            "outlet": w.outlet.pk,
            "headline": "Invented ferry strike ends",
            "url": "https://ft.example/ferry-strike",
            "body": "The invented ferry union said on Friday that the strike was over.",
        },
        update=lambda w: {
            "outlet": w.wire.pk,
            "origin_outlet": None,
            "headline": "Invented bridge report, corrected",
            "url": "https://ft.example/bridge-corrected",
            "body": INVENTED_BODY,
            "status": "annotated",
        },
        partial_update=lambda w: {"status": "reviewed"},
    ),
    "sources": Resource(
        model=Source,
        make=lambda w: SourceFactory(name="Oskar Tellmar"),
        create=lambda w: {
            "kind": "person",
            "name": "Mira Castellane",
            "role": "harbour master",
            "role_type": "official",
            "affiliation": w.organization.pk,
            "aliases": ["Castellane"],
        },
        update=lambda w: {
            "kind": "organization",
            "name": "Invented Ferry Union",
            "role_type": "",
            "aliases": [],
        },
        partial_update=lambda w: {
            "role": "spokesman",
            "role_type": "spokesperson",
            "aliases": ["O. Tellmar", "Tellmar"],
        },
    ),
    "metadata-spans": Resource(
        model=MetadataSpan,
        make=lambda w: MetadataSpanFactory(article=w.article, kind="other", text="Monday"),
        create=lambda w: {"article": w.article.pk, "kind": "dateline", "text": "June"},
        update=lambda w: {
            "article": w.article.pk,
            "kind": "sourcing_note",
            "text": "who asked not to be named",
            "start": None,
            "end": None,
        },
        partial_update=lambda w: {"kind": "heading"},
    ),
    "corrections": Resource(
        model=Correction,
        make=lambda w: Correction.objects.create(
            article=w.article,
            published_at="2031-05-03T10:00:00Z",
            what_changed="Invented: the mayor's title was corrected.",
        ),
        create=lambda w: {
            "article": w.article.pk,
            "published_at": "2031-05-04T09:00:00Z",
            "what_changed": "Invented: the month was corrected.",
            "note": "An earlier version gave the wrong month.",
        },
        update=lambda w: {
            "article": w.article.pk,
            "published_at": "2031-05-04T09:30:00Z",
            "what_changed": "Invented: the month was corrected again.",
            "note": "",
        },
        partial_update=lambda w: {"note": "Invented: notice reworded."},
    ),
    "claims": Resource(
        model=Claim,
        make=lambda w: ClaimFactory(),
        create=lambda w: {"text": "The invented ferry strike is over.", "event_date": "2031-05-02"},
        update=lambda w: {"text": "The invented strike ended.", "event_date": None, "notes": "ok"},
        partial_update=lambda w: {"notes": "checked twice"},
    ),
    "attributions": Resource(
        model=Attribution,
        make=lambda w: AttributionFactory(
            article=w.article, source=w.person, claim=w.claim, text="bridge would reopen in June"
        ),
        create=lambda w: {
            "article": w.article.pk,
            "source": w.anonymous.pk,
            "kind": "indirect",
            "text": "the repairs were behind schedule",
            "cue": "said",
            "channel": "interview",
        },
        update=lambda w: {
            "article": w.article.pk,
            "source": w.person.pk,
            "claim": w.other_claim.pk,
            "kind": "mixed",
            "text": "the river bridge would reopen in June",
            "start": None,
            "end": None,
            "cue": "said",
        },
        partial_update=lambda w: {"is_reviewed": True},
    ),
    "claim-relations": Resource(
        model=ClaimRelation,
        make=lambda w: ClaimRelationFactory(
            from_claim=w.other_claim, to_claim=w.claim, kind="refines"
        ),
        create=lambda w: {
            "from_claim": w.other_claim.pk,
            "to_claim": w.claim.pk,
            "kind": "contradicts",
            "note": "Different invented dates.",
        },
        update=lambda w: {
            "from_claim": w.claim.pk,
            "to_claim": w.other_claim.pk,
            "kind": "same_as",
            "note": "Same invented event.",
        },
        partial_update=lambda w: {"note": "Reworded."},
        factchecker_writes=WRITES,
    ),
    "reviews": Resource(
        model=Review,
        make=lambda w: ReviewFactory(claim=w.other_claim),
        create=lambda w: {"claim": w.claim.pk, "rating": "false", "summary": "Invented: no."},
        update=lambda w: {
            "claim": w.other_claim.pk,
            "rating": "unproven",
            "summary": "Invented: cannot tell.",
            "url": "https://checks.example/reviews/1",
        },
        partial_update=lambda w: {"rating": "mostly_false"},
        # Fact-checkers write reviews; this row is nobody's, so only an editor may change
        # it (tests/api/test_authorship.py: a fact-checker changes their own).
        factchecker_writes=frozenset({"create"}),
    ),
}


def make_finding(w: World) -> Finding:
    finding = Finding.objects.create(
        kind=Finding.Kind.SINGLE_SOURCE,
        key=f"single_source:claim={w.claim.pk}",
        summary="Invented: one source.",
        details={"groups": []},
    )
    finding.claims.add(w.claim)
    finding.attributions.add(w.attribution)
    return finding


RESOURCES["findings"] = Resource(
    model=Finding,
    make=make_finding,
    partial_update=lambda w: {"state": "confirmed", "note": "Invented: checked."},
    # Findings are the engine's: nobody creates, replaces or deletes them through the API.
    methods=frozenset({"list", "retrieve", "partial_update"}),
    factchecker_writes=frozenset({"update", "partial_update"}),
)


def make_suggestion(w: World) -> Suggestion:
    return Suggestion.objects.create(
        article=w.article,
        kind="indirect",
        text="the repairs were behind schedule",
        cue="said",
        speaker_mention="A council engineer",
        proposed_source={
            "key": "a-council-engineer",
            "kind": "anonymous",
            "name": "",
            "description": "A council engineer",
            "role": "engineer",
            "anonymity_reason": "",
            "aliases": [],
        },
        proposed_key="a-council-engineer",
    )


RESOURCES["suggestions"] = Resource(
    model=Suggestion,
    make=make_suggestion,
    partial_update=lambda w: {"cue": "told", "note": "Invented: checked."},
    # Suggestions are the extractor's: made by /api/articles/{id}/suggest/, reviewed with
    # PATCH and the accept and reject routes.
    methods=frozenset({"list", "retrieve", "partial_update"}),
)


def make_claim_link(w: World) -> ClaimLink:
    attribution = AttributionFactory(article=w.article, source=w.person, claim=None)
    return ClaimLink.objects.create(
        attribution=attribution, claim=w.claim, score=0.8, evidence={"shared": ["rush"]}
    )


RESOURCES["claim-links"] = Resource(
    model=ClaimLink,
    make=make_claim_link,
    # The claim matcher's: reviewed with the accept and reject routes only.
    methods=frozenset({"list", "retrieve"}),
)


def make_merge_suggestion(w: World) -> MergeSuggestion:
    duplicate = SourceFactory(name="Invented Varnok")
    return MergeSuggestion.objects.create(
        keep=w.person,
        duplicate=duplicate,
        keep_name=w.person.name,
        duplicate_name=duplicate.name,
        confidence=0.7,
        reason="surname only",
    )


RESOURCES["merge-suggestions"] = Resource(
    model=MergeSuggestion,
    make=make_merge_suggestion,
    # Made by the resolver and the duplicate finder; reviewed with accept and reject only.
    methods=frozenset({"list", "retrieve"}),
)

RESOURCES["accept-jobs"] = Resource(
    model=AcceptJob,
    make=lambda w: AcceptJob.objects.create(article_ids=[w.article.pk]),
    # Started by /api/suggestions/accept-all/; read only.
    methods=frozenset({"list", "retrieve"}),
)

# Routes that only read, with the row whose id goes in the URL.
READ_ONLY_ROUTES: dict[str, Callable[[World], str]] = {
    "claim-attributions": lambda w: f"/api/claims/{w.claim.pk}/attributions/",
    "article-attributions": lambda w: f"/api/articles/{w.article.pk}/attributions/",
    "source-statements": lambda w: f"/api/sources/{w.person.pk}/statements/",
    "claim-crosscheck-check": lambda w: f"/api/claims/{w.claim.pk}/check/",
    "attribution-crosscheck-check": lambda w: f"/api/attributions/{w.attribution.pk}/check/",
    "attribution-crosscheck-compare": (
        lambda w: f"/api/attributions/compare/?a={w.attribution.pk}&b={w.attribution.pk}"
    ),
    "article-sourcing": lambda w: f"/api/articles/{w.article.pk}/sourcing/",
    "crosscheck-status": lambda w: "/api/crosscheck/status/",
    "attribution-export-csv": lambda w: "/api/attributions/export.csv",
}

# Routes that answer a question sent with POST and store nothing.
QUERY_ROUTES: dict[str, Callable[[World], tuple[str, dict]]] = {
    "quote-check": lambda w: (
        "/api/quote-check/",
        {"text": "We will not rush it at all", "source": "Varnok"},
    ),
    "extract": lambda w: ("/api/extract/", {"text": INVENTED_BODY}),
}

# Routes that store something when sent a POST (editors only), with the status they answer.
WRITE_ROUTES: dict[str, Callable[[World], tuple[str, dict, int]]] = {
    "article-suggest": lambda w: (f"/api/articles/{w.article.pk}/suggest/", {}, 200),
    "suggestion-accept": lambda w: (
        f"/api/suggestions/{make_suggestion(w).pk}/accept/",
        {"claim": w.claim.pk},
        201,
    ),
    "suggestion-reject": lambda w: (
        f"/api/suggestions/{make_suggestion(w).pk}/reject/",
        {"note": "Invented: not speech."},
        200,
    ),
    "mergesuggestion-accept": lambda w: (
        f"/api/merge-suggestions/{make_merge_suggestion(w).pk}/accept/",
        {},
        200,
    ),
    "mergesuggestion-reject": lambda w: (
        f"/api/merge-suggestions/{make_merge_suggestion(w).pk}/reject/",
        {},
        200,
    ),
    "suggestion-accept-all": lambda w: (
        "/api/suggestions/accept-all/",
        {"suggestions": [make_suggestion(w).pk]},
        202,
    ),
    "claimlink-accept": lambda w: (f"/api/claim-links/{make_claim_link(w).pk}/accept/", {}, 200),
    "claimlink-reject": lambda w: (f"/api/claim-links/{make_claim_link(w).pk}/reject/", {}, 200),
    "attribution-suggest-claim": lambda w: (
        f"/api/attributions/{AttributionFactory(article=w.article, claim=None).pk}/suggest-claim/",
        {},
        200,
    ),
}
