"""Body edits re-anchor spans; merges move everything; every write is in history."""

import pytest
from django.core.exceptions import ValidationError

from articles.anchoring import AnchorStatus
from articles.models import Article
from articles.services import article_update, article_update_body
from claims.models import Attribution
from sources.models import Source, SourceAlias
from sources.services import source_add_alias, source_create, source_merge
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    SourceAliasFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def quote(article, text="We will not rush it", **kwargs):
    kwargs.setdefault("start", None)
    return AttributionFactory(article=article, text=text, claim=None, **kwargs)


class TestBodyEdits:
    def test_insertion_before_a_span_moves_it(self):
        article = ArticleFactory()
        attribution = quote(article)
        old_start = attribution.start
        report = article_update_body(article=article, body="UPDATED: " + article.body)
        attribution.refresh_from_db()
        assert attribution.start == old_start + len("UPDATED: ")
        assert attribution.anchor_status == AnchorStatus.MOVED
        assert report.counts[AnchorStatus.MOVED] == 1

    def test_insertion_after_a_span_leaves_it(self):
        article = ArticleFactory()
        attribution = quote(article)
        before = (attribution.start, attribution.end)
        article_update_body(article=article, body=article.body + " More to follow.")
        attribution.refresh_from_db()
        assert (attribution.start, attribution.end) == before
        assert attribution.anchor_status == AnchorStatus.ANCHORED

    def test_small_insertion_inside_a_span_re_anchors_it_as_fuzzy(self):
        article = ArticleFactory(
            body="“We will not rush the repairs on the old river bridge this year,” she said."
        )
        attribution = quote(article, text="We will not rush the repairs on the old river bridge")
        body = article.body.replace("old river", "old stone river")
        report = article_update_body(article=article, body=body)
        attribution.refresh_from_db()
        assert attribution.anchor_status == AnchorStatus.FUZZY
        assert body[attribution.start : attribution.end] == attribution.text
        assert "stone" in attribution.text
        assert report.flagged == [attribution]

    def test_deleted_span_is_orphaned_not_deleted(self):
        article = ArticleFactory()
        attribution = quote(article)
        body = article.body.replace("“We will not rush it,” Varnok said. ", "")
        report = article_update_body(article=article, body=body)
        attribution.refresh_from_db()
        assert attribution.anchor_status == AnchorStatus.ORPHANED
        assert attribution.start is None
        assert attribution.end is None
        assert attribution.text == "We will not rush it"
        assert report.counts[AnchorStatus.ORPHANED] == 1

    def test_repeated_phrase_keeps_its_own_occurrence(self):
        body = "He said no. Then she said no. Finally they said no."
        article = ArticleFactory(body=body)
        second = quote(article, text="said no", start=body.index("said no", 5))
        edited = body.replace("Then she", "Then, after a pause, she")
        article_update_body(article=article, body=edited)
        second.refresh_from_db()
        assert second.start == edited.index("she said no") + len("she ")

    def test_metadata_spans_are_re_anchored_too(self):
        article = ArticleFactory()
        span = MetadataSpanFactory(article=article, text="Quellbridge")
        article_update_body(article=article, body="Note. " + article.body)
        span.refresh_from_db()
        assert span.start == article.body.index("Quellbridge")

    def test_rejected_body_changes_nothing(self, settings):
        settings.TRACKER_MAX_BODY_CHARS = 300
        article = ArticleFactory()
        attribution = quote(article)
        with pytest.raises(ValidationError):
            article_update_body(article=Article.objects.get(pk=article.pk), body="x" * 301)
        article.refresh_from_db()
        attribution.refresh_from_db()
        assert article.body.startswith("Mayor Ilse Varnok")
        assert article.body[attribution.start : attribution.end] == attribution.text

    def test_re_anchoring_is_recorded_in_history(self, editor):
        article = ArticleFactory()
        attribution = quote(article)
        article_update_body(article=article, body="New lead. " + article.body, user=editor)
        latest = attribution.history.first()
        assert latest.start == attribution.start + len("New lead. ")
        assert latest.history_user == editor
        assert latest.history_change_reason == "re-anchored after a body edit"
        assert article.history.first().history_user == editor

    def test_a_moved_span_is_a_changed_row_and_a_span_left_in_place_is_not(self):
        article = ArticleFactory()
        attribution = quote(article)
        opened = attribution.updated_at
        article_update_body(article=article, body=article.body + " More to follow.")
        attribution.refresh_from_db()
        assert attribution.updated_at == opened
        article_update_body(article=article, body="UPDATED: " + article.body)
        attribution.refresh_from_db()
        # A form opened on the span before the move is stale (access.concurrency).
        assert attribution.updated_at > opened
        assert attribution.history.first().updated_at == attribution.updated_at

    def test_other_field_edits_do_not_touch_spans(self):
        article = ArticleFactory()
        attribution = quote(article)
        report = article_update(article=article, headline="A new invented headline")
        assert report.counts == {}
        assert attribution.history.count() == 1


class TestMerge:
    def test_merge_moves_attributions_aliases_and_members_to_kept_source(self, editor):
        article = ArticleFactory()
        keep = SourceFactory(name="Ilse Varnok")
        duplicate = SourceFactory(name="Mayor Varnok", kind="organization")
        SourceAliasFactory(source=duplicate, name="Varnok")
        aide = SourceFactory(affiliation=None)
        quoted = quote(article, source=duplicate)
        org = OrganizationFactory()
        dup_org = OrganizationFactory()
        member = SourceFactory(affiliation=dup_org)

        report = source_merge(keep=keep, others=[duplicate], user=editor)
        assert not Source.objects.filter(pk=duplicate.pk).exists()
        quoted.refresh_from_db()
        assert quoted.source == keep
        assert set(keep.aliases.values_list("name", flat=True)) == {"Mayor Varnok", "Varnok"}
        assert "1 attributions" in report.summary()
        assert quoted.history.first().history_user == editor
        # A moved row is a changed row: a form opened before the merge is stale.
        assert quoted.updated_at > quoted.created_at
        assert quoted.history.first().updated_at == quoted.updated_at

        source_merge(keep=org, others=[dup_org])
        member.refresh_from_db()
        assert member.affiliation == org
        aide.refresh_from_db()

    def test_merge_of_anonymous_sources_from_two_articles_is_refused(self):
        first = AnonymousSourceFactory()
        second = AnonymousSourceFactory()
        attribution = quote(second.article, source=second)
        with pytest.raises(ValidationError, match="belongs to one article"):
            source_merge(keep=first, others=[second])
        attribution.refresh_from_db()
        assert attribution.source == second
        assert Source.objects.filter(pk=second.pk).exists()

    def test_anonymous_source_can_be_merged_into_a_named_one(self):
        engineer = AnonymousSourceFactory()
        attribution = quote(engineer.article, source=engineer)
        named = SourceFactory(name="Petra Invented")
        source_merge(keep=named, others=[engineer])
        attribution.refresh_from_db()
        assert attribution.source == named

    def test_merge_needs_another_source(self):
        keep = SourceFactory()
        with pytest.raises(ValidationError):
            source_merge(keep=keep, others=[keep])


def test_source_create_adds_aliases_once():
    source = source_create(kind="person", name="Ilse Varnok", aliases=["Varnok", "varnok "])
    assert list(source.aliases.values_list("name", flat=True)) == ["Varnok"]
    assert source_add_alias(source=source, name="VARNOK") is None
    assert SourceAlias.objects.count() == 1


def test_attribution_on_orphaned_span_survives_and_can_be_re_anchored():
    article = ArticleFactory()
    attribution = quote(article)
    article_update_body(article=article, body="The bridge opens in June.")
    attribution.refresh_from_db()
    assert attribution.is_orphaned
    # The orphan still saves (its offsets are gone, its text kept).
    attribution.note = "checked"
    attribution.save()
    assert Attribution.objects.get(pk=attribution.pk).note == "checked"
