"""Every invariant is a 400 with a message under the field at fault, and a refused write
changes nothing stored. All data is invented."""

import time

import pytest
from django.db import models
from rest_framework.validators import UniqueValidator

from tests.api.conftest import database_snapshot
from tests.factories import INVENTED_BODY, ArticleFactory, OutletFactory

QUOTE = "We will not rush it"


def _refused_with(status: int, editor_api):
    def send(method: str, url: str, payload) -> dict:
        before = database_snapshot()
        response = getattr(editor_api, method)(url, payload, format="json")
        assert response.status_code == status, response.content
        assert database_snapshot() == before
        return response.json()

    return send


@pytest.fixture
def refused(editor_api, world):
    """Send a write as an editor; assert it is a 400 that changed nothing, and return the
    error body."""
    return _refused_with(400, editor_api)


@pytest.fixture
def conflicting(editor_api, world):
    """Send a write as an editor; assert it is a 409 (well formed, but it refers to a row
    that does not exist or duplicates a stored one) that changed nothing, and return the
    error body."""
    return _refused_with(409, editor_api)


def attribution(world, **fields) -> dict:
    return {
        "article": world.article.pk,
        "source": world.person.pk,
        "kind": "direct",
        "text": QUOTE,
        **fields,
    }


def test_span_that_does_not_match_the_body_is_refused(refused, world):
    start = INVENTED_BODY.index(QUOTE)
    payload = attribution(world, start=start + 1, end=start + 1 + len(QUOTE))

    errors = refused("post", "/api/attributions/", payload)

    assert "text" in errors


def test_text_that_is_not_in_the_body_is_refused(refused, world):
    errors = refused("post", "/api/attributions/", attribution(world, text="We will rush it"))

    assert "does not occur" in errors["text"][0]


def test_text_that_occurs_twice_needs_its_offset(refused, world):
    errors = refused("post", "/api/attributions/", attribution(world, text="said"))

    assert "start" in errors


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (0, len(INVENTED_BODY) + 1, "end"),
        (len(INVENTED_BODY), len(INVENTED_BODY) + 5, "end"),
        (10, 5, "end"),
        (-1, 4, "start"),
        (0, 10**12, "end"),
    ],
)
def test_offsets_outside_the_body_are_refused(refused, world, start, end, field):
    payload = attribution(world, text="", start=start, end=end)

    errors = refused("post", "/api/attributions/", payload)

    assert field in errors


def test_editing_a_span_out_of_the_body_is_refused(refused, world):
    errors = refused(
        "patch",
        f"/api/attributions/{world.attribution.pk}/",
        {"start": 0, "end": len(INVENTED_BODY) + 1},
    )

    assert "end" in errors


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/attributions/", {"kind": "hearsay"}, "kind"),
        ("/api/attributions/", {"channel": "pigeon"}, "channel"),
        ("/api/sources/", {"kind": "celebrity", "name": "Invented Star"}, "kind"),
        ("/api/outlets/", {"name": "Invented Blog", "kind": "blog"}, "kind"),
        ("/api/claim-relations/", {"kind": "likes"}, "kind"),
        ("/api/reviews/", {"rating": "pants_on_fire"}, "rating"),
        ("/api/metadata-spans/", {"kind": "footnote"}, "kind"),
    ],
)
def test_unknown_kind_is_refused(refused, world, url, payload, field):
    errors = refused("post", url, payload)

    assert "is not a valid choice" in errors[field][0]


def test_relation_of_a_claim_to_itself_is_refused(refused, world):
    payload = {"from_claim": world.claim.pk, "to_claim": world.claim.pk, "kind": "supports"}

    errors = refused("post", "/api/claim-relations/", payload)

    assert errors["to_claim"] == ["A claim cannot be related to itself."]


def test_changing_a_relation_to_point_at_itself_is_refused(refused, world):
    errors = refused(
        "patch", f"/api/claim-relations/{world.relation.pk}/", {"to_claim": world.claim.pk}
    )

    assert "to_claim" in errors


def test_duplicate_relation_is_refused(conflicting, world):
    payload = {"from_claim": world.claim.pk, "to_claim": world.other_claim.pk, "kind": "supports"}

    errors = conflicting("post", "/api/claim-relations/", payload)

    assert errors


def test_duplicate_article_url_is_refused(conflicting, world):
    payload = {
        "outlet": world.outlet.pk,
        "headline": "Invented copy",
        "body": "Invented.",
        "url": world.article.url,
    }

    errors = conflicting("post", "/api/articles/", payload)

    assert "already" in errors["url"][0]


def test_changing_an_article_to_a_taken_url_is_refused(conflicting, world):
    other = ArticleFactory()

    errors = conflicting("patch", f"/api/articles/{other.pk}/", {"url": world.article.url})

    assert "url" in errors


def test_duplicate_outlet_name_in_another_case_is_refused(conflicting, world):
    errors = conflicting("post", "/api/outlets/", {"name": world.outlet.name.upper()})

    assert errors


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/outlets/", {"name": "Invented\x00Gazette"}, "name"),
        ("/api/claims/", {"text": "An invented\x00 claim."}, "text"),
        ("/api/sources/", {"kind": "person", "name": "Ilse\x00Varnok"}, "name"),
        (
            "/api/sources/",
            {"kind": "person", "name": "Ilse Varnok", "aliases": ["Var\x00nok"]},
            "aliases",
        ),
        ("/api/reviews/", {"rating": "true", "summary": "In\x00vented."}, "summary"),
    ],
)
def test_nul_byte_in_a_text_field_is_refused(refused, world, url, payload, field):
    if url == "/api/reviews/":
        payload = {**payload, "claim": world.claim.pk}

    errors = refused("post", url, payload)

    assert field in errors
    if field != "aliases":
        # Said once, not once by DRF and again by the model field's validator.
        assert errors[field] == ["Null characters are not allowed."]


@pytest.mark.parametrize("field", ["headline", "body", "byline"])
def test_nul_byte_in_an_article_is_refused(refused, world, field):
    payload = {"outlet": world.outlet.pk, "headline": "Invented", "body": "Invented body."}
    payload[field] = payload.get(field, "") + "\x00"

    errors = refused("post", "/api/articles/", payload)

    assert errors[field] == ["Null characters are not allowed."]


def test_nul_byte_in_an_attribution_text_is_refused(refused, world):
    errors = refused("post", "/api/attributions/", attribution(world, text="We will\x00"))

    assert "text" in errors


def test_body_over_the_configured_limit_is_refused(refused, world, settings):
    settings.TRACKER_MAX_BODY_CHARS = 50
    payload = {"outlet": world.outlet.pk, "headline": "Invented", "body": "x" * 51}

    errors = refused("post", "/api/articles/", payload)

    assert errors["body"] == ["The body has 51 characters; the limit is 50."]


def test_body_at_the_configured_limit_is_accepted(editor_api, world, settings):
    settings.TRACKER_MAX_BODY_CHARS = 50
    payload = {"outlet": world.outlet.pk, "headline": "Invented", "body": "x" * 50}

    assert editor_api.post("/api/articles/", payload, format="json").status_code == 201


def test_editing_a_body_over_the_limit_is_refused_and_spans_stay(refused, world, settings):
    settings.TRACKER_MAX_BODY_CHARS = len(INVENTED_BODY)

    errors = refused("patch", f"/api/articles/{world.article.pk}/", {"body": INVENTED_BODY + "!"})

    assert "body" in errors


def test_body_just_over_the_default_limit_is_refused_quickly(refused, world, settings):
    payload = {
        "outlet": world.outlet.pk,
        "headline": "Invented",
        "body": "x" * (settings.TRACKER_MAX_BODY_CHARS + 1),
    }
    started = time.monotonic()

    errors = refused("post", "/api/articles/", payload)

    assert "body" in errors
    assert time.monotonic() - started < 10


def test_ten_megabyte_body_is_a_400_not_a_500_or_a_hang(editor_api, world):
    payload = {"outlet": world.outlet.pk, "headline": "Invented", "body": "x" * 10_000_000}
    before = database_snapshot()
    started = time.monotonic()

    response = editor_api.post("/api/articles/", payload, format="json")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    # Refused whole by the request size limit, or by the body limit if that is raised.
    assert {"detail", "body"} & set(response.json())
    assert time.monotonic() - started < 10
    assert database_snapshot() == before


def test_anonymous_source_without_article_is_refused(refused, world):
    payload = {"kind": "anonymous", "description": "an invented official"}

    errors = refused("post", "/api/sources/", payload)

    assert errors["article"] == ["An anonymous source belongs to the one article that quotes it."]


def test_official_account_without_platform_is_refused(refused, world):
    payload = {"kind": "official_account", "name": "Invented Council Feed", "handle": "qb"}

    errors = refused("post", "/api/sources/", payload)

    assert errors["platform"] == ["An official account needs its platform."]


def test_named_source_without_name_is_refused(refused, world):
    errors = refused("post", "/api/sources/", {"kind": "person", "description": "a mayor"})

    assert "name" in errors


def test_source_cannot_be_its_own_affiliation(refused, world):
    errors = refused(
        "patch",
        f"/api/sources/{world.organization.pk}/",
        {"affiliation": world.organization.pk},
    )

    assert "affiliation" in errors


def test_anonymous_source_cannot_be_quoted_in_another_article(refused, world):
    other = ArticleFactory()
    payload = attribution(world, article=other.pk, source=world.anonymous.pk)

    errors = refused("post", "/api/attributions/", payload)

    assert "source" in errors


def test_unattributed_statement_with_a_source_is_refused(refused, world):
    errors = refused("post", "/api/attributions/", attribution(world, kind="unattributed"))

    assert "source" in errors


def test_attribution_to_a_missing_article_is_refused(conflicting, world):
    errors = conflicting("post", "/api/attributions/", attribution(world, article=987654))

    assert "article" in errors


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/outlets/", {"name": 0}, "name"),
        ("/api/claims/", {"text": ["An invented claim."]}, "text"),
        ("/api/outlets/", {"name": "\n" + "x" * 200}, "name"),
        ("/api/claims/", {"text": "Invented.", "event_date": "03/01/2031"}, "event_date"),
        ("/api/claims/", {"text": "Invented.", "event_date": 20310301}, "event_date"),
    ],
)
def test_values_of_the_wrong_type_or_size_are_refused(refused, world, url, payload, field):
    errors = refused("post", url, payload)

    assert field in errors


def test_malformed_json_is_a_400(editor_api, world):
    response = editor_api.generic(
        "POST", "/api/claims/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


def test_database_unique_violation_is_a_409_not_a_500(editor_api, world, monkeypatch):
    """If the model's own checks miss a race (two requests taking one URL at once), the
    database's unique constraint refuses the second, and the API answers 409."""
    monkeypatch.setattr(models.Model, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr(UniqueValidator, "__call__", lambda self, value, field: None)
    payload = {
        "outlet": world.outlet.pk,
        "headline": "Invented copy",
        "body": "Invented.",
        "url": world.article.url,
    }
    before = database_snapshot()

    response = editor_api.post("/api/articles/", payload, format="json")

    assert response.status_code == 409
    assert "non_field_errors" in response.json()
    assert database_snapshot() == before
    assert editor_api.get("/api/articles/").status_code == 200


def test_check_constraint_violation_on_update_is_a_400(editor_api, world, monkeypatch):
    monkeypatch.setattr(models.Model, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr("claims.models.ClaimRelation.clean", lambda self: None)
    before = database_snapshot()

    response = editor_api.patch(
        f"/api/claim-relations/{world.relation.pk}/", {"to_claim": world.claim.pk}, format="json"
    )

    assert response.status_code == 400
    assert database_snapshot() == before


def test_rejected_update_leaves_the_row_and_its_etag_unchanged(editor_api, world):
    url = f"/api/outlets/{world.outlet.pk}/"
    etag = editor_api.get(url).headers["ETag"]
    OutletFactory(name="Invented Taken Name")

    response = editor_api.patch(url, {"name": "invented taken name"}, format="json")

    assert response.status_code == 409
    assert editor_api.get(url).headers["ETag"] == etag
