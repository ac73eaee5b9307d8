"""The editors' admin for claims and attributions, and what it adds to the article and
source pages: the attributions inline, the highlighted preview, statements of a source.

Every article, person and outlet here is invented (see tests/factories.py).
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles import services as article_services
from articles.admin import span_in_context
from articles.anchoring import AnchorStatus
from articles.models import Article
from claims.admin import AttributionInline
from claims.models import Attribution, Claim, ClaimRelation, Review
from sources.models import Source
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    OutletFactory,
    ReviewFactory,
    SourceFactory,
)
from tests.sources.test_admin import MANY, admin_url, form_values, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_content_type_cache():
    """See tests/sources/test_admin.py: every test counts the content type look-up."""
    ContentType.objects.clear_cache()


def article_with_attributions(n: int) -> Article:
    """An invented article with ``n`` attributions of every kind of source, each with its
    own claim and some with a recipient outlet, and a metadata span."""
    sentences = [f"Speaker {i} said the invented ferry {i} would run on time." for i in range(n)]
    body = "\n\n".join([*sentences, "Photo: Invented Photo Agency"])
    article = ArticleFactory(body=body)
    MetadataSpanFactory(
        article=article, kind="photo_credit", text="Invented Photo Agency", outlet=OutletFactory()
    )
    council = OrganizationFactory()
    for i in range(n):
        text = f"the invented ferry {i} would run on time"
        if i % 3 == 0:
            source = AnonymousSourceFactory(article=article, description=f"a ferry official {i}")
            kind = Attribution.Kind.DIRECT
        elif i % 3 == 1:
            source, kind = SourceFactory(affiliation=council), Attribution.Kind.INDIRECT
        else:
            source, kind = None, Attribution.Kind.UNATTRIBUTED
        AttributionFactory(
            article=article,
            source=source,
            kind=kind,
            text=text,
            start=body.find(text),
            recipient=OutletFactory() if i % 2 else None,
        )
    return article


def post_article(client, article, change=None):
    """Submit the article's change form as the browser shows it, after ``change(data)``."""
    url = admin_url(Article, "change", article.pk)
    data = form_values(client.get(url))
    if change is not None:
        change(data)
    return client.post(url, data)


def inline_row(data, attribution) -> str:
    """The form prefix of ``attribution`` in the article's attributions inline."""
    for key, value in data.items():
        if key.startswith("attributions-") and key.endswith("-id") and value == str(attribution.pk):
            return key.removesuffix("-id")
    raise AssertionError(f"attribution {attribution.pk} is not in the form")


# --- The article page ---------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, MANY])
def test_article_change_form_runs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, rows
):
    """Session, user, article, permissions (2), the ids of each inline's rows (2), the page
    of each inline (2), the content type (history), the preview's spans (2): 12 at any
    size. The preview draws every span, the inlines a page of them."""
    article = article_with_attributions(rows)
    with django_assert_num_queries(12):
        response = editor_client.get(admin_url(Article, "change", article.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<mark class="hl ') == rows + 1
    shown = min(rows, AttributionInline.per_page)
    assert content.count('class="span-context"') == shown + 1


def test_seed_article_page_stays_light(editor_client, django_assert_num_queries):
    """The seed article (24 attributions, 5 metadata spans) as an editor opens it: a page
    of attributions, the metadata spans collapsed; bench/admin_article.py times it."""
    call_command("load_seed", verbosity=0)
    article = Article.objects.get(headline__startswith="US-backed forces say ISIS")
    with django_assert_num_queries(12):
        response = editor_client.get(admin_url(Article, "change", article.pk))
    assert response.status_code == 200
    assert len(response.content) < 150_000
    content = response.content.decode()
    assert content.count('<mark class="hl ') >= 24 + 5
    assert "1–10 of 24:" in content
    assert '<details><summary><h2 id="metadata_spans-heading"' in content


def inline_ids(response, prefix: str = "attributions") -> list[int]:
    data = form_values(response)
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    return [int(data[f"{prefix}-{i}-id"]) for i in range(initial)]


def test_attributions_inline_shows_a_page_at_a_time_in_text_order(editor_client):
    article = article_with_attributions(23)
    in_order = list(article.attributions.in_text_order().values_list("pk", flat=True))
    url = admin_url(Article, "change", article.pk)

    first = editor_client.get(url)
    assert inline_ids(first) == in_order[:10]
    content = first.content.decode()
    assert "1–10 of 23:" in content
    assert 'href="?attributions-page=3#attributions-group">3</a>' in content

    last = editor_client.get(url, {"attributions-page": "3"})
    assert inline_ids(last) == in_order[20:]
    assert "21–23 of 23:" in last.content.decode()
    # A page out of range shows the nearest one.
    assert inline_ids(editor_client.get(url, {"attributions-page": "9"})) == in_order[20:]
    assert inline_ids(editor_client.get(url, {"attributions-page": "x"})) == in_order[:10]


def test_a_submit_edits_the_rows_its_page_showed(editor_client):
    """Rows added before them meanwhile push the page's rows to the next page; the submit
    still edits the rows the editor saw, and only them."""
    article = article_with_attributions(12)
    url = admin_url(Article, "change", article.pk) + "?attributions-page=2"
    opened = editor_client.get(url)
    data = form_values(opened)
    seen = inline_ids(opened)
    assert len(seen) == 2
    AttributionFactory(article=article, text="Speaker 0", start=0, source=SourceFactory())
    data["attributions-1-stance"] = "denies"

    assert editor_client.post(url, data).status_code == 302
    denying = article.attributions.filter(stance="denies").values_list("pk", flat=True)
    assert list(denying) == [seen[1]]


def test_metadata_spans_are_collapsed_unless_a_row_has_an_error(editor_client):
    article = article_with_attributions(1)
    heading = '<details><summary><h2 id="metadata_spans-heading"'
    assert heading in editor_client.get(admin_url(Article, "change", article.pk)).content.decode()

    def change(data):
        data["metadata_spans-0-text"] = "Invented Wire Service"

    refused = post_article(editor_client, article, change)
    assert refused.status_code == 200
    content = refused.content.decode()
    assert heading not in content
    assert 'id="metadata_spans-heading"' in content
    assert "not “Invented Wire Service”" in content


def test_saved_rows_leave_out_the_related_buttons_and_new_rows_keep_add(editor_client):
    article = article_with_attributions(2)
    content = editor_client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert 'id="add_id_attributions-0-source"' not in content
    assert 'id="view_id_attributions-0-source"' not in content
    assert 'id="add_id_attributions-2-source"' in content
    assert 'id="add_id_attributions-__prefix__-source"' in content


def test_span_in_context_cuts_the_context_at_word_boundaries():
    body = (
        "The invented ferry across the Quellbridge estuary ran again on Monday morning, "
        "the harbour master said, after a winter of repairs to both of its landing stages."
    )
    quote = "the harbour master said"
    start = body.index(quote)
    span = Attribution(text=quote, start=start, end=start + len(quote))
    # 27 characters on each side cut "ran" in two, which is left out.
    assert body[start - 27 : start] == "n again on Monday morning, "
    assert span_in_context(span, body, width=27) == (
        '<span class="span-context">…again on Monday morning, <mark>the harbour master said'
        "</mark>, after a winter of repairs…</span>"
    )
    # 25 cut "repairs" in two.
    assert body[start + len(quote) : start + len(quote) + 25] == ", after a winter of repai"
    assert span_in_context(span, body, width=25) == (
        '<span class="span-context">…again on Monday morning, <mark>the harbour master said'
        "</mark>, after a winter of…</span>"
    )
    # Where the window reaches the start or the end of the body, nothing is left out.
    assert span_in_context(span, body, width=200) == (
        f'<span class="span-context">{body[:start]}<mark>{quote}</mark>'
        f"{body[start + len(quote) :]}</span>"
    )


def test_preview_colours_attributions_by_kind_of_source_and_titles_them(editor_client):
    article = article_with_attributions(3)
    content = editor_client.get(admin_url(Article, "change", article.pk)).content.decode()
    anonymous = article.attributions.get(source__kind="anonymous")
    unattributed = article.attributions.get(source=None)
    # Drawn as the reader draws them: the same classes, titles and labels.
    assert (
        f'<mark class="hl hl-anonymous hl-at-{anonymous.pk}" '
        'title="Anonymous: a ferry official 0 (anonymous' in content
    )
    assert f"Claim #{anonymous.claim_id}: {anonymous.claim}" in content
    assert '<mark class="hl hl-person hl-at-' in content
    assert (
        f'<mark class="hl hl-unattributed hl-at-{unattributed.pk}" '
        'title="No source (unattributed)' in content
    )
    assert '<mark class="hl hl-metadata" title="Metadata: photo credit">' in content
    assert 'class="hl-legend"' in content
    # Each label leads to its attribution's change page.
    change = admin_url(Attribution, "change", anonymous.pk)
    assert f'<a href="{change}">anon: a ferry official 0</a>' in content


def test_preview_draws_the_body_as_the_reader_does(editor_client):
    """One highlighter: the preview's marks and labels are the reader's; only where the
    labels lead differs (the attribution's change page, not the source and the claim)."""
    article = article_with_attributions(4)
    preview = editor_client.get(admin_url(Article, "change", article.pk)).content.decode()
    reader = editor_client.get(reverse("pages:article-detail", args=[article.pk]))
    assert reader.status_code == 200

    def marks(content: str, start: str) -> str:
        # From the end of the opening tag (the reader's has attributes for editors).
        body = content[content.index(start) :]
        body = body[body.index(">") + 1 : body.index("</div>")]
        body = re.sub(r"<a [^>]*>claim</a>", "", body)
        return re.sub(r"</a>", "</span>", re.sub(r"<a [^>]*>", "<span>", body))

    drawn = marks(preview, '<div class="tracker-preview">')
    assert drawn.count("<mark ") == 5
    assert drawn == marks(reader.content.decode(), '<div class="article-body" id="article-body"')


def test_preview_escapes_html_in_the_body(editor_client):
    article = ArticleFactory(body="The council wrote <script>alert(1)</script> on its site.")
    AttributionFactory(article=article, text="alert(1)", start=None)
    content = editor_client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert "<script>alert(1)" not in content
    assert '&lt;script&gt;<span class="hl-label' in content


def test_article_page_lists_the_spans_that_need_attention(editor_client):
    article = ArticleFactory()
    orphan = AttributionFactory(
        article=article, text="the repairs were behind schedule", start=None
    )
    Attribution.objects.filter(pk=orphan.pk).update(
        start=None, end=None, anchor_status=AnchorStatus.ORPHANED
    )
    content = editor_client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert 'class="flagged-spans"' in content
    assert "Not in the body: “the repairs were behind schedule”" in content


def test_body_edit_re_anchors_attributions_and_warns_about_orphans(editor_client, editor):
    article = ArticleFactory()
    kept = AttributionFactory(article=article)
    lost = AttributionFactory(article=article, text="the repairs were behind schedule", start=None)
    old_start = kept.start

    def edit(data):
        data["body"] = "UPDATED: " + data["body"].replace(
            "the repairs were behind schedule", "the work was going well"
        )

    response = post_article(editor_client, article, edit)
    assert response.status_code == 302
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert (kept.start, kept.anchor_status) == (old_start + 9, AnchorStatus.MOVED)
    assert (lost.start, lost.anchor_status) == (None, AnchorStatus.ORPHANED)
    assert lost.text == "the repairs were behind schedule"
    levels = dict(messages_of(response))
    assert "Spans: 1 moved, 1 orphaned." in levels["info"]
    assert "the repairs were behind schedule" in levels["warning"]
    assert kept.history.first().history_user == editor
    article.refresh_from_db()
    assert article.history.first().history_user == editor


def test_body_edit_checks_a_row_the_editor_changed_against_the_new_body(editor_client):
    article = ArticleFactory()
    row = AttributionFactory(article=article)

    def edit(data):
        data["body"] = "UPDATED: " + data["body"]
        prefix = inline_row(data, row)
        data.update({f"{prefix}-text": "UPDATED", f"{prefix}-start": "", f"{prefix}-end": ""})

    assert post_article(editor_client, article, edit).status_code == 302
    row.refresh_from_db()
    assert (row.start, row.end, row.text) == (0, 7, "UPDATED")
    assert row.anchor_status == AnchorStatus.ANCHORED


def test_body_edit_refuses_a_changed_row_that_is_not_in_the_new_body(editor_client):
    article = ArticleFactory()
    old_body = article.body
    row = AttributionFactory(article=article)

    def edit(data):
        data["body"] = data["body"].replace("said the repairs were behind schedule", "smiled")
        prefix = inline_row(data, row)
        data.update(
            {
                f"{prefix}-text": "the repairs were behind schedule",
                f"{prefix}-start": "",
                f"{prefix}-end": "",
            }
        )

    response = post_article(editor_client, article, edit)
    assert response.status_code == 200
    [form] = [f for f in response.context["inline_admin_formsets"][0].formset if f.instance == row]
    assert form.errors["text"] == ["This text does not occur in the article body."]
    article.refresh_from_db()
    row.refresh_from_db()
    assert article.body == old_body
    assert row.text == "We will not rush it"


def test_inline_span_that_does_not_match_the_body_is_refused_on_the_field(editor_client):
    article = ArticleFactory()
    row = AttributionFactory(article=article)
    stored = (row.start, row.end, row.text)

    def edit(data):
        prefix = inline_row(data, row)
        data[f"{prefix}-start"] = "0"
        data[f"{prefix}-end"] = str(len(row.text))

    response = post_article(editor_client, article, edit)
    assert response.status_code == 200
    assert "Please correct the error below." in response.content.decode()
    [form] = [f for f in response.context["inline_admin_formsets"][0].formset if f.instance == row]
    assert form.errors["text"] == [
        "The body has “Mayor Ilse Varnok o” at 0–19, not “We will not rush it”."
    ]
    row.refresh_from_db()
    assert (row.start, row.end, row.text) == stored


def test_new_attribution_in_the_inline_is_located_from_its_text(editor_client, editor):
    article = ArticleFactory()
    engineer = AnonymousSourceFactory(article=article)

    def edit(data):
        data.update(
            {
                "attributions-0-source": str(engineer.pk),
                "attributions-0-kind": "indirect",
                "attributions-0-text": "the repairs were behind schedule",
            }
        )

    response = post_article(editor_client, article, edit)
    assert response.status_code == 302
    created = article.attributions.get()
    assert article.body[created.start : created.end] == "the repairs were behind schedule"
    assert created.source == engineer
    assert created.history.first().history_user == editor


def test_inline_text_occurring_twice_asks_for_the_start_offset(editor_client):
    article = ArticleFactory(body="Varnok said no. Later Varnok said no again.")
    source = SourceFactory()

    def edit(data):
        data.update(
            {
                "attributions-0-source": str(source.pk),
                "attributions-0-kind": "direct",
                "attributions-0-text": "said no",
            }
        )

    response = post_article(editor_client, article, edit)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["start"] == [
        "This text occurs 2 times in the body (at offsets 7, 29); "
        "give the start offset of the one you mean."
    ]
    assert not Attribution.objects.exists()


def test_validation_error_from_a_service_rolls_back_and_shows_the_form(editor_client, monkeypatch):
    article = ArticleFactory()
    real_update = article_services.article_update

    def refusing_update(**kwargs):
        real_update(**kwargs)
        raise ValidationError({"headline": "An invented rule refused this headline."})

    monkeypatch.setattr(article_services, "article_update", refusing_update)
    response = post_article(
        editor_client, article, lambda data: data.update(headline="A refused headline")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline"] == [
        "An invented rule refused this headline."
    ]
    article.refresh_from_db()
    assert article.headline != "A refused headline"
    assert article.history.count() == 1


# --- The source page ----------------------------------------------------------------------


def test_merge_proposes_to_keep_a_named_source_over_an_anonymous_one(editor_client):
    anonymous = AnonymousSourceFactory()
    AttributionFactory.create_batch(2, source=anonymous, article=anonymous.article)
    named = SourceFactory()
    AttributionFactory(source=named, article=anonymous.article)
    response = editor_client.post(
        admin_url(Source),
        {"action": "merge_sources", "_selected_action": [anonymous.pk, named.pk]},
    )
    assert [row["source"] for row in response.context["rows"] if row["checked"]] == [named]


# --- Claims -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, MANY])
def test_claim_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    article = article_with_attributions(rows)
    claim = ClaimFactory()
    article.attributions.update(claim=claim)
    for _ in range(rows):
        ClaimRelationFactory(from_claim=claim)
        ClaimRelationFactory(to_claim=claim)
        ReviewFactory(claim=claim)
    with django_assert_max_num_queries(7):
        response = editor_client.get(admin_url(Claim))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = editor_client.get(admin_url(Claim, "change", claim.pk))
    assert response.status_code == 200
    assert response.content.decode().count('class="span-context"') == rows
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(Claim, "add")).status_code == 200


def test_claim_search_by_attribution_text_lists_each_claim_once(editor_client):
    claim = ClaimFactory()
    article = ArticleFactory()
    for text in ["behind schedule", "the repairs were behind schedule"]:
        AttributionFactory(article=article, claim=claim, text=text, start=None)
    ClaimFactory()
    response = editor_client.get(admin_url(Claim), {"q": "schedule"})
    assert list(response.context["cl"].result_list) == [claim]
    assert response.context["cl"].result_list[0].attribution_count == 2


def test_claim_inlines_record_relations_and_reviews_through_the_services(editor_client, editor):
    claim = ClaimFactory()
    other = ClaimFactory()
    url = admin_url(Claim, "change", claim.pk)
    data = form_values(editor_client.get(url))
    data.update(
        {
            "outgoing_relations-TOTAL_FORMS": "1",
            "outgoing_relations-0-kind": "supports",
            "outgoing_relations-0-to_claim": str(other.pk),
            "outgoing_relations-0-note": "Invented note.",
            "reviews-TOTAL_FORMS": "1",
            "reviews-0-rating": "mostly_true",
            "reviews-0-summary": "The invented council confirmed it.",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    relation = ClaimRelation.objects.get()
    assert (relation.from_claim, relation.to_claim, relation.created_by) == (claim, other, editor)
    review = Review.objects.get()
    assert review.reviewer == editor
    assert review.history.first().history_user == editor


def test_claim_inline_corrects_the_source_of_an_attribution(editor_client, editor):
    attribution = AttributionFactory()
    other = SourceFactory()
    url = admin_url(Claim, "change", attribution.claim.pk)
    data = form_values(editor_client.get(url))
    data["attributions-0-source"] = str(other.pk)
    assert editor_client.post(url, data).status_code == 302
    attribution.refresh_from_db()
    assert attribution.source == other
    assert attribution.history.first().history_user == editor


def test_claim_inline_refuses_a_source_from_another_article(editor_client):
    attribution = AttributionFactory()
    stranger = AnonymousSourceFactory()
    url = admin_url(Claim, "change", attribution.claim.pk)
    data = form_values(editor_client.get(url))
    data["attributions-0-source"] = str(stranger.pk)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "belongs to another article" in response.content.decode()
    attribution.refresh_from_db()
    assert attribution.source != stranger


def test_claim_inline_shows_an_error_on_a_read_only_field_instead_of_failing(editor_client):
    attribution = AttributionFactory()
    # A span whose text no longer matches the body (only possible behind the app's back).
    Attribution.objects.filter(pk=attribution.pk).update(text="X" * len(attribution.text))
    url = admin_url(Claim, "change", attribution.claim.pk)
    data = form_values(editor_client.get(url))
    data["attributions-0-stance"] = "denies"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Text: The body has “We will not rush it”" in response.content.decode()
    attribution.refresh_from_db()
    assert attribution.stance == Attribution.Stance.ASSERTS


def test_adding_a_claim_records_the_editor(editor_client, editor):
    data = form_values(editor_client.get(admin_url(Claim, "add")))
    data["text"] = "The invented ferry runs on time."
    assert editor_client.post(admin_url(Claim, "add"), data).status_code == 302
    assert Claim.objects.get().history.first().history_user == editor


# --- Attributions -------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, MANY])
def test_attribution_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    article = article_with_attributions(rows)
    attribution = (
        article.attributions.exclude(recipient=None).first() or article.attributions.first()
    )
    with django_assert_max_num_queries(7):
        response = editor_client.get(admin_url(Attribution))
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows
    with django_assert_max_num_queries(6):
        response = editor_client.get(admin_url(Attribution, "change", attribution.pk))
    assert response.status_code == 200
    assert b"<mark>the invented ferry" in response.content
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(Attribution, "add")).status_code == 200


def test_attribution_add_form_refuses_a_span_not_in_the_body(editor_client):
    article = ArticleFactory()
    source = SourceFactory()
    data = form_values(editor_client.get(admin_url(Attribution, "add")))
    data.update(article=article.pk, source=source.pk, kind="direct", text="We will rush it")
    response = editor_client.post(admin_url(Attribution, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == [
        "This text does not occur in the article body."
    ]
    assert not Attribution.objects.exists()


def test_attribution_add_form_refuses_offsets_beyond_the_body(editor_client):
    article = ArticleFactory()
    data = form_values(editor_client.get(admin_url(Attribution, "add")))
    data.update(article=article.pk, kind="unattributed", start="5", end="5000")
    response = editor_client.post(admin_url(Attribution, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end"] == [
        f"The body is {len(article.body)} characters long; the span ends at 5000."
    ]
    assert not Attribution.objects.exists()


def test_attribution_add_form_takes_the_text_from_the_offsets(editor_client, editor):
    article = ArticleFactory()
    source = SourceFactory()
    data = form_values(editor_client.get(admin_url(Attribution, "add")))
    data.update(article=article.pk, source=source.pk, kind="indirect", start="0", end="17")
    data["is_reviewed"] = "on"
    response = editor_client.post(admin_url(Attribution, "add"), data)
    assert response.status_code == 302
    attribution = Attribution.objects.get()
    assert attribution.text == "Mayor Ilse Varnok"
    assert attribution.reviewed_by == editor
    assert attribution.history.first().history_user == editor


def test_mark_reviewed_action_goes_through_the_service(editor_client, editor):
    suggested = AttributionFactory(is_suggested=True)
    response = editor_client.post(
        admin_url(Attribution), {"action": "mark_reviewed", "_selected_action": [suggested.pk]}
    )
    assert response.status_code == 302
    suggested.refresh_from_db()
    assert suggested.is_reviewed
    assert suggested.reviewed_by == editor
    assert suggested.reviewed_at is not None
    assert messages_of(response) == [("success", "1 attribution(s) marked reviewed.")]


def test_attribution_list_filters_by_anchor_status_and_kind_of_source(editor_client):
    article = article_with_attributions(3)
    response = editor_client.get(
        admin_url(Attribution), {"anchor_status__exact": "anchored", "source__kind": "anonymous"}
    )
    assert [a.source.kind for a in response.context["cl"].result_list] == ["anonymous"]
    assert response.context["cl"].result_list[0].article == article


# --- Relations and reviews ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, MANY])
def test_relation_and_review_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, editor, rows
):
    relations = [ClaimRelationFactory(created_by=editor) for _ in range(rows)]
    reviews = [ReviewFactory(reviewer=editor) for _ in range(rows)]
    with django_assert_max_num_queries(7):
        assert editor_client.get(admin_url(ClaimRelation)).status_code == 200
    with django_assert_max_num_queries(6):
        response = editor_client.get(admin_url(ClaimRelation, "change", relations[0].pk))
    assert response.status_code == 200
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(ClaimRelation, "add")).status_code == 200
    with django_assert_max_num_queries(8):
        assert editor_client.get(admin_url(Review)).status_code == 200
    # One more than the relation's page: whether the user is an editor (a review is
    # changed by its author or an editor).
    with django_assert_max_num_queries(7):
        assert editor_client.get(admin_url(Review, "change", reviews[0].pk)).status_code == 200
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(Review, "add")).status_code == 200


def test_adding_a_relation_records_who_made_it(editor_client, editor):
    first, second = ClaimFactory(), ClaimFactory()
    data = form_values(editor_client.get(admin_url(ClaimRelation, "add")))
    data.update(from_claim=first.pk, to_claim=second.pk, kind="contradicts")
    assert editor_client.post(admin_url(ClaimRelation, "add"), data).status_code == 302
    relation = ClaimRelation.objects.get()
    assert relation.created_by == editor
    assert relation.history.first().history_user == editor


def test_a_claim_cannot_be_related_to_itself(editor_client):
    claim = ClaimFactory()
    data = form_values(editor_client.get(admin_url(ClaimRelation, "add")))
    data.update(from_claim=claim.pk, to_claim=claim.pk, kind="supports")
    response = editor_client.post(admin_url(ClaimRelation, "add"), data)
    assert response.status_code == 200
    assert not ClaimRelation.objects.exists()


def test_adding_a_review_makes_the_editor_its_reviewer(editor_client, editor):
    claim = ClaimFactory()
    data = form_values(editor_client.get(admin_url(Review, "add")))
    data.update(claim=claim.pk, rating="false", summary="The invented ferry never ran.")
    assert editor_client.post(admin_url(Review, "add"), data).status_code == 302
    assert Review.objects.get().reviewer == editor


def test_new_article_and_its_attributions_are_saved_in_one_submit(editor_client, editor):
    outlet = OutletFactory()
    source = SourceFactory()
    data = form_values(editor_client.get(admin_url(Article, "add")))
    data.update(
        {
            "headline": "Invented ferry resumes service",
            "outlet": str(outlet.pk),
            "body": "The invented ferry runs again, the harbour master said.\r\nMore later.",
            "attributions-0-source": str(source.pk),
            "attributions-0-kind": "indirect",
            "attributions-0-text": "The invented ferry runs again",
        }
    )
    response = editor_client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(headline="Invented ferry resumes service")
    assert article.body == "The invented ferry runs again, the harbour master said.\nMore later."
    attribution = article.attributions.get()
    assert (attribution.start, attribution.end) == (0, 29)
    assert article.history.first().history_user == editor
    assert attribution.history.first().history_user == editor


def test_history_pages_render_for_the_editor(editor_client):
    attribution = AttributionFactory()
    for obj in [attribution, attribution.article, attribution.source, attribution.claim]:
        response = editor_client.get(admin_url(type(obj), "history", obj.pk))
        assert response.status_code == 200
