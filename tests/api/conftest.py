"""Fixtures for the API tests: token clients per role, and a small invented world."""

import secrets
import sys
from dataclasses import dataclass

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from access.services import token_expiry, token_issue
from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation, Review
from sources.models import Source
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    OutletFactory,
    ReviewFactory,
    SourceAliasFactory,
    SourceFactory,
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fuzz: schemathesis fuzzing of the whole API (deselect with -m 'not fuzz')"
    )


def pytest_terminal_summary(terminalreporter):
    fuzz = sys.modules.get("tests.api.test_fuzz")
    for role, (cases, failures, seconds) in sorted(getattr(fuzz, "FIGURES", {}).items()):
        terminalreporter.write_line(
            f"schemathesis as {role}: {cases} test cases, {failures} failures, {seconds:.0f} s"
        )


class ReadBeforeWriteClient(APIClient):
    """A client that behaves as the API asks: a PUT, PATCH or DELETE sent without If-Match
    reads the resource first and sends its ETag (as the browsable API does). Tests of
    If-Match itself pass the header, or use a plain APIClient."""

    def _with_etag(self, path, kwargs):
        if "HTTP_IF_MATCH" not in kwargs:
            etag = self.get(path).headers.get("ETag")
            if etag:
                kwargs["HTTP_IF_MATCH"] = etag
        return kwargs

    def put(self, path, data=None, format=None, content_type=None, **kwargs):
        kwargs = self._with_etag(path, kwargs)
        return super().put(path, data, format, content_type, **kwargs)

    def patch(self, path, data=None, format=None, content_type=None, **kwargs):
        kwargs = self._with_etag(path, kwargs)
        return super().patch(path, data, format, content_type, **kwargs)

    def delete(self, path, data=None, format=None, content_type=None, **kwargs):
        kwargs = self._with_etag(path, kwargs)
        return super().delete(path, data, format, content_type, **kwargs)


def issue_key(user) -> str:
    """The key of a new API token for ``user`` (each call issues another)."""
    _token, key = token_issue(
        user=user, name=f"tests {secrets.token_hex(4)}", expires_at=token_expiry()
    )
    return key


def token_client(user) -> APIClient:
    client = ReadBeforeWriteClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_key(user)}")
    return client


@pytest.fixture
def anon_api(db):
    return APIClient()


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def factchecker_api(factchecker):
    return token_client(factchecker)


@pytest.fixture
def reader_api(reader):
    return token_client(reader)


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of every tracker model (history tables aside), to show a refused write
    changed nothing."""
    snapshot = {}
    for label in ("articles", "sources", "claims", "crosscheck", "suggestions"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    return snapshot


@dataclass
class World:
    """One invented row of every kind, linked together."""

    outlet: Outlet
    wire: Outlet
    article: Article
    organization: Source
    person: Source
    anonymous: Source
    claim: Claim
    other_claim: Claim
    attribution: Attribution
    metadata_span: MetadataSpan
    relation: ClaimRelation
    review: Review


@pytest.fixture
def world(db) -> World:
    outlet = OutletFactory(name="Invented Quellbridge Courier")
    wire = OutletFactory(name="Invented Wire Service", kind=Outlet.Kind.WIRE_AGENCY)
    article = ArticleFactory(outlet=outlet, origin_outlet=wire)
    organization = OrganizationFactory(name="Invented Quellbridge Council")
    person = SourceFactory(name="Ilse Varnok", affiliation=organization, role="mayor")
    SourceAliasFactory(source=person, name="Varnok")
    anonymous = AnonymousSourceFactory(article=article)
    claim = ClaimFactory()
    other_claim = ClaimFactory()
    attribution = AttributionFactory(article=article, source=person, claim=claim)
    return World(
        outlet=outlet,
        wire=wire,
        article=article,
        organization=organization,
        person=person,
        anonymous=anonymous,
        claim=claim,
        other_claim=other_claim,
        attribution=attribution,
        metadata_span=MetadataSpanFactory(article=article),
        relation=ClaimRelationFactory(from_claim=claim, to_claim=other_claim),
        review=ReviewFactory(claim=claim),
    )
