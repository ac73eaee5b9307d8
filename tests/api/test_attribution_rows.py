"""Attributions shaped from rows (``claims.serializers.attribution_row``) give exactly the
JSON that AttributionSerializer's fields give one by one, for every kind of row: with and
without source, claim, recipient, offsets, URL, review; in a time zone other than UTC. All
data is invented."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from claims.models import Attribution
from claims.serializers import AttributionSerializer
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    OrganizationFactory,
    OutletFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(settings, editor):
    """Attributions of every shape the rows must reproduce."""
    settings.TIME_ZONE = "America/St_Johns"  # a half-hour offset from UTC
    plain = ArticleFactory(url="")
    retracted = ArticleFactory(retracted_at=timezone.now(), retraction_note="Invented.")
    rows = [
        AttributionFactory(article=plain),
        AttributionFactory(
            article=retracted,
            source=SourceFactory(affiliation=OrganizationFactory()),
            claim=None,
            recipient=OutletFactory(),
            said_on=date(2031, 2, 28),
            said_when_text="late on Tuesday",
            channel="interview",
            cue="told",
            speaker_mention="she",
            note="An invented note.",
        ),
        AttributionFactory(article=plain, source=AnonymousSourceFactory(article=plain)),
        AttributionFactory(
            article=retracted,
            source=None,
            kind=Attribution.Kind.UNATTRIBUTED,
            claim_is_suggested=True,
            claim_link_score=0.8125,
        ),
    ]
    orphan = AttributionFactory(article=retracted)
    reviewed_at = datetime(2031, 3, 1, 12, 30, 15, 250000, tzinfo=timezone.get_fixed_timezone(0))
    Attribution.objects.filter(pk=orphan.pk).update(
        start=None, end=None, anchor_status="orphaned", is_reviewed=True,
        reviewed_by=editor, reviewed_at=reviewed_at, is_suggested=True,
    )  # fmt: skip
    Attribution.objects.filter(pk=rows[0].pk).update(
        updated_at=timezone.now() - timedelta(days=400)
    )
    return [*rows, orphan]


def field_by_field(queryset) -> list[dict]:
    serializer = AttributionSerializer()
    return [json.loads(json.dumps(serializer.field_by_field(row))) for row in queryset]


def test_the_list_gives_what_the_serializer_fields_give(reader_api, varied):
    expected = field_by_field(Attribution.objects.with_selectors().order_by("-id"))
    response = reader_api.get("/api/attributions/?page_size=200")
    assert response.status_code == 200
    assert response.json()["results"] == expected
    assert len(expected) == len(varied)


@pytest.mark.parametrize("queryset", ["with_selectors", "plain"])
def test_a_single_attribution_gives_what_the_serializer_fields_give(varied, queryset):
    # Without with_selectors the selector's context comes from the article body.
    rows = Attribution.objects.order_by("id")
    if queryset == "with_selectors":
        rows = Attribution.objects.with_selectors().order_by("id")
    serializer = AttributionSerializer()
    for row in rows:
        shaped = json.loads(json.dumps(serializer.to_representation(row)))
        assert shaped == json.loads(json.dumps(serializer.field_by_field(row)))


def test_the_article_and_source_lists_give_the_same_rows(reader_api, varied):
    article = varied[1].article
    expected = field_by_field(Attribution.objects.with_selectors().filter(article=article))
    got = reader_api.get(f"/api/articles/{article.pk}/attributions/").json()
    assert sorted(got, key=lambda row: row["id"]) == sorted(expected, key=lambda row: row["id"])

    source = varied[1].source
    got = reader_api.get(f"/api/sources/{source.pk}/statements/").json()["results"]
    assert got == field_by_field(Attribution.objects.with_selectors().filter(source=source))


def test_cursor_pages_follow_on_from_rows(reader_api):
    article = ArticleFactory()
    for _ in range(5):
        AttributionFactory(article=article, source=SourceFactory(), reviewed_by=UserFactory())
    seen, url = [], "/api/attributions/?page_size=2&ordering=created_at"
    while url:
        page = reader_api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == list(
        Attribution.objects.order_by("created_at", "id").values_list("id", flat=True)
    )
