"""The claim page: status and the groups that decided it, supporting and contradicting
attributions side by side, relations, reviews, their forms, and the ClaimReview JSON-LD."""

import json
import re
from datetime import UTC, date, datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from pyld import jsonld

from claims.models import Claim, ClaimRelation, Review
from interchange.exporting import claimreview_feed
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    OrganizationFactory,
    ReviewFactory,
    SourceFactory,
)
from tests.interchange.test_exporting_downloads import SCHEMA, offline_loader

pytestmark = pytest.mark.django_db


def claim_page(client, claim) -> str:
    response = client.get(reverse("pages:claim-detail", args=[claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(content: str, element_id: str) -> str:
    start = content.index(f'id="{element_id}"')
    return content[start : content.index("</section>", start)]


def test_seed_claim_shows_its_status_and_the_one_group_that_decided_it(
    factchecker_client, checked_seed
):
    claim = Claim.objects.get(text__startswith="ISIS staged a counterattack")
    content = claim_page(factchecker_client, claim)
    assert '<span class="status status-single_source">single source</span>' in content
    groups = section(content, "groups")
    assert "1 independent group supports it" in groups
    assert "Syrian Democratic Forces" in groups
    assert "3 attributions from 3 sources" in groups


def test_supporting_and_contradicting_attributions_side_by_side(factchecker_client, archive):
    reopen = archive["claims"]["reopen"]
    content = claim_page(factchecker_client, reopen)
    assert "status-contested" in content
    supporting = section(content, "supporting")
    contradicting = section(content, "contradicting")
    assert "The bridge will reopen in June" in supporting
    assert "Ilse Varnok" in supporting
    closed = archive["claims"]["closed"]
    assert reverse("pages:claim-detail", args=[closed.pk]) in contradicting
    assert "the bridge will stay closed until next year" in contradicting
    assert "Kasia Molder" in contradicting


def test_a_denial_shows_on_the_contradicting_side_with_a_compare_link(factchecker_client):
    article = ArticleFactory()
    claim = ClaimFactory()
    asserted = AttributionFactory(article=article, claim=claim)
    denied = AttributionFactory(
        article=ArticleFactory(), claim=claim, stance="denies", source=SourceFactory()
    )
    content = claim_page(factchecker_client, claim)
    contradicting = section(content, "contradicting")
    assert "denies the claim" in contradicting
    assert f"?a={asserted.pk}&amp;b={denied.pk}" in contradicting


def test_relations_and_reviews_are_listed(factchecker_client, archive, factchecker):
    reopen = archive["claims"]["reopen"]
    ReviewFactory(claim=reopen, summary="The council's own minutes say June.", reviewer=factchecker)
    content = claim_page(factchecker_client, reopen)
    relations = section(content, "relations")
    assert "<strong>contradicts</strong>" in relations
    reviews = section(content, "reviews")
    assert "The council&#x27;s own minutes say June." in reviews
    assert "draft" in reviews


def test_fact_checker_adds_a_relation(factchecker_client, archive, factchecker):
    rebuild, injured = archive["claims"]["rebuild"], archive["claims"]["injured"]
    url = reverse("pages:claim-relation-create", args=[rebuild.pk])
    response = factchecker_client.post(
        url,
        {"relation-kind": "refines", "relation-to_claim": injured.pk, "relation-note": "Why."},
    )
    assert response.status_code == 302
    assert response.url == reverse("pages:claim-detail", args=[rebuild.pk]) + "#relations"
    relation = ClaimRelation.objects.get(from_claim=rebuild, to_claim=injured)
    assert relation.kind == "refines"
    assert relation.created_by == factchecker
    page = factchecker_client.get(response.url).content.decode()
    assert "Recorded: this claim refines claim #" in page


def test_a_relation_names_the_other_claim_by_words_of_its_text(factchecker_client, archive):
    rebuild, injured = archive["claims"]["rebuild"], archive["claims"]["injured"]
    url = reverse("pages:claim-relation-create", args=[rebuild.pk])

    response = factchecker_client.post(
        url,
        {"relation-kind": "refines", "relation-to_claim": "workers injured", "relation-note": ""},
    )

    assert response.status_code == 302
    assert ClaimRelation.objects.filter(from_claim=rebuild, to_claim=injured).exists()


def test_words_matching_several_claims_are_a_form_error_listing_them(factchecker_client, archive):
    rebuild = archive["claims"]["rebuild"]
    url = reverse("pages:claim-relation-create", args=[rebuild.pk])
    before = ClaimRelation.objects.count()

    response = factchecker_client.post(
        url,
        {"relation-kind": "refines", "relation-to_claim": "invented bridge", "relation-note": ""},
    )

    assert response.status_code == 400
    assert "Several claims match:" in response.content.decode()
    assert ClaimRelation.objects.count() == before


def test_relation_form_suggests_claims_from_the_same_articles(factchecker_client, archive):
    reopen = archive["claims"]["reopen"]
    content = claim_page(factchecker_client, reopen)
    assert 'list="related-claims"' in content
    datalist = re.search(r'<datalist id="related-claims">(.*?)</datalist>', content, re.S)
    suggested = {int(v) for v in re.findall(r'<option value="(\d+)"', datalist.group(1))}
    assert suggested == {archive["claims"]["rebuild"].pk, archive["claims"]["injured"].pk}


def test_a_service_error_becomes_a_form_error_and_keeps_the_input(factchecker_client, archive):
    reopen, closed = archive["claims"]["reopen"], archive["claims"]["closed"]
    # closed -> reopen "contradicts" already exists the other way round.
    url = reverse("pages:claim-relation-create", args=[closed.pk])
    response = factchecker_client.post(
        url,
        {
            "relation-kind": "contradicts",
            "relation-to_claim": reopen.pk,
            "relation-note": "Kept note",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The reverse relation &#x27;contradicts&#x27; already exists." in content
    assert "Kept note</textarea>" in content
    assert f'value="{reopen.pk}"' in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"relation-kind": "supports", "relation-to_claim": "999999"}, "No claim has this number."),
        ({"relation-kind": "supports", "relation-to_claim": ""}, "This field is required."),
        ({"relation-kind": "nonsense", "relation-to_claim": "1"}, "Select a valid choice."),
    ],
)
def test_invalid_relation_input_is_a_form_error(factchecker_client, archive, data, message):
    claim = archive["claims"]["rebuild"]
    url = reverse("pages:claim-relation-create", args=[claim.pk])
    response = factchecker_client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_claim_cannot_be_related_to_itself(factchecker_client, archive):
    claim = archive["claims"]["rebuild"]
    url = reverse("pages:claim-relation-create", args=[claim.pk])
    response = factchecker_client.post(
        url, {"relation-kind": "supports", "relation-to_claim": claim.pk}
    )
    assert response.status_code == 400
    assert "A claim cannot be related to itself." in response.content.decode()


def test_a_duplicate_relation_is_a_form_error(factchecker_client, archive):
    rebuild, injured = archive["claims"]["rebuild"], archive["claims"]["injured"]
    url = reverse("pages:claim-relation-create", args=[rebuild.pk])
    data = {"relation-kind": "supports", "relation-to_claim": injured.pk}
    assert factchecker_client.post(url, data).status_code == 302
    response = factchecker_client.post(url, data)
    assert response.status_code == 400
    assert "These claims already have this relation." in response.content.decode()


def test_fact_checker_adds_a_draft_review(factchecker_client, archive, factchecker):
    claim = archive["claims"]["injured"]
    url = reverse("pages:claim-review-create", args=[claim.pk])
    response = factchecker_client.post(
        url, {"review-rating": "mixed", "review-summary": "Four or three: unclear."}
    )
    assert response.status_code == 302
    review = Review.objects.get(claim=claim)
    assert review.reviewer == factchecker
    assert review.published_at is None
    content = claim_page(factchecker_client, claim)
    assert "application/ld+json" not in content


def test_invalid_review_keeps_the_input(factchecker_client, archive):
    claim = archive["claims"]["injured"]
    url = reverse("pages:claim-review-create", args=[claim.pk])
    response = factchecker_client.post(
        url, {"review-rating": "", "review-summary": "Kept summary", "review-url": "not a url"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Kept summary</textarea>" in content
    assert "Enter a valid URL." in content
    assert not Review.objects.exists()


def json_ld(content: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert match, "the page carries ClaimReview JSON-LD"
    return json.loads(match.group(1))


def test_published_review_puts_claim_review_json_ld_in_the_page(
    factchecker_client, archive, settings
):
    settings.TRACKER_PUBLISHER_NAME = "Quellbridge Fact Desk"
    claim = archive["claims"]["injured"]
    url = reverse("pages:claim-review-create", args=[claim.pk])
    factchecker_client.post(
        url,
        {
            "review-rating": "mostly_false",
            "review-summary": "Three, not four.",
            "review-url": "https://factdesk.example/reviews/1",
            "review-publish": "on",
        },
    )
    data = json_ld(claim_page(factchecker_client, claim))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.text
    assert data["url"] == "https://factdesk.example/reviews/1"
    assert data["author"] == {"@type": "Organization", "name": "Quellbridge Fact Desk"}
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "mostly false",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["datePublished"])
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert {a["name"] for a in item["author"]} == {"Tomas Brenn", "Juno Aalt"}
    assert {a["@type"] for a in item["author"]} == {"Person"}
    first, second, _ = archive["articles"]
    assert {a["url"] for a in item["appearance"]} == {first.url, second.url}


def test_json_ld_falls_back_to_the_claim_page_and_the_reader(factchecker_client):
    article = ArticleFactory(url="")
    claim = ClaimFactory()
    AttributionFactory(article=article, claim=claim, source__kind="organization")
    ReviewFactory(claim=claim, rating="unproven", published_at=datetime(2031, 5, 1, tzinfo=UTC))
    data = json_ld(claim_page(factchecker_client, claim))
    assert data["url"] == f"http://testserver{reverse('pages:claim-detail', args=[claim.pk])}"
    assert "ratingValue" not in data["reviewRating"]
    assert data["reviewRating"]["alternateName"] == "unproven"
    assert data["datePublished"] == "2031-05-01"
    assert data["itemReviewed"]["author"][0]["@type"] == "Organization"
    reader = f"http://testserver{reverse('pages:article-detail', args=[article.pk])}"
    work = {"@type": "NewsArticle", "url": reader, "headline": article.headline}
    assert data["itemReviewed"]["appearance"] == [work]
    assert data["itemReviewed"]["firstAppearance"] == work


def test_json_ld_cannot_be_broken_out_of(factchecker_client):
    claim = ClaimFactory(text="</script><script>alert(1)</script> & more")
    AttributionFactory(claim=claim)
    ReviewFactory(claim=claim, published_at=datetime(2031, 5, 1, tzinfo=UTC))
    content = claim_page(factchecker_client, claim)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert "<" not in script.group(1)
    assert json.loads(script.group(1))["claimReviewed"] == claim.text


def test_the_page_json_ld_is_the_feeds_item_for_the_same_review(factchecker_client):
    """One builder: the claim page embeds, with its own ``@context``, exactly the feed's
    ClaimReview for its newest published review, whatever the claim's attributions."""
    claim = ClaimFactory()
    early = ArticleFactory(url="", published_at=datetime(2031, 3, 1, tzinfo=UTC))
    late = ArticleFactory(published_at=datetime(2031, 4, 1, tzinfo=UTC))
    retracted = ArticleFactory(retracted_at=datetime(2031, 4, 9, tzinfo=UTC))
    said = SourceFactory(name="Invented Mayor Ilse Varnok")
    AttributionFactory(article=late, claim=claim, source=said, said_on=date(2031, 3, 30))
    AttributionFactory(article=early, claim=claim, source=OrganizationFactory())
    AttributionFactory(article=late, claim=claim, source=None, kind="unattributed")
    denier = AttributionFactory(article=late, claim=claim, stance="denies")
    declined = AttributionFactory(article=early, claim=claim, kind="declined")
    withdrawn = AttributionFactory(article=retracted, claim=claim)
    ReviewFactory(claim=claim, published_at=datetime(2031, 5, 1, tzinfo=UTC))
    ReviewFactory(claim=claim, rating="false", published_at=datetime(2031, 5, 2, tzinfo=UTC))

    page = json_ld(claim_page(factchecker_client, claim))
    feed, _skipped = claimreview_feed(lambda path: "http://testserver" + path)
    feed = json.loads(json.dumps(feed, cls=DjangoJSONEncoder))

    newest = feed["@graph"][0]
    assert newest["url"] == f"http://testserver{reverse('pages:claim-detail', args=[claim.pk])}"
    assert newest["reviewRating"]["alternateName"] == "false"
    assert page == {"@context": feed["@context"], **newest}
    item = page["itemReviewed"]
    # Who asserts it: not who denies it, declines to comment, or said it in a retracted article.
    names = {author["name"] for author in item["author"]}
    assert said.name in names
    assert not names & {s.source.name for s in (denier, declined, withdrawn)}
    # Where it appeared: every article it is anchored in, earliest published first.
    reader = f"http://testserver{reverse('pages:article-detail', args=[early.pk])}"
    assert [work["url"] for work in item["appearance"]] == [reader, late.url, retracted.url]
    assert item["firstAppearance"]["url"] == reader
    assert item["datePublished"] == "2031-03-30"
    expanded = jsonld.expand(page, {"documentLoader": offline_loader})
    assert expanded[0]["@type"] == [SCHEMA + "ClaimReview"]
