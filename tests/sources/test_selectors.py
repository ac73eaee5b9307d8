"""The one rule for finding a source by name: its name or an alias, ignoring case and
spacing; sources that belong to an article only within that article."""

import pytest

from sources.models import Source
from sources.selectors import name_forms, sources_named, sources_with_any_name
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    OrganizationFactory,
    SourceAliasFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def ids(queryset) -> list[int]:
    return [source.pk for source in queryset]


def group(article, name: str) -> Source:
    return SourceFactory(kind=Source.Kind.GROUP, name=name, article=article, role="")


def test_the_name_matches_in_any_case_and_spacing():
    varnok = SourceFactory(name="Ilse Varnok")
    SourceFactory(name="Ilse Varnoková")

    assert ids(sources_named("Ilse Varnok")) == [varnok.pk]
    assert ids(sources_named("  ilse   VARNOK ")) == [varnok.pk]
    assert ids(sources_named("ILSE\tvarnok")) == [varnok.pk]


def test_an_alias_matches_in_any_case_and_spacing():
    varnok = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=varnok, name="Mayor Varnok")

    assert ids(sources_named("mayor  varnok")) == [varnok.pk]
    assert ids(sources_named("MAYOR VARNOK")) == [varnok.pk]


def test_part_of_a_name_is_no_match_unless_asked_for():
    varnok = SourceFactory(name="Ilse Varnok")

    assert ids(sources_named("Varnok")) == []
    assert ids(sources_named("varnok", partial=True)) == [varnok.pk]


def test_part_of_a_name_is_not_looked_for_when_a_source_has_the_name():
    SourceFactory(name="Ilse Varnok")
    exact = SourceFactory(name="Varnok")

    assert ids(sources_named("varnok", partial=True)) == [exact.pk]


def test_several_partial_matches_come_in_the_order_of_their_names():
    zoltan = SourceFactory(name="Zoltan Varnok")
    ilse = SourceFactory(name="Ilse Varnok")

    found = sources_named("Varnok", partial=True)

    assert ids(found) == [ilse.pk, zoltan.pk]
    assert not any(source.name_matches for source in found)


def test_sources_with_the_name_itself_come_before_those_with_it_as_an_alias():
    older_alias = SourceFactory(name="Kasia Molder")
    SourceAliasFactory(source=older_alias, name="Harbour Master")
    named = SourceFactory(name="Harbour Master")
    newer_alias = SourceFactory(name="Ada Quillon")
    SourceAliasFactory(source=newer_alias, name="harbour master")

    found = list(sources_named("Harbour Master"))

    assert ids(found) == [named.pk, older_alias.pk, newer_alias.pk]
    assert [source.name_matches for source in found] == [True, False, False]


def test_a_source_with_the_name_and_an_alias_alike_is_found_once():
    varnok = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=varnok, name="ilse varnok")

    assert ids(sources_named("Ilse Varnok")) == [varnok.pk]


def test_letters_case_folding_changes_still_match_as_written():
    committee = OrganizationFactory(name="Invented Straße Committee")

    assert ids(sources_named("Invented Straße Committee")) == [committee.pk]
    assert "invented strasse committee" in name_forms(["Invented Straße Committee"])


def test_kind_narrows_to_one_kind_or_several():
    person = SourceFactory(name="Quellbridge Harbour")
    board = OrganizationFactory(name="quellbridge harbour")

    assert ids(sources_named("Quellbridge Harbour", kind=Source.Kind.ORGANIZATION)) == [board.pk]
    assert ids(sources_named("Quellbridge Harbour", kind=[Source.Kind.PERSON])) == [person.pk]
    both = sources_named("Quellbridge Harbour", kind=Source.NAMED_KINDS)
    assert set(ids(both)) == {person.pk, board.pk}
    assert ids(sources_named("Quellbridge Harbour", kind=Source.Kind.DOCUMENT)) == []


def test_sources_of_an_article_are_found_only_within_it():
    here, elsewhere = ArticleFactory(), ArticleFactory()
    volunteers = group(here, "Harbour Volunteers")
    engineer = AnonymousSourceFactory(article=here)
    SourceAliasFactory(source=engineer, name="the council engineer")

    assert ids(sources_named("harbour volunteers")) == []
    assert ids(sources_named("harbour volunteers", article=elsewhere)) == []
    assert ids(sources_named("harbour volunteers", article=here)) == [volunteers.pk]
    assert ids(sources_named("The Council Engineer", article=elsewhere)) == []
    assert ids(sources_named("The Council Engineer", article=here)) == [engineer.pk]


def test_sources_of_every_article_are_found_when_asked_for():
    volunteers = group(ArticleFactory(), "Harbour Volunteers")
    archive_wide = OrganizationFactory(name="Harbour Volunteers")

    assert ids(sources_named("Harbour Volunteers")) == [archive_wide.pk]
    found = sources_named("Harbour Volunteers", any_article=True)
    assert ids(found) == [volunteers.pk, archive_wide.pk]


def test_sources_without_an_article_are_found_from_any_article():
    varnok = SourceFactory(name="Ilse Varnok")

    assert ids(sources_named("Ilse Varnok", article=ArticleFactory())) == [varnok.pk]


def test_an_unsaved_article_finds_only_sources_without_one():
    group(ArticleFactory(), "Harbour Volunteers")

    assert ids(sources_named("Harbour Volunteers", article=ArticleFactory.build())) == []


def test_a_blank_name_matches_nothing_and_asks_nothing(django_assert_num_queries):
    AnonymousSourceFactory()
    with django_assert_num_queries(0):
        assert list(sources_named("")) == []
        assert list(sources_named("   ", partial=True, any_article=True)) == []
        assert list(sources_with_any_name(["", " "])) == []


def test_one_query_finds_the_named_and_one_more_the_partial(django_assert_num_queries):
    varnok = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=varnok, name="Mayor Varnok")
    with django_assert_num_queries(1):
        assert ids(sources_named("mayor varnok")) == [varnok.pk]
    with django_assert_num_queries(2):
        assert ids(sources_named("Varnok", partial=True)) == [varnok.pk]


def test_several_names_are_looked_up_at_once(django_assert_num_queries):
    here = ArticleFactory()
    varnok = SourceFactory(name="Ilse Varnok")
    molder = SourceFactory(name="Kasia Molder")
    SourceAliasFactory(source=molder, name="Harbour Master")
    volunteers = group(here, "Harbour Volunteers")
    group(ArticleFactory(), "Bridge Volunteers")
    SourceFactory(name="Ada Quillon")

    names = ["ilse varnok", "HARBOUR MASTER", "harbour volunteers", "bridge volunteers", "nobody"]
    with django_assert_num_queries(1):
        found = set(ids(sources_with_any_name(names, article=here)))

    assert found == {varnok.pk, molder.pk, volunteers.pk}
