"""Filtering, ordering and pagination of the collections. All data is invented."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    OrganizationFactory,
    OutletFactory,
    ReviewFactory,
    SourceAliasFactory,
    SourceFactory,
)

QUOTE = "We will not rush it"
DAY = datetime.date(2031, 3, 1)


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2031, 3, day, 12, tzinfo=datetime.UTC)


def ids(api, url: str) -> set[int]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def ordered_ids(api, url: str) -> list[int]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- articles -------------------------------------------------------------------------


@pytest.fixture
def articles(db):
    courier = OutletFactory(name="Invented Courier")
    wire = OutletFactory(name="Invented Wire", kind="wire_agency")
    return {
        "wired": ArticleFactory(
            outlet=courier, origin_outlet=wire, published_at=at(2), status="annotated"
        ),
        "ferry": ArticleFactory(
            outlet=wire,
            headline="Invented FERRY strike",
            body="The invented ferry union spoke.",
            published_at=at(5),
            status="reviewed",
            language="fr",
        ),
        "draft": ArticleFactory(outlet=courier, published_at=None),
    }


def test_articles_by_outlet_and_origin(reader_api, articles):
    courier = articles["wired"].outlet.pk
    wire = articles["wired"].origin_outlet.pk

    assert ids(reader_api, f"/api/articles/?outlet={courier}") == {
        articles["wired"].pk,
        articles["draft"].pk,
    }
    assert ids(reader_api, f"/api/articles/?origin_outlet={wire}") == {articles["wired"].pk}


def test_articles_by_publication_date_range(reader_api, articles):
    assert ids(reader_api, "/api/articles/?published_after=2031-03-03T00:00:00Z") == {
        articles["ferry"].pk
    }
    assert ids(reader_api, "/api/articles/?published_before=2031-03-03T00:00:00Z") == {
        articles["wired"].pk
    }
    assert ids(
        reader_api,
        "/api/articles/?published_after=2031-03-02T12:00:00Z&published_before=2031-03-05T12:00:00Z",
    ) == {articles["wired"].pk, articles["ferry"].pk}


def test_articles_by_status_one_or_several(reader_api, articles):
    assert ids(reader_api, "/api/articles/?status=reviewed") == {articles["ferry"].pk}
    assert ids(reader_api, "/api/articles/?status=reviewed&status=draft") == {
        articles["ferry"].pk,
        articles["draft"].pk,
    }


def test_articles_by_language(reader_api, articles):
    assert ids(reader_api, "/api/articles/?language=FR") == {articles["ferry"].pk}


def test_article_text_search_looks_in_headline_and_body_any_case(reader_api, articles):
    assert ids(reader_api, "/api/articles/?q=ferry") == {articles["ferry"].pk}
    assert ids(reader_api, "/api/articles/?q=UNION") == {articles["ferry"].pk}
    assert ids(reader_api, "/api/articles/?q=council+bridge") == {
        articles["wired"].pk,
        articles["draft"].pk,
    }
    assert ids(reader_api, "/api/articles/?q=ferry+bridge") == set()


def test_articles_with_and_without_anonymous_sources(reader_api, articles):
    AnonymousSourceFactory(article=articles["wired"])

    assert ids(reader_api, "/api/articles/?has_anonymous_sources=true") == {articles["wired"].pk}
    assert ids(reader_api, "/api/articles/?has_anonymous_sources=false") == {
        articles["ferry"].pk,
        articles["draft"].pk,
    }


# --- sources --------------------------------------------------------------------------


@pytest.fixture
def sources(db):
    council = OrganizationFactory(name="Invented Quellbridge Council")
    mayor = SourceFactory(name="Ilse Varnok", affiliation=council)
    SourceAliasFactory(source=mayor, name="The Mayor of Quellbridge")
    account = SourceFactory(
        kind="official_account", name="Invented Council Feed", platform="bluesky", handle="qb"
    )
    engineer = AnonymousSourceFactory(description="a council engineer")
    return {"council": council, "mayor": mayor, "account": account, "engineer": engineer}


def test_sources_by_kind(reader_api, sources):
    assert ids(reader_api, "/api/sources/?kind=anonymous") == {sources["engineer"].pk}
    assert ids(reader_api, "/api/sources/?kind=organization&kind=official_account") == {
        sources["council"].pk,
        sources["account"].pk,
    }


def test_sources_by_affiliation_and_platform(reader_api, sources):
    assert ids(reader_api, f"/api/sources/?affiliation={sources['council'].pk}") == {
        sources["mayor"].pk
    }
    assert ids(reader_api, "/api/sources/?platform=bluesky") == {sources["account"].pk}


def test_sources_by_name_description_or_alias_partial_any_case(reader_api, sources):
    assert ids(reader_api, "/api/sources/?name=varn") == {sources["mayor"].pk}
    assert ids(reader_api, "/api/sources/?name=MAYOR+OF") == {sources["mayor"].pk}
    assert ids(reader_api, "/api/sources/?name=engineer") == {sources["engineer"].pk}
    assert ids(reader_api, "/api/sources/?name=council") == {
        sources["council"].pk,
        sources["account"].pk,
        sources["engineer"].pk,
    }


def test_sources_of_one_article(reader_api, sources):
    article = sources["engineer"].article

    assert ids(reader_api, f"/api/sources/?article={article.pk}") == {sources["engineer"].pk}


# --- attributions ---------------------------------------------------------------------


@pytest.fixture
def attributions(db):
    courier = OutletFactory(name="Invented Courier")
    press = OutletFactory(name="Invented Press Agency")
    article = ArticleFactory(outlet=courier)
    other_article = ArticleFactory(outlet=courier)
    mayor = SourceFactory(name="Ilse Varnok")
    engineer = AnonymousSourceFactory(article=article)
    claim = ClaimFactory()
    return {
        "quote": AttributionFactory(
            article=article,
            source=mayor,
            claim=claim,
            cue="said",
            channel="interview",
            recipient=press,
            said_on=DAY,
            is_reviewed=True,
        ),
        "reported": AttributionFactory(
            article=article,
            source=engineer,
            claim=None,
            kind="indirect",
            text="the repairs were behind schedule",
            cue="Said",
            channel="statement",
            said_on=DAY + datetime.timedelta(days=3),
            is_suggested=True,
        ),
        "elsewhere": AttributionFactory(
            article=other_article, source=mayor, claim=claim, cue="told", said_on=None
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source_kind=anonymous", {"reported"}),
        ("source_kind=person&source_kind=anonymous", {"quote", "reported", "elsewhere"}),
        ("kind=indirect", {"reported"}),
        ("kind=direct&kind=mixed", {"quote", "elsewhere"}),
        ("channel=interview", {"quote"}),
        ("channel=statement&channel=interview", {"quote", "reported"}),
        ("cue=said", {"quote", "reported"}),
        ("cue=TOLD", {"elsewhere"}),
        ("said_after=2031-03-02", {"reported"}),
        ("said_before=2031-03-01", {"quote"}),
        ("said_after=2031-03-01&said_before=2031-03-04", {"quote", "reported"}),
        ("is_reviewed=true", {"quote"}),
        ("is_reviewed=false", {"reported", "elsewhere"}),
        ("is_suggested=true", {"reported"}),
        ("is_suggested=0", {"quote", "elsewhere"}),
        ("has_claim=false", {"reported"}),
        ("has_claim=true", {"quote", "elsewhere"}),
        ("q=BEHIND", {"reported"}),
        ("anchor_status=anchored", {"quote", "reported", "elsewhere"}),
        ("anchor_status=orphaned", set()),
    ],
)
def test_attributions_by_field(reader_api, attributions, query, expected):
    assert ids(reader_api, f"/api/attributions/?{query}") == {
        attributions[name].pk for name in expected
    }


def test_attributions_by_related_row(reader_api, attributions):
    quote = attributions["quote"]

    assert ids(reader_api, f"/api/attributions/?article={quote.article_id}") == {
        quote.pk,
        attributions["reported"].pk,
    }
    assert ids(reader_api, f"/api/attributions/?source={quote.source_id}") == {
        quote.pk,
        attributions["elsewhere"].pk,
    }
    assert ids(reader_api, f"/api/attributions/?claim={quote.claim_id}") == {
        quote.pk,
        attributions["elsewhere"].pk,
    }
    assert ids(reader_api, f"/api/attributions/?recipient={quote.recipient_id}") == {quote.pk}


# --- claims, relations, reviews -------------------------------------------------------


def test_claims_by_status_text_date_and_source(reader_api, db):
    bridge = ClaimFactory(text="The invented bridge reopens in June.", event_date=DAY)
    ferry = ClaimFactory(
        text="The invented ferry strike is over.", event_date=DAY + datetime.timedelta(days=9)
    )
    undated = ClaimFactory(text="Invented council budgets rose.")
    mayor = SourceFactory(name="Ilse Varnok")
    AttributionFactory(source=mayor, claim=ferry)
    type(ferry).objects.filter(pk=ferry.pk).update(status="single_source")

    assert ids(reader_api, "/api/claims/?status=single_source") == {ferry.pk}
    assert ids(reader_api, "/api/claims/?status=unsupported&status=contested") == {
        bridge.pk,
        undated.pk,
    }
    assert ids(reader_api, "/api/claims/?q=FERRY") == {ferry.pk}
    assert ids(reader_api, "/api/claims/?event_after=2031-03-05") == {ferry.pk}
    assert ids(reader_api, "/api/claims/?event_before=2031-03-05") == {bridge.pk}
    assert ids(reader_api, f"/api/claims/?source={mayor.pk}") == {ferry.pk}


def test_relations_by_claim_in_either_direction(reader_api, db):
    a, b, c = ClaimFactory(), ClaimFactory(), ClaimFactory()
    ab = ClaimRelationFactory(from_claim=a, to_claim=b)
    bc = ClaimRelationFactory(from_claim=b, to_claim=c, kind="contradicts")

    assert ids(reader_api, f"/api/claim-relations/?claim={b.pk}") == {ab.pk, bc.pk}
    assert ids(reader_api, f"/api/claim-relations/?from_claim={b.pk}") == {bc.pk}
    assert ids(reader_api, f"/api/claim-relations/?to_claim={b.pk}") == {ab.pk}
    assert ids(reader_api, "/api/claim-relations/?kind=contradicts") == {bc.pk}


def test_reviews_by_claim_rating_and_publication(reader_api, db):
    claim = ClaimFactory()
    draft = ReviewFactory(claim=claim, rating="false")
    published = ReviewFactory(rating="true", published_at=at(3))

    assert ids(reader_api, f"/api/reviews/?claim={claim.pk}") == {draft.pk}
    assert ids(reader_api, "/api/reviews/?rating=true") == {published.pk}
    assert ids(reader_api, "/api/reviews/?published=true") == {published.pk}
    assert ids(reader_api, "/api/reviews/?published=false") == {draft.pk}


def test_outlets_and_metadata_spans_filter(reader_api, world):
    assert ids(reader_api, "/api/outlets/?kind=wire_agency") == {world.wire.pk}
    assert ids(reader_api, "/api/outlets/?name=COURIER") == {world.outlet.pk}
    assert ids(reader_api, f"/api/metadata-spans/?article={world.article.pk}&kind=other") == {
        world.metadata_span.pk
    }


def test_empty_filter_value_means_no_filter(reader_api, articles):
    everything = {a.pk for a in articles.values()}

    assert ids(reader_api, "/api/articles/?outlet=&q=&published_after=") == everything
    assert ids(reader_api, "/api/articles/?ordering=&page_size=&cursor=") == everything


# --- bad values -----------------------------------------------------------------------


ID_FILTERS = [
    ("articles", "outlet"),
    ("articles", "origin_outlet"),
    ("sources", "affiliation"),
    ("attributions", "article"),
    ("attributions", "recipient"),
    ("claims", "source"),
    ("claim-relations", "claim"),
]


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("articles", "outlet", "0"),
        ("articles", "outlet", "x"),
        ("articles", "origin_outlet", "0"),
        ("articles", "status", "published"),
        ("articles", "published_after", "yesterday"),
        ("articles", "published_before", "2031-13-01"),
        ("articles", "has_anonymous_sources", "maybe"),
        ("sources", "kind", "celebrity"),
        ("sources", "affiliation", "0"),
        ("sources", "platform", "myspace"),
        ("attributions", "article", "0"),
        ("attributions", "source", "-1"),
        ("attributions", "source_kind", "robot"),
        ("attributions", "claim", "1.5"),
        ("attributions", "kind", "hearsay"),
        ("attributions", "channel", "pigeon"),
        ("attributions", "recipient", "0"),
        ("attributions", "said_after", "soon"),
        ("attributions", "said_before", "03/01/2031"),
        ("attributions", "is_reviewed", "perhaps"),
        ("attributions", "is_suggested", "2"),
        ("attributions", "anchor_status", "lost"),
        ("claims", "status", "true"),
        ("claims", "event_before", "03/01/2031"),
        ("claims", "source", "0"),
        ("claim-relations", "kind", "likes"),
        ("claim-relations", "claim", "0"),
        ("reviews", "rating", "pants_on_fire"),
        ("reviews", "published", "sometimes"),
        ("outlets", "kind", "blog"),
        ("metadata-spans", "kind", "footnote"),
        ("articles", "ordering", "body"),
        ("articles", "ordering", "-id,nonsense"),
        ("articles", "ordering", "id,,"),
        ("sources", "ordering", "affiliation__name"),
        ("articles", "page_size", "0"),
        ("articles", "page_size", "201"),
        ("articles", "page_size", "ten"),
        ("sources/{person}/statements", "page_size", "-3"),
    ],
)
def test_unknown_filter_value_is_a_400_naming_the_parameter(
    reader_api, world, path, parameter, value
):
    path = path.format(person=world.person.pk)

    response = reader_api.get(f"/api/{path}/", {parameter: value})

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize(("path", "parameter"), ID_FILTERS)
def test_an_id_that_no_row_has_matches_nothing(reader_api, world, path, parameter):
    response = reader_api.get(f"/api/{path}/", {parameter: "987654"})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("parameter", ["outlet", "q", "ordering", "page_size"])
def test_single_valued_parameter_given_twice_is_a_400(reader_api, world, parameter):
    response = reader_api.get(f"/api/articles/?{parameter}=1&{parameter}=2")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


# --- ordering and pagination ----------------------------------------------------------


def test_ordering_by_a_listed_field_either_way(reader_api, db):
    b = OutletFactory(name="Invented B")
    a = OutletFactory(name="Invented A")
    c = OutletFactory(name="Invented C")

    assert ordered_ids(reader_api, "/api/outlets/?ordering=name") == [a.pk, b.pk, c.pk]
    assert ordered_ids(reader_api, "/api/outlets/?ordering=-name") == [c.pk, b.pk, a.pk]
    assert ordered_ids(reader_api, "/api/outlets/") == [a.pk, b.pk, c.pk]
    assert ordered_ids(reader_api, "/api/outlets/?ordering=-id") == [c.pk, a.pk, b.pk]


def test_default_order_of_articles_is_newest_first(reader_api, db):
    first, second = ArticleFactory(), ArticleFactory()

    assert ordered_ids(reader_api, "/api/articles/") == [second.pk, first.pk]


def follow_pages(api, url: str) -> list[list[int]]:
    pages = []
    while url:
        data = api.get(url).json()
        pages.append([item["id"] for item in data["results"]])
        url = data["next"]
    return pages


def test_cursor_pages_neither_skip_nor_repeat_rows_with_equal_sort_keys(reader_api, db):
    outlet = OutletFactory()
    same = [ArticleFactory(outlet=outlet, headline="Invented same headline") for _ in range(7)]
    other = ArticleFactory(outlet=outlet, headline="Another invented headline")

    pages = follow_pages(reader_api, "/api/articles/?ordering=headline&page_size=2")

    assert [len(page) for page in pages] == [2, 2, 2, 2]
    flat = [pk for page in pages for pk in page]
    assert flat == [other.pk] + [article.pk for article in same]


def test_ordering_ends_in_the_id_so_equal_keys_keep_one_order(reader_api, db):
    ArticleFactory()

    with CaptureQueriesContext(connection) as captured:
        reader_api.get("/api/articles/?ordering=-headline")

    listing = next(q["sql"] for q in captured.captured_queries if "headline" in q["sql"])
    assert listing.replace('"', "").endswith(
        "ORDER BY sources_article.headline DESC, sources_article.id DESC LIMIT 51"
    )


def test_cursor_pages_can_be_walked_back(reader_api, db):
    articles = [ArticleFactory() for _ in range(5)]

    first = reader_api.get("/api/articles/?page_size=2").json()
    second = reader_api.get(first["next"]).json()
    back = reader_api.get(second["previous"]).json()

    assert first["previous"] is None
    assert [a["id"] for a in back["results"]] == [a["id"] for a in first["results"]]
    assert {a["id"] for a in first["results"] + second["results"]} == {a.pk for a in articles[1:]}


def test_page_size_is_honoured_up_to_200(reader_api, db):
    OutletFactory.create_batch(201)

    one = reader_api.get("/api/outlets/?page_size=1").json()
    full = reader_api.get("/api/outlets/?page_size=200").json()
    default = reader_api.get("/api/outlets/").json()

    assert len(one["results"]) == 1
    assert len(full["results"]) == 200
    assert full["next"] is not None
    assert len(default["results"]) == 50


def test_lists_carry_no_count(reader_api, world):
    data = reader_api.get("/api/articles/").json()

    assert set(data) == {"next", "previous", "results"}


def test_invalid_cursor_is_a_404(reader_api, world):
    response = reader_api.get("/api/articles/?cursor=abc")

    assert response.status_code == 404
