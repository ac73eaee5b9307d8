"""Identifiers and types of role through the API: writing them with the source, errors at
the item, and the filters that find sources, attributions and claims by them. Every person,
organisation and account here is invented."""

import pytest

from sources.models import SourceIdentifier
from tests.factories import (
    AttributionFactory,
    ClaimFactory,
    SourceFactory,
    SourceIdentifierFactory,
)

pytestmark = pytest.mark.django_db


def ids(api, url: str) -> set[int]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_create_with_identifiers_normalises_them_and_answers_with_links(editor_api):
    response = editor_api.post(
        "/api/sources/",
        {
            "kind": "person",
            "name": "Ilse Varnok",
            "role": "mayor",
            "role_type": "official",
            "identifiers": [
                {"scheme": "wikidata", "value": "https://www.wikidata.org/wiki/Q90125"},
                {"scheme": "mastodon", "value": "@IlseVarnok@social.example"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["role_type"] == "official"
    assert data["identifiers"] == [
        {
            "scheme": "mastodon",
            "value": "IlseVarnok@social.example",
            "url": "https://social.example/@IlseVarnok",
        },
        {"scheme": "wikidata", "value": "Q90125", "url": "https://www.wikidata.org/wiki/Q90125"},
    ]
    assert (
        editor_api.get(f"/api/sources/{data['id']}/").json()["identifiers"] == (data["identifiers"])
    )


def test_update_replaces_the_identifiers_and_partial_update_keeps_them(editor_api):
    source = SourceFactory()
    SourceIdentifierFactory(source=source, scheme="twitter", value="QuellCouncil")
    SourceIdentifierFactory(source=source)
    url = f"/api/sources/{source.pk}/"
    response = editor_api.patch(url, {"role_type": "spokesperson"})
    assert response.status_code == 200
    assert len(response.json()["identifiers"]) == 2
    response = editor_api.patch(
        url, {"identifiers": [{"scheme": "twitter", "value": "@quellcouncil"}]}
    )
    assert response.status_code == 200, response.content
    assert [i["value"] for i in response.json()["identifiers"]] == ["quellcouncil"]
    assert source.identifiers.count() == 1


def test_invalid_item_is_a_400_pointing_at_it(editor_api):
    payload = {
        "kind": "person",
        "name": "Ilse Varnok",
        "identifiers": [
            {"scheme": "wikidata", "value": "Q90125"},
            {"scheme": "wikidata", "value": "Ilse"},
            {"scheme": "fax", "value": "555"},
        ],
    }
    response = editor_api.post("/api/sources/", payload)
    assert response.status_code == 400
    # DRF checks each item's fields first: the unknown scheme is reported alone.
    assert response.json()["identifiers"] == {"2": {"scheme": ['"fax" is not a valid choice.']}}
    del payload["identifiers"][2]
    response = editor_api.post("/api/sources/", payload)
    assert response.status_code == 400
    errors = response.json()["identifiers"]
    assert list(errors) == ["1"]
    assert "Q followed by its number" in errors["1"]["value"][0]
    assert not SourceIdentifier.objects.exists()


def test_identifier_of_another_source_is_a_400_naming_it(editor_api):
    holder = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=holder, scheme="wikidata", value="Q90125")
    response = editor_api.post(
        "/api/sources/",
        {
            "kind": "person",
            "name": "I. Varnok",
            "identifiers": [{"scheme": "wikidata", "value": "q90125"}],
        },
    )
    assert response.status_code == 400
    message = response.json()["identifiers"]["0"]["value"][0]
    assert f"already identifies Ilse Varnok (source #{holder.pk})" in message


def test_the_same_identifier_twice_is_a_400_on_the_second(editor_api):
    source = SourceFactory()
    response = editor_api.patch(
        f"/api/sources/{source.pk}/",
        {
            "identifiers": [
                {"scheme": "twitter", "value": "QuellCouncil"},
                {"scheme": "twitter", "value": "https://x.com/quellcouncil"},
            ]
        },
    )
    assert response.status_code == 400
    assert response.json()["identifiers"] == {"1": {"value": ["Listed twice (as item 0 too)."]}}


@pytest.mark.parametrize(
    "identifiers",
    [None, "Q42", [{"scheme": "wikidata"}], [{"scheme": "wikidata", "value": 42}], [["x"]]],
)
def test_malformed_identifiers_are_a_400(editor_api, identifiers):
    response = editor_api.post(
        "/api/sources/", {"kind": "person", "name": "Ilse Varnok", "identifiers": identifiers}
    )
    assert response.status_code == 400
    assert "identifiers" in response.json()


def test_unknown_role_type_is_a_400(editor_api):
    response = editor_api.post(
        "/api/sources/", {"kind": "person", "name": "Ilse Varnok", "role_type": "general"}
    )
    assert response.status_code == 400
    assert "role_type" in response.json()


# --- Filters -----------------------------------------------------------------------------


@pytest.fixture
def identified(db) -> dict:
    varnok = SourceFactory(name="Ilse Varnok", role_type="official")
    SourceIdentifierFactory(source=varnok, scheme="wikidata", value="Q90125")
    SourceIdentifierFactory(source=varnok, scheme="twitter", value="IlseVarnok")
    council = SourceFactory(name="Quellbridge Council", kind="organization", role="")
    SourceIdentifierFactory(source=council, scheme="website", value="https://council.example/")
    fighter = SourceFactory(name="Invented Fighter", role_type="fighter")
    unknown = SourceFactory(name="Invented Bystander")
    return {"varnok": varnok, "council": council, "fighter": fighter, "unknown": unknown}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("identifier=wikidata:Q90125", {"varnok"}),
        ("identifier=wikidata:q90125", {"varnok"}),
        ("identifier=https://www.wikidata.org/wiki/Q90125", {"varnok"}),
        ("identifier=Q90125", {"varnok"}),
        ("identifier=twitter:@ilsevarnok", {"varnok"}),
        ("identifier=@IlseVarnok", {"varnok"}),
        ("identifier=website:www.council.example", {"council"}),
        ("identifier=wikidata:Q1", set()),
        ("has_identifier=wikidata", {"varnok"}),
        ("has_identifier=wikidata&has_identifier=website", {"varnok", "council"}),
        ("role_type=fighter", {"fighter"}),
        ("role_type=fighter&role_type=official", {"fighter", "varnok"}),
        ("role_type=unknown&kind=person", {"unknown"}),
        ("name=Q90125", {"varnok"}),
        ("name=@ilsevarnok", {"varnok"}),
        ("name=council.example", {"council"}),
    ],
)
def test_sources_filter_by_identifier_and_role_type(reader_api, identified, query, expected):
    wanted = {identified[name].pk for name in expected}
    assert ids(reader_api, f"/api/sources/?{query}") == wanted


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("identifier=wikidata:Douglas", "identifier"),
        ("identifier=twitter:has%20space", "identifier"),
        ("has_identifier=fax", "has_identifier"),
        ("role_type=general", "role_type"),
        ("identifier=Q1&identifier=Q2", "identifier"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(reader_api, db, query, parameter):
    response = reader_api.get(f"/api/sources/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


def test_attributions_and_claims_filter_by_their_sources_role_type(reader_api, db):
    fighter = SourceFactory(role_type="fighter")
    by_fighter = AttributionFactory(source=fighter, claim=ClaimFactory())
    by_unknown = AttributionFactory(source=SourceFactory(role_type=""), claim=ClaimFactory())
    AttributionFactory(source=SourceFactory(role_type="expert"))
    assert ids(reader_api, "/api/attributions/?source_role_type=fighter") == {by_fighter.pk}
    assert ids(reader_api, "/api/attributions/?source_role_type=unknown") == {by_unknown.pk}
    assert ids(reader_api, "/api/claims/?source_role_type=fighter") == {by_fighter.claim_id}
    for url in ("/api/attributions/", "/api/claims/"):
        response = reader_api.get(f"{url}?source_role_type=general")
        assert response.status_code == 400
        assert "source_role_type" in response.json()


def test_sourcing_profile_counts_sources_and_statements_by_role_type(reader_api, seed):
    profile = reader_api.get(f"/api/articles/{seed.pk}/sourcing/").json()
    assert profile["sources_by_role_type"] == {
        "fighter": 4,
        "spokesperson": 1,
        "official": 1,
        "other": 1,
        "unknown": 1,
    }
    assert (
        sum(profile["attributions_by_role_type"].values())
        == profile["attributions"] - (profile["unattributed_statements"])
    )
    assert profile["sources_by_kind"]  # the existing fields stay
