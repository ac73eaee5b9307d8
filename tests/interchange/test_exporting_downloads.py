"""Attributions as CSV and published reviews as ClaimReview JSON-LD: the functions, the
commands, the feed URL and the CSV download. Everything here is invented."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from pyld import jsonld

from claims.models import Attribution, Review
from claims.services import attribution_create, review_create
from interchange.exporting import CSV_COLUMNS, claimreview_feed, write_attributions_csv
from interchange.exporting.spreadsheet import cell
from sources.models import Source
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    ClaimFactory,
    OrganizationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

FEED_URL = "/feeds/claimreview.json"
CSV_URL = "/api/attributions/export.csv"
SCHEMA = "https://schema.org/"


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def risky():
    """An invented article whose quote, claim and speaker would run as spreadsheet
    formulas if written as they are."""
    article = ArticleFactory(
        headline="Invented council vote, Quellbridge",
        body='The invented clerk wrote =HYPERLINK("http://evil.example","total") on the '
        "board, @quellbridge_clerk said.",
        published_at=datetime(2031, 6, 1, 10, tzinfo=UTC),
    )
    clerk = SourceFactory(name="Edda Quist", role="clerk")
    return attribution_create(
        article=article,
        source=clerk,
        claim=ClaimFactory(text="+1 invented vote was counted twice."),
        kind="direct",
        text='=HYPERLINK("http://evil.example","total")',
        speaker_mention="@quellbridge_clerk",
        cue="said",
        said_on=date(2031, 5, 31),
    )


# CSV


def test_the_csv_has_one_row_per_attribution_with_every_column(invented_archive):
    stream = io.StringIO()

    count = write_attributions_csv(stream)

    rows = read_csv(stream.getvalue())
    assert count == len(rows) == Attribution.objects.count()
    assert list(rows[0]) == CSV_COLUMNS
    quote = invented_archive["varnok_quote"]
    row = next(r for r in rows if r["attribution_id"] == str(quote.pk))
    assert row["article_headline"] == quote.article.headline
    assert row["article_outlet"] == "Quellbridge Courier"
    assert row["source_name"] == "Ilse Varnok"
    assert (row["source_kind"], row["source_role"]) == ("person", "mayor")
    assert row["claim_text"] == quote.claim.text
    assert row["quote_text"] == quote.text
    assert (row["start"], row["end"]) == (str(quote.start), str(quote.end))
    assert (row["kind"], row["stance"], row["anchor_status"]) == ("direct", "asserts", "anchored")


def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped(risky):
    stream = io.StringIO()
    write_attributions_csv(stream)

    (row,) = read_csv(stream.getvalue())

    assert row["quote_text"] == "'" + risky.text
    assert row["claim_text"] == "'+1 invented vote was counted twice."
    assert row["speaker_mention"] == "'@quellbridge_clerk"
    assert row["said_on"] == "2031-05-31"
    assert row["article_published_at"] == "2031-06-01T10:00:00Z"
    assert cell("-3 degrees") == "'-3 degrees"
    assert cell("\tindented") == "'\tindented"
    assert cell("plain") == "plain"
    assert cell(-3) == -3


def test_the_csv_command_filters_by_article_and_writes_a_bom_for_excel(invented_archive, tmp_path):
    path = tmp_path / "attributions.csv"
    article = invented_archive["aalt_injured"].article

    call_command(
        "export_attributions_csv", output=str(path), article=[article.pk], excel=True, verbosity=0
    )

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(raw.decode("utf-8"))
    assert {row["article_id"] for row in rows} == {str(article.pk)}
    assert len(rows) == article.attributions.count()


def test_the_csv_command_writes_to_standard_output(invented_archive):
    out = io.StringIO()

    call_command("export_attributions_csv", stdout=out)

    assert not out.getvalue().startswith("\ufeff")
    assert len(read_csv(out.getvalue())) == Attribution.objects.count()


def test_the_csv_download_honours_the_list_filters(reader_client, invented_archive):
    response = reader_client.get(CSV_URL, {"kind": "direct"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(b"".join(response.streaming_content).decode("utf-8"))
    assert {row["kind"] for row in rows} == {"direct"}
    assert len(rows) == Attribution.objects.filter(kind="direct").count()


def test_the_csv_download_refuses_an_invalid_filter(reader_client, invented_archive):
    response = reader_client.get(CSV_URL, {"kind": "rumour"})

    assert response.status_code == 400
    assert "kind" in response.json()


def test_the_csv_download_for_excel_starts_with_a_bom(reader_client, invented_archive):
    response = reader_client.get(CSV_URL, {"excel": "1"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())


def test_anonymous_visitors_get_no_csv_unless_public_reading(client, settings, invented_archive):
    settings.TRACKER_PUBLIC_READING = False
    assert client.get(CSV_URL).status_code == 401
    settings.TRACKER_PUBLIC_READING = True
    assert client.get(CSV_URL).status_code == 200


@pytest.mark.parametrize("extra", [0, 12])
def test_the_csv_download_reads_a_fixed_number_of_queries(
    reader_client, django_assert_max_num_queries, extra
):
    article = ArticleFactory()
    source = SourceFactory()
    for _ in range(extra + 1):
        attribution_create(
            article=article,
            source=source,
            claim=ClaimFactory(),
            kind="direct",
            text="We will not rush it",
            start=article.body.find("We will not rush it"),
        )

    with django_assert_max_num_queries(6):
        response = reader_client.get(CSV_URL)
        rows = read_csv(b"".join(response.streaming_content).decode("utf-8"))

    assert len(rows) == extra + 1


# ClaimReview


@pytest.fixture
def reviewed(invented_archive, factchecker):
    """Published reviews of invented claims: one with its own URL, one without, one
    unproven; and a draft, which is never in the feed."""
    rebuild = invented_archive["varnok_quote"].claim
    invented_archive["varnok_quote"].article.published_at = datetime(2031, 3, 2, tzinfo=UTC)
    invented_archive["varnok_quote"].article.save()
    council = OrganizationFactory(name="Invented Harbour Board")
    attribution_create(
        article=invented_archive["varnok_drifted"].article,
        source=council,
        claim=rebuild,
        kind="indirect",
        text="Varnok said",
    )
    with_url = review_create(
        claim=rebuild,
        rating=Review.Rating.MOSTLY_FALSE,
        summary="Invented: no budget.",
        published_at=datetime(2031, 5, 2, 8, tzinfo=UTC),
        url="https://checks.example/reviews/bridge",
        user=factchecker,
    )
    without_url = review_create(
        claim=invented_archive["brenn_injured"].claim,
        rating=Review.Rating.UNPROVEN,
        summary="Invented: the figures differ.",
        published_at=datetime(2031, 5, 3, 8, tzinfo=UTC),
        user=factchecker,
    )
    review_create(claim=rebuild, rating="false", summary="Invented draft, unpublished.")
    return with_url, without_url


def by_url(feed: dict) -> dict[str, dict]:
    return {item["url"]: item for item in feed["@graph"]}


def test_each_published_review_is_a_claimreview_with_what_google_requires(
    reviewed, invented_archive, settings
):
    settings.TRACKER_PUBLISHER_NAME = "Quellbridge Fact Desk"
    with_url, _without_url = reviewed

    feed, skipped = claimreview_feed(lambda path: "https://tracker.example" + path)

    assert skipped == []
    assert feed["@context"] == "https://schema.org"
    assert len(feed["@graph"]) == 2
    item = by_url(feed)["https://checks.example/reviews/bridge"]
    assert item["@type"] == "ClaimReview"
    assert item["claimReviewed"] == with_url.claim.text
    assert item["datePublished"] == "2031-05-02"
    assert item["author"] == {"@type": "Organization", "name": "Quellbridge Fact Desk"}
    assert item["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "mostly false",
    }
    claim = item["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert {"@type": "Person", "name": "Ilse Varnok"} in claim["author"]
    assert {"@type": "Organization", "name": "Invented Harbour Board"} in claim["author"]
    urls = [work["url"] for work in claim["appearance"]]
    first = invented_archive["varnok_quote"].article
    assert sorted(urls) == sorted({first.url, invented_archive["varnok_drifted"].article.url})
    assert claim["firstAppearance"]["url"] == first.url
    assert claim["firstAppearance"]["headline"] == first.headline
    assert claim["firstAppearance"]["@type"] == "NewsArticle"


def test_a_review_without_a_url_points_to_its_claim_page(reviewed):
    _with_url, without_url = reviewed

    feed, _skipped = claimreview_feed(lambda path: "https://tracker.example" + path)

    url = f"https://tracker.example/claims/{without_url.claim_id}/"
    item = by_url(feed)[url]
    assert item["reviewRating"]["alternateName"] == "unproven"
    assert "ratingValue" not in item["reviewRating"]


def test_without_a_base_url_a_review_without_its_own_url_is_left_out(reviewed):
    _with_url, without_url = reviewed

    feed, skipped = claimreview_feed()

    assert [s.review for s in skipped] == [without_url]
    assert [item["url"] for item in feed["@graph"]] == ["https://checks.example/reviews/bridge"]


def offline_loader(url, options=None):
    """A JSON-LD document loader that never goes to the network: schema.org's context is
    replaced by a local one mapping every term to the schema.org vocabulary."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the feed asked for a remote document: {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {
            "@context": {"@vocab": SCHEMA, "url": {"@id": SCHEMA + "url", "@type": "@id"}}
        },
    }


def test_the_feed_is_valid_json_ld_with_the_required_properties(reviewed):
    feed, _skipped = claimreview_feed(lambda path: "https://tracker.example" + path)

    expanded = jsonld.expand(json.loads(json.dumps(feed)), {"documentLoader": offline_loader})

    reviews = [node for node in expanded if SCHEMA + "ClaimReview" in node.get("@type", [])]
    assert len(reviews) == 2
    for node in reviews:
        assert node[SCHEMA + "claimReviewed"][0]["@value"]
        assert node[SCHEMA + "url"][0]["@id"].startswith("https://")
        rating = node[SCHEMA + "reviewRating"][0]
        assert rating["@type"] == [SCHEMA + "Rating"]
        assert rating[SCHEMA + "alternateName"][0]["@value"]
        item = node[SCHEMA + "itemReviewed"][0]
        assert item["@type"] == [SCHEMA + "Claim"]
        assert item[SCHEMA + "appearance"]


def test_the_claimreview_command_writes_the_feed(reviewed, tmp_path):
    path = tmp_path / "claimreview.json"
    err = io.StringIO()

    call_command("export_claimreview", output=str(path), stderr=err)

    feed = json.loads(path.read_text(encoding="utf-8"))
    assert len(feed["@graph"]) == 1
    assert f"Left out review {reviewed[1].pk}" in err.getvalue()
    call_command("export_claimreview", output=str(path), base_url="https://tracker.example/")
    assert len(json.loads(path.read_text(encoding="utf-8"))["@graph"]) == 2


def test_the_feed_url_serves_json_ld_to_readers(reader_client, reviewed):
    response = reader_client.get(FEED_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    feed = response.json()
    assert {item["url"] for item in feed["@graph"]} == {
        "https://checks.example/reviews/bridge",
        f"http://testserver/claims/{reviewed[1].claim_id}/",
    }


def test_the_feed_url_needs_a_login_unless_public_reading(client, settings, reviewed):
    settings.TRACKER_PUBLIC_READING = False
    response = client.get(FEED_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

    settings.TRACKER_PUBLIC_READING = True
    assert client.get(FEED_URL).status_code == 200


@pytest.mark.parametrize("extra", [0, 10])
def test_the_feed_reads_a_fixed_number_of_queries(
    reader_client, django_assert_max_num_queries, extra
):
    article = ArticleFactory()
    for _ in range(extra + 1):
        claim = ClaimFactory()
        attribution_create(
            article=article,
            source=AnonymousSourceFactory(article=article),
            claim=claim,
            kind="direct",
            text="We will not rush it",
        )
        review_create(
            claim=claim, rating="true", summary="Invented.", published_at=datetime.now(UTC)
        )

    with django_assert_max_num_queries(7):
        response = reader_client.get(FEED_URL)

    assert len(response.json()["@graph"]) == extra + 1
    assert Source.objects.count() == extra + 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-58800", "maybe", "2"])
def test_csv_download_refuses_a_bad_excel_flag(reader_client, value):
    response = reader_client.get(CSV_URL, {"excel": value})

    assert response.status_code == 400
    assert "excel" in response.json()
