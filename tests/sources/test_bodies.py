"""Unnamed sources of a named body: the body read from the description, the affiliation
made on acceptance so independence groups them with it (invented names and text)."""

import pytest

from crosscheck.rules import AttributionInput, SourceInput, independence_group
from sources.bodies import Body, body_of, campaign_of, looks_like_organisation, named_person
from sources.models import Source
from suggestions.models import Suggestion
from suggestions.services import suggestion_accept
from tests.factories import ArticleFactory

TEXT = "The ferry will run again on Monday"


@pytest.mark.parametrize(
    ("description", "body"),
    [
        ("Varnok aides", Body("Varnok", False)),
        ("A Varnok campaign official", Body("Varnok", True)),
        ("Ilse Varnok's top advisers", Body("Ilse Varnok", False)),
        ("a Harbour Board official", Body("Harbour Board", False)),
        ("officials at the Harbour Department", Body("Harbour Department", False)),
        ("people close to the Varnok campaign", Body("Varnok", True)),
        ("an HBA spokeswoman", Body("HBA", False)),
        ("campaign officials", None),
        ("his aides", None),
        ("a senior official", None),
        ("Campaign aides", None),
    ],
)
def test_the_body_a_description_names(description, body):
    assert body_of(description) == body


def test_a_campaign_and_a_person_named_in_a_description():
    assert campaign_of("Varnok's campaign") == "Varnok"
    assert campaign_of("The Varnok campaign") == "Varnok"
    assert campaign_of("His campaign") == ""
    assert named_person("former Varnok adviser Tomas Kell, a veteran") == (
        "Tomas Kell",
        "former Varnok adviser",
    )
    assert named_person("a person close to Tomas Kell") is None
    assert named_person("about the rapid spread of rumours") is None
    assert looks_like_organisation("Harbour Board")
    assert looks_like_organisation("HBA")
    assert not looks_like_organisation("Kellish")  # a people or a place, not a body


def _accept_proposal(body, proposal, editor, cue="said"):
    start = body.index(TEXT)
    row = Suggestion.objects.create(
        article=ArticleFactory(body=body),
        kind="indirect",
        text=TEXT,
        start=start,
        end=start + len(TEXT),
        cue=cue,
        proposed_source={"key": "k", **proposal},
        proposed_key="k",
    )
    return row, suggestion_accept(suggestion=row, user=editor)


def _accept(body, kind, description, editor):
    return _accept_proposal(body, {"kind": kind, "description": description}, editor)[1]


@pytest.mark.django_db
def test_unnamed_aides_of_a_named_person_are_grouped_with_the_persons_aides(editor):
    first = _accept(
        f"Ilse Varnok toured the docks. {TEXT}, Varnok aides said.", "group", "Varnok aides", editor
    )
    second = _accept(
        f"Ilse Varnok waved. {TEXT}, two Varnok aides said.",
        "anonymous",
        "two Varnok aides",
        editor,
    )
    aides = first.source.affiliation
    assert aides.name == "Ilse Varnok's aides"
    assert aides.kind == Source.Kind.ORGANIZATION
    assert second.source.affiliation == aides
    assert "speaks for" in first.note
    sources = {
        s.pk: SourceInput(s.pk, s.kind, s.name, s.description, s.affiliation_id)
        for s in Source.objects.all()
    }
    groups = {
        independence_group(
            AttributionInput(a.pk, a.article_id, a.kind, a.text, a.source_id), sources
        )
        for a in (first, second)
    }
    assert len(groups) == 1


@pytest.mark.django_db
def test_officials_of_an_organisation_and_of_a_place(editor):
    board = _accept(
        f"{TEXT}, a Harbour Board official said.", "anonymous", "a Harbour Board official", editor
    )
    assert board.source.affiliation.name == "Harbour Board"
    place = _accept(f"{TEXT}, Kellish officials said.", "group", "Kellish officials", editor)
    assert place.source.affiliation is None
    # A surname the article gives to no one in full, or to two people, names no body.
    two = _accept(
        f"Ilse Varnok and Tomas Varnok met. {TEXT}, Varnok aides said.",
        "group",
        "Varnok aides",
        editor,
    )
    assert two.source.affiliation is None


@pytest.mark.django_db
def test_a_campaign_speaking_and_a_person_filed_as_unnamed(editor):
    campaign = _accept(
        f"Ilse Varnok toured the docks. {TEXT}, Varnok's campaign said.",
        "anonymous",
        "Varnok's campaign",
        editor,
    )
    assert campaign.source.kind == Source.Kind.ORGANIZATION
    assert campaign.source.name == "Ilse Varnok campaign"
    # A campaign of a surname the article names no one in full with stays what it was.
    unnamed = _accept(f"{TEXT}, the Kell campaign said.", "anonymous", "the Kell campaign", editor)
    assert unnamed.source.kind == Source.Kind.ANONYMOUS
    assert unnamed.source.description == "the Kell campaign"


@pytest.mark.parametrize(
    ("description", "person"),
    [
        ("Former Secretary of State Ilse Varnok", ("Ilse Varnok", "Former Secretary of State")),
        ("Sen. Tomas Kell", ("Tomas Kell", "Sen.")),
        ("Secretary of State Ilse K. Varnok", ("Ilse K. Varnok", "Secretary of State")),
        ("Rep. Ana Maria Kell", ("Ana Maria Kell", "Rep.")),
        ("then-Secretary of State Ilse Varnok", ("Ilse Varnok", "then-Secretary of State")),
        ("Vice President Tomas Kell", ("Tomas Kell", "Vice President")),
        # Where the title ends is not a guess: words outside an office's title, none.
        ("Harbour Master Ilse Varnok", None),
        ("Former Director of the HBA Tomas Kell", None),
        ("White House Press Secretary", None),
        ("Former Secretary of State", None),
        ("Secretary of State Department", None),
        ("a spokesman for Sen. Tomas Kell", None),
    ],
)
def test_a_person_after_an_offices_capitalised_title(description, person):
    assert named_person(description) == person


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("description", "name", "role"),
    [
        ("former harbour adviser Tomas Kell", "Tomas Kell", "former harbour adviser"),
        ("Former Secretary of State Ilse Varnok", "Ilse Varnok", "Former Secretary of State"),
    ],
)
def test_a_person_named_in_a_description_is_that_person(editor, description, name, role):
    person = _accept(f"{TEXT}, said {description}.", "anonymous", description, editor)
    assert person.source.kind == Source.Kind.PERSON
    assert person.source.name == name
    assert person.source.role == role
    row = Suggestion.objects.get(attribution=person)
    assert row.proposed_source["resolution"]["resolved_to"] == name


def _accept_named(body, name, editor):
    return _accept_proposal(body, {"kind": "person", "name": name}, editor, cue="reported")


@pytest.mark.django_db
def test_an_outlet_of_the_archive_filed_as_a_person_is_an_organisation(editor):
    from tests.factories import OutletFactory

    OutletFactory(name="Harbour Gazette")
    row, attribution = _accept_named(
        f"{TEXT}, Harbour Gazette reported.", "Harbour Gazette", editor
    )
    assert attribution.source.kind == Source.Kind.ORGANIZATION
    assert attribution.source.name == "Harbour Gazette"
    row.refresh_from_db()
    assert "an outlet of the archive" in row.note
    # A person's name no outlet has stays a person.
    _row, other = _accept_named(f"{TEXT}, Tomas Kell reported.", "Tomas Kell", editor)
    assert other.source.kind == Source.Kind.PERSON
