"""Invariants of outlets, articles and sources, in clean() and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, MetadataSpan
from sources.models import Source, SourceAlias
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def integrity_error(func):
    with pytest.raises(IntegrityError), transaction.atomic():
        func()


def test_article_url_is_unique_when_given():
    first = ArticleFactory(url="https://gazette.example/a")
    duplicate = Article(outlet=first.outlet, headline="x", body="y", url=first.url)
    with pytest.raises(ValidationError) as err:
        duplicate.full_clean()
    assert "url" in err.value.message_dict
    integrity_error(lambda: Article.objects.bulk_create([duplicate]))


def test_articles_without_url_may_coexist():
    outlet = OutletFactory()
    ArticleFactory(outlet=outlet, url="")
    ArticleFactory(outlet=outlet, url="")
    assert Article.objects.filter(url="").count() == 2


def test_outlet_names_are_unique_ignoring_case():
    OutletFactory(name="Invented Herald")
    integrity_error(lambda: OutletFactory(name="invented herald"))


def test_body_over_the_configured_limit_is_refused(settings):
    settings.TRACKER_MAX_BODY_CHARS = 100
    article = ArticleFactory.build(outlet=OutletFactory(), body="x" * 101)
    with pytest.raises(ValidationError) as err:
        article.full_clean()
    assert "limit is 100" in err.value.message_dict["body"][0]


def test_body_with_nul_byte_is_refused():
    article = ArticleFactory.build(outlet=OutletFactory(), body="bad\x00byte")
    with pytest.raises(ValidationError) as err:
        article.full_clean()
    assert "body" in err.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "person", "name": ""}, "name", "needs a name"),
        ({"kind": "anonymous", "name": "Jo Invented"}, "name", "no name"),
        ({"kind": "anonymous", "name": "", "description": "an aide"}, "article", "one article"),
        ({"kind": "official_account", "name": "Invented Ministry"}, "platform", "platform"),
        ({"kind": "person", "name": "Jo", "platform": "twitter"}, "platform", "Only official"),
    ],
)
def test_source_rules_are_checked_in_clean(fields, field, message):
    source = Source(**fields)
    with pytest.raises(ValidationError) as err:
        source.full_clean()
    assert message in " ".join(err.value.message_dict[field])


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "person", "name": ""},
        {"kind": "anonymous", "name": "Jo Invented"},
        {"kind": "anonymous", "name": "", "description": "an aide"},
        {"kind": "official_account", "name": "Invented Ministry", "platform": ""},
        {"kind": "group", "name": "", "description": ""},
    ],
)
def test_source_rules_hold_in_the_database(fields):
    integrity_error(lambda: Source.objects.bulk_create([Source(**fields)]))


def test_named_source_cannot_belong_to_an_article():
    article = ArticleFactory()
    integrity_error(
        lambda: Source.objects.bulk_create([Source(kind="person", name="Jo", article=article)])
    )


def test_affiliation_must_be_an_organisation_and_acyclic():
    person = SourceFactory()
    other = SourceFactory(affiliation=None)
    other.affiliation = person
    with pytest.raises(ValidationError) as err:
        other.clean()
    assert "organisation" in err.value.message_dict["affiliation"][0]
    with pytest.raises(ValidationError) as err:
        other.full_clean()
    assert "affiliation" in err.value.message_dict

    council = OrganizationFactory()
    region = OrganizationFactory(affiliation=council)
    council.affiliation = region
    with pytest.raises(ValidationError) as err:
        council.full_clean()
    assert "cycle" in err.value.message_dict["affiliation"][0]


def test_top_affiliation_is_the_outermost_organisation():
    country = OrganizationFactory()
    ministry = OrganizationFactory(affiliation=country)
    spokesman = SourceFactory(affiliation=ministry)
    assert spokesman.top_affiliation() == country
    assert country.top_affiliation() is None


def test_official_account_handle_loses_its_at_sign():
    account = Source(kind="official_account", name="Invented Police", platform="twitter")
    account.handle = "@invented_police"
    account.full_clean()
    assert account.handle == "invented_police"


def test_alias_is_normalised_and_unique_per_source():
    source = SourceFactory()
    SourceAlias.objects.create(source=source, name="  Ilse   VARNOK ")
    assert source.aliases.get().normalized == "ilse varnok"
    integrity_error(lambda: SourceAlias.objects.create(source=source, name="ilse varnok"))


def test_display_name_of_anonymous_source_uses_description():
    source = AnonymousSourceFactory(description="a council engineer")
    assert str(source) == "Anonymous: a council engineer"


class TestSpans:
    def test_span_must_match_the_body(self):
        span = MetadataSpanFactory.build(article=ArticleFactory(), text="Quellbridge")
        span.start += 1
        span.end += 1
        with pytest.raises(ValidationError) as err:
            span.save()
        assert "The body has" in err.value.message_dict["text"][0]
        assert MetadataSpan.objects.count() == 0

    def test_offsets_are_found_from_a_unique_text(self):
        article = ArticleFactory()
        span = MetadataSpan(article=article, kind="other", text="council engineer")
        span.full_clean()
        span.save()
        assert article.body[span.start : span.end] == "council engineer"

    def test_text_is_taken_from_the_offsets(self):
        article = ArticleFactory()
        span = MetadataSpan(article=article, kind="other", start=0, end=5)
        span.save()
        assert span.text == article.body[:5]

    def test_ambiguous_text_asks_for_the_offset(self):
        article = ArticleFactory(body="said it. said it again.")
        span = MetadataSpan(article=article, kind="other", text="said it")
        with pytest.raises(ValidationError) as err:
            span.full_clean()
        assert "occurs 2 times" in err.value.message_dict["start"][0]

    def test_span_past_the_end_of_the_body_is_refused(self):
        article = ArticleFactory(body="short")
        span = MetadataSpan(article=article, kind="other", start=2, end=50)
        with pytest.raises(ValidationError) as err:
            span.full_clean()
        assert "5 characters long" in err.value.message_dict["end"][0]

    def test_database_refuses_start_not_before_end(self):
        article = ArticleFactory()
        integrity_error(
            lambda: MetadataSpan.objects.bulk_create(
                [MetadataSpan(article=article, kind="other", start=5, end=5, text="")]
            )
        )

    def test_database_refuses_text_of_another_length(self):
        article = ArticleFactory()
        integrity_error(
            lambda: MetadataSpan.objects.bulk_create(
                [MetadataSpan(article=article, kind="other", start=0, end=5, text="abc")]
            )
        )

    def test_database_refuses_offsets_on_an_orphaned_span(self):
        span = MetadataSpanFactory()
        integrity_error(
            lambda: MetadataSpan.objects.filter(pk=span.pk).update(anchor_status="orphaned")
        )


def test_crlf_line_breaks_in_a_body_become_newlines():
    article = ArticleFactory.build(outlet=OutletFactory(), body="One.\r\nTwo.\rThree.")
    article.full_clean()
    assert article.body == "One.\nTwo.\nThree."


def test_orphaned_span_given_offsets_again_is_checked_and_anchored():
    span = MetadataSpanFactory()
    MetadataSpan.objects.filter(pk=span.pk).update(start=None, end=None, anchor_status="orphaned")
    span.refresh_from_db()
    span.start, span.end = 0, 5
    span.text = ""
    span.save()
    span.refresh_from_db()
    assert span.anchor_status == "anchored"
    assert span.text == span.article.body[:5]
