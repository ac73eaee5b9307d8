"""A body edit on the article's admin page re-anchors each span once, in the article
service; the inline forms only check what the editor typed.

Every article, person and outlet here is invented (see tests/factories.py).
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from articles import anchoring
from articles import models as article_models
from articles.anchoring import AnchorStatus
from claims.models import Attribution
from tests.claims.test_admin import inline_row, post_article
from tests.factories import ArticleFactory, AttributionFactory, MetadataSpanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_content_type_cache():
    ContentType.objects.clear_cache()


def prepend_to_body(data):
    data["body"] = "UPDATED: " + data["body"]


def test_body_edit_locates_each_span_once(editor_client, monkeypatch):
    article = ArticleFactory()
    rows = [
        AttributionFactory(article=article),
        AttributionFactory(article=article, text="the repairs were behind schedule", start=None),
        MetadataSpanFactory(article=article, text="Quellbridge"),
    ]
    # Every span reanchor() places goes through one of these two, whoever calls it.
    located: list[str] = []
    for name in ("_reanchor_span", "_lookup_by_text"):
        real = getattr(anchoring, name)

        def counting(span, *args, _real=real, **kwargs):
            located.append(span.text)
            return _real(span, *args, **kwargs)

        monkeypatch.setattr(anchoring, name, counting)
    searched: list[str] = []
    real_find = article_models.find_occurrences

    def counting_find(body, text):
        searched.append(text)
        return real_find(body, text)

    monkeypatch.setattr(article_models, "find_occurrences", counting_find)

    response = post_article(editor_client, article, prepend_to_body)

    assert response.status_code == 302
    assert sorted(located) == sorted(row.text for row in rows)
    assert searched == []
    for row in rows:
        row.refresh_from_db()
        assert row.anchor_status == AnchorStatus.MOVED
        assert row.article.body[row.start : row.end] == row.text


def test_a_row_left_alone_but_changed_otherwise_is_saved_at_its_new_place(editor_client, editor):
    article = ArticleFactory()
    row = AttributionFactory(article=article, kind=Attribution.Kind.DIRECT)
    old_start = row.start

    def edit(data):
        prepend_to_body(data)
        data[f"{inline_row(data, row)}-kind"] = Attribution.Kind.INDIRECT

    response = post_article(editor_client, article, edit)

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.kind == Attribution.Kind.INDIRECT
    assert (row.start, row.anchor_status) == (old_start + len("UPDATED: "), AnchorStatus.MOVED)
    assert row.history.first().history_user == editor


def test_a_refused_body_edit_shows_the_rows_left_alone_where_they_stand(editor_client):
    article = ArticleFactory()
    kept = AttributionFactory(article=article)
    refused = AttributionFactory(
        article=article, text="the repairs were behind schedule", start=None
    )

    def edit(data):
        prepend_to_body(data)
        data[f"{inline_row(data, refused)}-text"] = "not in the invented body"
        data[f"{inline_row(data, refused)}-start"] = ""
        data[f"{inline_row(data, refused)}-end"] = ""

    response = post_article(editor_client, article, edit)

    assert response.status_code == 200
    forms = {f.instance.pk: f for f in response.context["inline_admin_formsets"][0].formset}
    assert forms[refused.pk].errors["text"] == ["This text does not occur in the article body."]
    assert not forms[kept.pk].errors
    content = response.content.decode()
    assert "Does not match the body" not in content
    kept_before = kept.start
    kept.refresh_from_db()
    assert (kept.start, kept.anchor_status) == (kept_before, AnchorStatus.ANCHORED)
