"""What the resources and sub-resources return. All data is invented."""

import datetime

import pytest

from articles.models import Article, Outlet
from claims.models import Attribution, Claim
from sources.models import Source
from tests.api.conftest import database_snapshot
from tests.factories import (
    INVENTED_BODY,
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    OutletFactory,
    SourceFactory,
)

QUOTE = "We will not rush it"


def attribution_at(article, text, **kwargs):
    return AttributionFactory(article=article, text=text, **kwargs)


def test_attribution_carries_source_article_and_span(editor_api, world):
    attribution = world.attribution
    start = INVENTED_BODY.index(QUOTE)

    data = editor_api.get(f"/api/attributions/{attribution.pk}/").json()

    assert data["source_name"] == "Ilse Varnok"
    assert data["source_kind"] == "person"
    assert data["article_headline"] == world.article.headline
    assert data["article_url"] == world.article.url
    assert (data["start"], data["end"], data["text"]) == (start, start + len(QUOTE), QUOTE)


def test_attribution_target_is_a_web_annotation_selector_pair(editor_api, world):
    start = INVENTED_BODY.index(QUOTE)
    end = start + len(QUOTE)

    target = editor_api.get(f"/api/attributions/{world.attribution.pk}/").json()["target"]

    assert target["source"] == world.article.url
    position, quote = target["selector"]
    assert position == {"type": "TextPositionSelector", "start": start, "end": end}
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": QUOTE,
        "prefix": INVENTED_BODY[start - 32 : start],
        "suffix": INVENTED_BODY[end : end + 32],
    }


def test_selector_context_is_cut_at_the_ends_of_the_body(editor_api, world):
    first = attribution_at(world.article, "Mayor Ilse Varnok", source=world.person)

    target = editor_api.get(f"/api/attributions/{first.pk}/").json()["target"]

    assert target["selector"][1]["prefix"] == ""
    assert target["selector"][1]["suffix"] == INVENTED_BODY[17:49]


def test_list_detail_and_create_give_the_same_selectors(editor_api, world):
    detail = editor_api.get(f"/api/attributions/{world.attribution.pk}/").json()
    listed = editor_api.get("/api/attributions/").json()["results"]
    created = editor_api.post(
        "/api/attributions/",
        {"article": world.article.pk, "source": world.person.pk, "kind": "direct", "text": QUOTE},
        format="json",
    ).json()

    assert [a["target"] for a in listed if a["id"] == world.attribution.pk] == [detail["target"]]
    assert created["target"]["selector"] == detail["target"]["selector"]


def test_target_of_an_article_without_url_is_its_api_path(editor_api, world):
    article = ArticleFactory(url="")
    attribution = attribution_at(article, QUOTE)

    target = editor_api.get(f"/api/attributions/{attribution.pk}/").json()["target"]

    assert target["source"] == f"/api/articles/{article.pk}/"


def test_orphaned_attribution_has_no_offsets_and_no_selectors(editor_api, world):
    response = editor_api.patch(
        f"/api/articles/{world.article.pk}/",
        {"body": "The invented council said nothing at all on Monday."},
        format="json",
    )

    data = editor_api.get(f"/api/attributions/{world.attribution.pk}/").json()

    assert response.status_code == 200
    assert data["anchor_status"] == "orphaned"
    assert (data["start"], data["end"], data["text"]) == (None, None, QUOTE)
    assert data["target"]["selector"] == []


def test_body_edit_moves_spans_and_the_api_shows_the_new_offsets(editor_api, world):
    new_body = "Updated. " + INVENTED_BODY

    editor_api.patch(f"/api/articles/{world.article.pk}/", {"body": new_body}, format="json")
    data = editor_api.get(f"/api/attributions/{world.attribution.pk}/").json()

    assert new_body[data["start"] : data["end"]] == QUOTE
    assert data["start"] == INVENTED_BODY.index(QUOTE) + len("Updated. ")


def test_article_attributions_are_in_text_order_with_orphans_last(editor_api, world):
    article = world.article
    later = attribution_at(article, "the repairs were behind schedule", source=world.anonymous)
    earlier = attribution_at(article, "Mayor Ilse Varnok", source=world.person)
    orphan = attribution_at(article, "bridge would reopen", source=world.person)
    Attribution.objects.filter(pk=orphan.pk).update(start=None, end=None, anchor_status="orphaned")
    other_article = attribution_at(ArticleFactory(), QUOTE)

    data = editor_api.get(f"/api/articles/{article.pk}/attributions/").json()

    ids = [item["id"] for item in data]
    assert ids == [earlier.pk, world.attribution.pk, later.pk, orphan.pk]
    assert other_article.pk not in ids


def test_source_statements_are_in_time_order_across_articles(editor_api, world):
    source = SourceFactory(name="Invented Harbour Master")

    def statement(said_on, published_at):
        article = ArticleFactory(published_at=published_at)
        return attribution_at(article, QUOTE, source=source, said_on=said_on)

    undated = statement(None, None)
    late = statement(datetime.date(2031, 3, 5), None)
    early = statement(datetime.date(2031, 3, 1), None)
    same_day_published_later = statement(
        datetime.date(2031, 3, 1), datetime.datetime(2031, 3, 2, tzinfo=datetime.UTC)
    )
    same_day_published_earlier = statement(
        datetime.date(2031, 3, 1), datetime.datetime(2031, 3, 1, tzinfo=datetime.UTC)
    )

    data = editor_api.get(f"/api/sources/{source.pk}/statements/").json()

    assert [item["id"] for item in data["results"]] == [
        same_day_published_earlier.pk,
        same_day_published_later.pk,
        early.pk,
        late.pk,
        undated.pk,
    ]
    assert world.attribution.pk not in [item["id"] for item in data["results"]]


def test_source_statements_are_paginated(editor_api, world):
    for _ in range(3):
        attribution_at(ArticleFactory(), QUOTE, source=world.person)

    first = editor_api.get(f"/api/sources/{world.person.pk}/statements/?page_size=3").json()
    second = editor_api.get(first["next"]).json()

    assert len(first["results"]) == 3
    assert len(second["results"]) == 1
    assert second["next"] is None


def test_claim_attributions_are_grouped_by_source(editor_api, world):
    claim = world.claim
    again = attribution_at(ArticleFactory(), QUOTE, source=world.person, claim=claim)
    anonymous = AnonymousSourceFactory(article=world.article)
    by_anonymous = attribution_at(
        world.article, "the repairs were behind schedule", source=anonymous, claim=claim
    )
    unattributed = attribution_at(
        world.article,
        "the repairs were behind schedule",
        source=None,
        claim=claim,
        kind="unattributed",
    )
    attribution_at(world.article, QUOTE, source=world.person, claim=ClaimFactory())

    groups = editor_api.get(f"/api/claims/{claim.pk}/attributions/").json()

    assert [(g["source"], g["source_name"], g["source_kind"]) for g in groups] == [
        (world.person.pk, "Ilse Varnok", "person"),
        (anonymous.pk, "Anonymous: a council engineer", "anonymous"),
        (None, None, None),
    ]
    assert [a["id"] for a in groups[0]["attributions"]] == [world.attribution.pk, again.pk]
    assert [a["id"] for a in groups[1]["attributions"]] == [by_anonymous.pk]
    assert [a["id"] for a in groups[2]["attributions"]] == [unattributed.pk]
    assert groups[0]["attributions"][0]["target"]["selector"][1]["exact"] == QUOTE


@pytest.mark.parametrize(
    "path",
    [
        "/api/claims/{}/attributions/",
        "/api/articles/{}/attributions/",
        "/api/sources/{}/statements/",
    ],
)
def test_sub_resource_of_a_missing_row_is_404(editor_api, world, path):
    response = editor_api.get(path.format(987654))

    assert response.status_code == 404
    assert "detail" in response.json()


def test_article_list_leaves_out_the_body_and_gives_its_length(editor_api, world):
    listed = editor_api.get("/api/articles/").json()["results"][0]
    detail = editor_api.get(f"/api/articles/{world.article.pk}/").json()

    assert "body" not in listed
    assert listed["body_length"] == len(INVENTED_BODY)
    assert listed["outlet_name"] == "Invented Quellbridge Courier"
    assert listed["origin_outlet_name"] == "Invented Wire Service"
    assert detail["body"] == INVENTED_BODY


def test_article_body_is_stored_exactly_as_sent(editor_api, world):
    body = "\n  QUELLBRIDGE (Invented Wire) - The invented ferry resumed.\n"

    response = editor_api.post(
        "/api/articles/",
        {"outlet": world.outlet.pk, "headline": "Ferry", "body": body},
        format="json",
    )

    assert response.status_code == 201
    assert Article.objects.get(pk=response.json()["id"]).body == body


def test_attribution_text_with_surrounding_spaces_is_kept_exactly(editor_api, world):
    text = " Varnok said. "
    start = INVENTED_BODY.index(text)

    response = editor_api.post(
        "/api/attributions/",
        {"article": world.article.pk, "source": world.person.pk, "kind": "direct", "text": text},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["start"], response.json()["text"]) == (start, text)


def test_attribution_located_from_its_text_when_offsets_are_left_out(editor_api, world):
    text = "the repairs were behind schedule"

    data = editor_api.post(
        "/api/attributions/",
        {
            "article": world.article.pk,
            "source": world.anonymous.pk,
            "kind": "indirect",
            "text": text,
        },
        format="json",
    ).json()

    assert INVENTED_BODY[data["start"] : data["end"]] == text


def test_attribution_text_taken_from_offsets_when_left_out(editor_api, world):
    data = editor_api.post(
        "/api/attributions/",
        {
            "article": world.article.pk,
            "source": world.person.pk,
            "kind": "direct",
            "start": 0,
            "end": 5,
        },
        format="json",
    ).json()

    assert data["text"] == "Mayor"


def test_patching_only_the_text_locates_it_again(editor_api, world):
    text = "the river bridge would reopen in June"

    response = editor_api.patch(
        f"/api/attributions/{world.attribution.pk}/", {"text": text}, format="json"
    )

    assert response.status_code == 200
    world.attribution.refresh_from_db()
    assert INVENTED_BODY[world.attribution.start : world.attribution.end] == text


def test_patching_only_the_offsets_takes_the_text_from_the_body(editor_api, world):
    response = editor_api.patch(
        f"/api/metadata-spans/{world.metadata_span.pk}/", {"start": 0, "end": 5}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["text"] == "Mayor"


def test_source_aliases_are_created_and_replaced(editor_api, world):
    created = editor_api.post(
        "/api/sources/",
        {"kind": "person", "name": "Mira Castellane", "aliases": ["Castellane", "M. Castellane"]},
        format="json",
    ).json()
    url = f"/api/sources/{created['id']}/"

    patched = editor_api.patch(url, {"aliases": ["Mira C."]}, format="json").json()

    assert created["aliases"] == ["Castellane", "M. Castellane"]
    assert patched["aliases"] == ["Mira C."]
    assert editor_api.get(url).json()["aliases"] == ["Mira C."]


def test_update_answer_shows_the_stored_row_not_stale_data(editor_api, world):
    """The update response is read back after the write: prefetched aliases and annotated
    selector context would otherwise show the state before the change."""
    text = "the river bridge would reopen in June"

    attribution = editor_api.patch(
        f"/api/attributions/{world.attribution.pk}/", {"text": text}, format="json"
    ).json()
    fetched = editor_api.get(f"/api/attributions/{world.attribution.pk}/").json()

    assert attribution["target"] == fetched["target"]
    start = INVENTED_BODY.index(text)
    assert attribution["target"]["selector"][1]["prefix"] == INVENTED_BODY[start - 32 : start]


def test_claim_shows_its_attribution_count(editor_api, world):
    attribution_at(ArticleFactory(), QUOTE, claim=world.claim)

    data = editor_api.get(f"/api/claims/{world.claim.pk}/").json()
    listed = {c["id"]: c for c in editor_api.get("/api/claims/").json()["results"]}

    assert data["attribution_count"] == 2
    assert listed[world.other_claim.pk]["attribution_count"] == 0


def test_claim_status_is_read_only(editor_api, world):
    response = editor_api.patch(
        f"/api/claims/{world.claim.pk}/", {"status": "corroborated"}, format="json"
    )

    assert response.status_code == 200
    assert Claim.objects.get(pk=world.claim.pk).status == "unsupported"


def test_relation_records_who_made_it(editor_api, editor, world):
    response = editor_api.post(
        "/api/claim-relations/",
        {"from_claim": world.other_claim.pk, "to_claim": world.claim.pk, "kind": "refines"},
        format="json",
    )

    assert response.json()["created_by"] == editor.pk


def test_review_records_its_reviewer_and_rating_value(factchecker_api, factchecker, world):
    response = factchecker_api.post(
        "/api/reviews/",
        {"claim": world.claim.pk, "rating": "mostly_true", "summary": "Invented: mostly."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["reviewer"] == factchecker.pk
    assert response.json()["rating_value"] == 4


def test_reviewing_an_attribution_records_who_and_when(editor_api, editor, world):
    data = editor_api.patch(
        f"/api/attributions/{world.attribution.pk}/", {"is_reviewed": True}, format="json"
    ).json()

    assert data["reviewed_by"] == editor.pk
    assert data["reviewed_at"] is not None


def test_deleting_an_outlet_still_in_use_is_a_409_and_deletes_nothing(editor_api, world):
    before = database_snapshot()

    response = editor_api.delete(f"/api/outlets/{world.outlet.pk}/")

    assert response.status_code == 409
    assert "articles" in response.json()["detail"]
    assert database_snapshot() == before


def test_deleting_a_quoted_source_is_a_409(editor_api, world):
    response = editor_api.delete(f"/api/sources/{world.person.pk}/")

    assert response.status_code == 409
    assert Source.objects.filter(pk=world.person.pk).exists()


def test_deleting_an_unused_outlet_works(editor_api, world):
    outlet = OutletFactory()

    response = editor_api.delete(f"/api/outlets/{outlet.pk}/")

    assert response.status_code == 204
    assert not Outlet.objects.filter(pk=outlet.pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/nowhere/",
        "/api/articles/1.5/attributions/",
        "/api/articles/x/y/z/",
        "/api/articles/%0Aline/attributions/",
    ],
)
def test_unknown_api_path_is_a_json_404(editor_api, world, path):
    response = editor_api.get(path)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_missing_trailing_slash_still_redirects(editor_api, world):
    response = editor_api.get("/api/articles")

    assert response.status_code == 301
    assert response.headers["Location"] == "/api/articles/"


def test_form_encoded_writes_are_refused_as_unsupported(editor_api, world):
    response = editor_api.post("/api/claims/", {"text": "Invented."}, format="multipart")

    assert response.status_code == 415
    assert not Claim.objects.filter(text="Invented.").exists()
