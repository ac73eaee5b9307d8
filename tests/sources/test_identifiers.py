"""External identifiers of sources and their types of role: normalisation, the model's rules
(in clean() and in the database), the services and merging. Every person, organisation,
website and account here is invented; ``.example`` domains never resolve."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sources import services
from sources.identifiers import identifier_url, normalize_identifier, parse_identifier_query
from sources.models import Source, SourceIdentifier
from tests.factories import (
    AttributionFactory,
    OrganizationFactory,
    SourceFactory,
    SourceIdentifierFactory,
)

pytestmark = pytest.mark.django_db

# --- Normalisation (pure functions) ------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "shown", "normalized"),
    [
        ("wikidata", "Q42", "Q42", "Q42"),
        ("wikidata", " q42 ", "Q42", "Q42"),
        ("wikidata", "https://www.wikidata.org/wiki/Q42", "Q42", "Q42"),
        ("wikidata", "http://wikidata.org/entity/Q42", "Q42", "Q42"),
        ("wikidata", "https://m.wikidata.org/wiki/Special:EntityPage/Q7?uselang=en", "Q7", "Q7"),
        ("website", "invented-council.example", "https://invented-council.example", None),
        (
            "website",
            "https://WWW.Invented-Council.example/about/#team",
            "https://www.invented-council.example/about/",
            "invented-council.example/about",
        ),
        ("twitter", "@QuellCouncil", "QuellCouncil", "quellcouncil"),
        ("twitter", "https://x.com/QuellCouncil/status/1", "QuellCouncil", "quellcouncil"),
        ("twitter", "twitter.com/QuellCouncil", "QuellCouncil", "quellcouncil"),
        ("instagram", "https://www.instagram.com/quell.council/", "quell.council", None),
        ("telegram", "https://t.me/QuellNews", "QuellNews", "quellnews"),
        ("facebook", "facebook.com/QuellCouncil", "QuellCouncil", "quellcouncil"),
        ("tiktok", "@quell_council", "quell_council", None),
        ("youtube", "https://www.youtube.com/@QuellTV", "QuellTV", "quelltv"),
        (
            "youtube",
            "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
            "UCabcdefghijklmnopqrstuv",
            "UCabcdefghijklmnopqrstuv",
        ),
        ("mastodon", "@Varnok@Social.Example", "Varnok@social.example", "varnok@social.example"),
        ("mastodon", "https://social.example/@Varnok", "Varnok@social.example", None),
        ("bluesky", "@Varnok.bsky.social", "varnok.bsky.social", None),
        ("bluesky", "https://bsky.app/profile/varnok.example", "varnok.example", None),
        ("other", "ISNI  0000 0001 ", "ISNI  0000 0001", "isni 0000 0001"),
    ],
)
def test_values_are_normalised_per_scheme(scheme, value, shown, normalized):
    identifier = normalize_identifier(scheme, value)
    assert identifier.value == shown
    if normalized is None:
        normalized = shown.lower().removeprefix("https://")
    assert identifier.normalized == normalized


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        ("wikidata", "42", "Q followed by its number"),
        ("wikidata", "Q042", "Q followed by its number"),
        ("wikidata", "https://en.wikipedia.org/wiki/Q42", "Q followed by its number"),
        ("website", "javascript:alert(1)", "http or https"),
        ("website", "ftp://files.example/", "http or https"),
        ("twitter", "@has space", "X (Twitter) handle is"),
        ("twitter", "https://facebook.com/QuellCouncil", "X (Twitter) handle is"),
        ("mastodon", "@varnok", "user@server"),
        ("bluesky", "not a handle", "Bluesky account"),
        ("youtube", "https://www.youtube.com/", "YouTube channel"),
        ("other", "   ", "Give the identifier"),
        ("twitter", "Quell\x00", "Null characters"),
    ],
)
def test_invalid_values_are_refused_with_a_message(scheme, value, message):
    with pytest.raises(ValidationError) as error:
        normalize_identifier(scheme, value)
    assert message in " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("scheme", "value", "url"),
    [
        ("wikidata", "Q42", "https://www.wikidata.org/wiki/Q42"),
        ("website", "https://invented-council.example/", "https://invented-council.example/"),
        ("twitter", "QuellCouncil", "https://x.com/QuellCouncil"),
        ("instagram", "quell.council", "https://www.instagram.com/quell.council/"),
        ("telegram", "QuellNews", "https://t.me/QuellNews"),
        ("youtube", "QuellTV", "https://www.youtube.com/@QuellTV"),
        ("mastodon", "Varnok@social.example", "https://social.example/@Varnok"),
        ("bluesky", "varnok.bsky.social", "https://bsky.app/profile/varnok.bsky.social"),
        ("other", "https://registry.example/ids/7", "https://registry.example/ids/7"),
        ("other", "ISNI 0000 0001", ""),
        ("other", "javascript:alert(1)", ""),
        ("website", "javascript:alert(1)", ""),
    ],
)
def test_links_are_built_per_scheme_and_only_over_http(scheme, value, url):
    assert identifier_url(scheme, value) == url


def test_a_query_with_a_scheme_means_that_scheme_only():
    assert parse_identifier_query("wikidata:https://www.wikidata.org/wiki/Q42") == [
        ("wikidata", "Q42")
    ]
    assert parse_identifier_query("twitter:@QuellCouncil") == [("twitter", "quellcouncil")]


def test_a_bare_query_means_every_scheme_it_is_valid_in():
    pairs = parse_identifier_query("https://www.wikidata.org/wiki/Q42")
    assert ("wikidata", "Q42") in pairs
    assert ("twitter", "q42") not in pairs
    assert ("wikidata", "Q42") in parse_identifier_query("Q42")
    # "https:" is not a scheme of identifiers: the whole text is the value.
    assert ("website", "invented.example") in parse_identifier_query("https://invented.example")


def test_a_query_with_a_scheme_and_an_invalid_value_is_an_error():
    with pytest.raises(ValidationError):
        parse_identifier_query("wikidata:Douglas")


# --- The model ---------------------------------------------------------------------------


def test_clean_normalises_a_wikidata_url_to_its_qid():
    identifier = SourceIdentifier(
        source=SourceFactory(), scheme="wikidata", value="https://www.wikidata.org/wiki/Q42"
    )
    identifier.full_clean()
    assert (identifier.value, identifier.normalized) == ("Q42", "Q42")


def test_save_normalises_too():
    identifier = SourceIdentifierFactory(scheme="twitter", value="@QuellCouncil")
    identifier.refresh_from_db()
    assert (identifier.value, identifier.normalized) == ("QuellCouncil", "quellcouncil")


def test_invalid_value_is_refused_on_the_value_field():
    identifier = SourceIdentifier(source=SourceFactory(), scheme="wikidata", value="Douglas")
    with pytest.raises(ValidationError) as error:
        identifier.full_clean()
    assert list(error.value.message_dict) == ["value"]
    assert "Q followed by its number" in error.value.message_dict["value"][0]


def test_an_identifier_of_another_source_is_refused_naming_it():
    holder = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=holder, scheme="wikidata", value="Q90125")
    identifier = SourceIdentifier(source=SourceFactory(), scheme="wikidata", value="q90125")
    with pytest.raises(ValidationError) as error:
        identifier.full_clean()
    # One message, on the field: the constraint does not repeat it.
    assert error.value.message_dict == {
        "value": [
            f"Wikidata Q90125 already identifies Ilse Varnok (source #{holder.pk}). One "
            "identifier names one entity: if they are the same, merge the two sources."
        ]
    }


def test_handles_are_the_same_whatever_their_case_and_at_sign():
    SourceIdentifierFactory(scheme="twitter", value="QuellCouncil")
    identifier = SourceIdentifier(source=SourceFactory(), scheme="twitter", value="@quellcouncil")
    with pytest.raises(ValidationError, match="already identifies"):
        identifier.full_clean()


def test_the_same_value_in_two_schemes_is_two_identifiers():
    SourceIdentifierFactory(scheme="twitter", value="QuellCouncil")
    identifier = SourceIdentifier(source=SourceFactory(), scheme="telegram", value="QuellCouncil")
    identifier.full_clean()


def test_the_database_refuses_an_identifier_two_sources_share():
    SourceIdentifierFactory(scheme="wikidata", value="Q90125")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceIdentifier.objects.create(source=SourceFactory(), scheme="wikidata", value="Q90125")


def test_the_database_refuses_a_wikidata_value_that_is_not_a_qid():
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceIdentifier.objects.create(source=SourceFactory(), scheme="wikidata", value="Q0x")


def test_the_database_refuses_a_blank_identifier():
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceIdentifier.objects.create(source=SourceFactory(), scheme="other", value="  ")


def test_constraint_errors_are_reported_on_the_value_field():
    identifier = SourceIdentifierFactory(scheme="wikidata", value="Q90125")
    identifier.normalized = "Q0x"
    with pytest.raises(ValidationError) as error:
        identifier.validate_constraints()
    assert error.value.message_dict == {
        "value": ["A Wikidata item is Q followed by its number (Q42)."]
    }


def test_deleting_a_source_deletes_its_identifiers():
    identifier = SourceIdentifierFactory()
    identifier.source.delete()
    assert not SourceIdentifier.objects.exists()


def test_role_type_must_be_one_of_the_choices():
    source = SourceFactory.build(role_type="general")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "role_type" in error.value.message_dict


def test_role_type_may_be_left_empty():
    SourceFactory.build(role_type="").full_clean()


# --- Services ----------------------------------------------------------------------------


def test_source_create_adds_identifiers_with_history(editor):
    source = services.source_create(
        user=editor,
        kind="person",
        name="Ilse Varnok",
        role="mayor",
        role_type="official",
        identifiers=[
            {"scheme": "wikidata", "value": "https://www.wikidata.org/wiki/Q90125"},
            {"scheme": "twitter", "value": "@IlseVarnok"},
        ],
    )
    assert sorted(source.identifiers.values_list("scheme", "value")) == [
        ("twitter", "IlseVarnok"),
        ("wikidata", "Q90125"),
    ]
    for identifier in source.identifiers.all():
        assert identifier.history.get().history_user == editor


def test_source_create_with_another_sources_identifier_creates_nothing():
    SourceIdentifierFactory(scheme="wikidata", value="Q90125")
    before = Source.objects.count()
    with pytest.raises(ValidationError) as error:
        services.source_create(
            kind="person",
            name="Ilse Varnok",
            identifiers=[{"scheme": "wikidata", "value": "Q90125"}],
        )
    assert "already identifies" in error.value.message_dict["identifiers"][0]
    assert Source.objects.count() == before


def test_set_identifiers_replaces_the_list_and_keeps_what_stays(editor):
    source = SourceFactory()
    kept = SourceIdentifierFactory(source=source, scheme="twitter", value="quellcouncil")
    dropped = SourceIdentifierFactory(source=source, scheme="website")
    services.source_set_identifiers(
        source=source,
        identifiers=[
            {"scheme": "twitter", "value": "@QuellCouncil"},
            {"scheme": "wikidata", "value": "Q90125"},
        ],
        user=editor,
    )
    assert sorted(source.identifiers.values_list("scheme", "value")) == [
        ("twitter", "QuellCouncil"),
        ("wikidata", "Q90125"),
    ]
    assert source.identifiers.get(scheme="twitter").pk == kept.pk
    assert SourceIdentifier.history.filter(id=dropped.pk, history_type="-").get().history_user == (
        editor
    )


def test_set_identifiers_refuses_an_invalid_item_and_changes_nothing():
    source = SourceFactory()
    SourceIdentifierFactory(source=source, scheme="twitter", value="QuellCouncil")
    with pytest.raises(ValidationError) as error:
        services.source_set_identifiers(
            source=source,
            identifiers=[{"scheme": "wikidata", "value": "Q1"}, {"scheme": "twitter", "value": ""}],
        )
    assert error.value.message_dict["identifiers"][0].startswith("Item 2 (twitter ): Give")
    assert list(source.identifiers.values_list("value", flat=True)) == ["QuellCouncil"]


def test_add_identifier_returns_none_for_one_the_source_has():
    source = SourceFactory()
    SourceIdentifierFactory(source=source, scheme="wikidata", value="Q90125")
    assert services.source_add_identifier(source=source, scheme="wikidata", value="q90125") is None
    assert source.identifiers.count() == 1


def test_update_identifier_checks_the_new_value():
    identifier = SourceIdentifierFactory(scheme="twitter", value="QuellCouncil")
    with pytest.raises(ValidationError):
        services.source_update_identifier(identifier=identifier, value="not a handle")
    identifier.refresh_from_db()
    assert identifier.value == "QuellCouncil"


def test_update_of_other_fields_leaves_identifiers_alone():
    source = SourceFactory()
    SourceIdentifierFactory(source=source)
    services.source_update(source=source, role_type="expert")
    source.refresh_from_db()
    assert source.role_type == "expert"
    assert source.identifiers.count() == 1


# --- Merging -----------------------------------------------------------------------------


def test_merge_moves_identifiers_to_the_kept_source(editor):
    keep = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=keep, scheme="wikidata", value="Q90125")
    other = SourceFactory(name="I. Varnok")
    moved = SourceIdentifierFactory(source=other, scheme="twitter", value="IlseVarnok")
    AttributionFactory(source=other)
    report = services.source_merge(keep=keep, others=[other], user=editor)
    assert sorted(keep.identifiers.values_list("scheme", "value")) == [
        ("twitter", "IlseVarnok"),
        ("wikidata", "Q90125"),
    ]
    assert report.moved["source identifiers"] == 1
    assert moved.history.first().history_user == editor
    assert moved.history.first().source_id == keep.pk


def test_merge_of_sources_with_different_wikidata_items_is_refused():
    keep = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=keep, scheme="wikidata", value="Q90125")
    other = SourceFactory(name="Ilse Varnock")
    SourceIdentifierFactory(source=other, scheme="wikidata", value="Q90126")
    with pytest.raises(ValidationError) as error:
        services.source_merge(keep=keep, others=[other])
    message = " ".join(error.value.messages)
    assert "Ilse Varnok is Q90125" in message
    assert "Ilse Varnock is Q90126" in message
    assert "not the same entity" in message
    assert Source.objects.filter(pk=other.pk).exists()


def test_merge_keeps_a_wikidata_item_only_one_source_has():
    keep = OrganizationFactory(name="Quellbridge Council")
    other = OrganizationFactory(name="Quellbridge Town Council")
    SourceIdentifierFactory(source=other, scheme="wikidata", value="Q90125")
    services.source_merge(keep=keep, others=[other])
    assert list(keep.identifiers.values_list("value", flat=True)) == ["Q90125"]
