"""Types of role and identifiers in annotation documents: read, checked, loaded, dumped.
Everything here is invented (see tests/interchange/test_annotations.py)."""

import copy

import pytest

from articles.models import Article
from interchange.annotations import (
    canonical_form,
    dump_annotation,
    load_annotation,
    parse_annotation,
)
from sources.models import Source, SourceIdentifier
from tests.factories import SourceFactory, SourceIdentifierFactory
from tests.interchange.test_annotations import invented_document, load_error

pytestmark = pytest.mark.django_db


def identified_document() -> dict:
    """The invented document, its mayor with a type of role and identifiers."""
    document = invented_document()
    mayor = document["articles"][0]["sources"][1]
    mayor["role_type"] = "official"
    mayor["identifiers"] = [
        {"scheme": "wikidata", "value": "https://www.wikidata.org/wiki/Q90125"},
        {"scheme": "twitter", "value": "@IlseVarnok"},
    ]
    return document


def test_role_type_and_identifiers_are_loaded_normalised():
    report = load_annotation(identified_document())
    varnok = Source.objects.get(name="Ilse Varnok")
    assert varnok.role_type == "official"
    assert sorted(varnok.identifiers.values_list("scheme", "value")) == [
        ("twitter", "IlseVarnok"),
        ("wikidata", "Q90125"),
    ]
    assert report.created[SourceIdentifier] == 2
    assert "2 source identifiers" in report.summary()


def test_dump_writes_them_back_and_the_round_trip_keeps_the_content():
    document = identified_document()
    document["outlets"] = document["outlets"][:1]
    document["articles"] = document["articles"][:1]
    load_annotation(document)
    article = Article.objects.get(url="https://courier.example/bridge-june")
    dumped = dump_annotation(article)
    mayor = next(s for s in dumped["articles"][0]["sources"] if s.get("name") == "Ilse Varnok")
    assert mayor["role_type"] == "official"
    assert mayor["identifiers"] == [
        {"scheme": "wikidata", "value": "Q90125"},
        {"scheme": "twitter", "value": "IlseVarnok"},
    ]
    assert canonical_form(dumped) == canonical_form(document)


def test_canonical_form_tells_apart_different_identifiers_and_role_types():
    document = identified_document()
    other_qid = copy.deepcopy(document)
    other_qid["articles"][0]["sources"][1]["identifiers"][0]["value"] = "Q90126"
    assert canonical_form(other_qid) != canonical_form(document)
    other_role = copy.deepcopy(document)
    other_role["articles"][0]["sources"][1]["role_type"] = "expert"
    assert canonical_form(other_role) != canonical_form(document)
    same = copy.deepcopy(document)
    same["articles"][0]["sources"][1]["identifiers"][0]["value"] = "q90125"
    assert canonical_form(same) == canonical_form(document)


def test_documents_without_the_new_fields_still_load():
    parsed = parse_annotation(invented_document())
    source = parsed["articles"][0]["sources"][0]
    assert (source["role_type"], source["identifiers"]) == ("", [])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"role_type": "general"}, "sources[1]: role_type: unknown role_type 'general'"),
        ({"identifiers": "Q42"}, "sources[1]: identifiers: expected a list"),
        ({"identifiers": [{"scheme": "wikidata"}]}, "identifiers[0]: missing field 'value'"),
        (
            {"identifiers": [{"scheme": "fax", "value": "5"}]},
            "identifiers[0]: scheme: unknown scheme 'fax'",
        ),
        (
            {"identifiers": [{"scheme": "wikidata", "value": "Ilse"}]},
            "identifiers[0]: value: A Wikidata item is Q followed by its number",
        ),
        (
            {
                "identifiers": [
                    {"scheme": "twitter", "value": "IlseVarnok"},
                    {"scheme": "twitter", "value": "https://x.com/ilsevarnok"},
                ]
            },
            "identifiers[1]: twitter ilsevarnok is given twice",
        ),
    ],
)
def test_bad_role_types_and_identifiers_are_refused_naming_the_item(change, expected):
    document = invented_document()
    document["articles"][0]["sources"][1].update(change)
    assert expected in load_error(document)


def test_two_sources_of_an_article_cannot_share_an_identifier():
    document = identified_document()
    document["articles"][0]["sources"][0]["identifiers"] = [
        {"scheme": "wikidata", "value": "Q90125"}
    ]
    assert "identifiers[0]: wikidata Q90125 is given twice" in load_error(document)


def test_a_named_source_is_found_by_its_identifier_whatever_its_name():
    known = SourceFactory(name="Ilse Varnok-Brand")
    SourceIdentifierFactory(source=known, scheme="wikidata", value="Q90125")
    load_annotation(identified_document())
    assert not Source.objects.filter(name="Ilse Varnok").exists()
    known.refresh_from_db()
    assert sorted(known.identifiers.values_list("value", flat=True)) == ["IlseVarnok", "Q90125"]
    assert known.attributions.count() == 2


def test_an_identifier_another_source_has_refuses_the_document_naming_it():
    holder = SourceFactory(kind="organization", name="Quellbridge Tourism Board")
    SourceIdentifierFactory(source=holder, scheme="twitter", value="IlseVarnok")
    message = load_error(identified_document())
    assert "article 'bridge-june': sources[1]: identifiers[1]: X (Twitter) IlseVarnok" in message
    assert f"already identifies Quellbridge Tourism Board (source #{holder.pk})" in message
