"""The editors' admin for outlets, articles, sources, aliases and metadata spans.

Every article, person and outlet here is invented (see tests/factories.py).
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.anchoring import AnchorStatus
from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution
from sources.models import Source, SourceAlias
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    OutletFactory,
    SourceAliasFactory,
    SourceFactory,
    SourceIdentifierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every page runs 4 queries before its own: session, user, and the user's permissions
# (direct and through groups). The budgets below are the counts measured, at 1 and at
# MANY rows alike.
MANY = 30


@pytest.fixture(autouse=True)
def _cold_content_type_cache():
    """Change forms look up their content type once per process; clear the cache so every
    test counts that query, whatever ran before it."""
    ContentType.objects.clear_cache()


# --- Helpers, shared with tests/claims/test_admin.py -------------------------------------


class _FormValues(HTMLParser):
    """What a browser would submit for the admin's main form, from its HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "__prefix__" not in name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select is not None:
            self._select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]
            self.values.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            text = text.removeprefix("\r\n").removeprefix("\n")
            # Browsers submit a textarea with CRLF line breaks.
            self.values.append((self._textarea, text.replace("\n", "\r\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_values(response) -> dict[str, str]:
    """The main admin form of ``response`` as a browser would submit it unchanged."""
    parser = _FormValues()
    parser.feed(response.content.decode())
    values: dict[str, str] = {}
    for name, value in parser.values:
        values.setdefault(name, value)
    return values


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def admin_url(model, view="changelist", *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize("client_fixture", ["reader_client", "factchecker_client"])
def test_users_who_are_not_staff_are_sent_to_the_login_page(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    for url in [reverse("admin:index"), admin_url(Article), admin_url(Source, "add")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(admin_url(Outlet))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Every page renders with a number of queries that does not grow with the rows -------


@pytest.mark.parametrize("rows", [1, MANY])
def test_outlet_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    outlets = OutletFactory.create_batch(rows)
    for outlet in outlets:
        ArticleFactory(outlet=outlet)
    with django_assert_max_num_queries(7):
        assert editor_client.get(admin_url(Outlet)).status_code == 200
    with django_assert_max_num_queries(6):
        assert editor_client.get(admin_url(Outlet, "change", outlets[0].pk)).status_code == 200
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(Outlet, "add")).status_code == 200


@pytest.mark.parametrize("rows", [1, MANY])
def test_article_list_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    origin = OutletFactory(name="Invented Wire")
    for _ in range(rows):
        article = ArticleFactory(origin_outlet=origin)
        AttributionFactory(article=article)
        MetadataSpanFactory(article=article)
    with django_assert_max_num_queries(11):
        response = editor_client.get(admin_url(Article))
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


def test_article_list_counts_attributions_and_flagged_spans_without_multiplying(editor_client):
    article = ArticleFactory()
    AttributionFactory(article=article)
    AttributionFactory(article=article, text="bridge would reopen in June", start=None)
    MetadataSpanFactory(article=article, text="June")
    MetadataSpan.objects.filter(article=article).update(
        start=None, end=None, anchor_status=AnchorStatus.ORPHANED
    )
    response = editor_client.get(admin_url(Article))
    row = response.context["cl"].result_list[0]
    assert row.attribution_count == 2
    assert row.flagged_count == 1


def test_article_list_search_finds_words_in_the_body(editor_client):
    ArticleFactory(body="The invented lighthouse of Saltmere will close.", headline="Closure")
    ArticleFactory()
    response = editor_client.get(admin_url(Article), {"q": "lighthouse"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Closure"]


def test_article_add_form_renders(editor_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = editor_client.get(admin_url(Article, "add"))
    assert response.status_code == 200
    assert b"Save the article to see its attributions highlighted" in response.content


@pytest.mark.parametrize("rows", [1, MANY])
def test_source_list_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    council = OrganizationFactory()
    for _ in range(rows):
        person = SourceFactory(affiliation=council)
        SourceAliasFactory(source=person)
        anonymous = AnonymousSourceFactory(affiliation=council)
        AttributionFactory(source=anonymous, article=anonymous.article)
    with django_assert_max_num_queries(8):
        response = editor_client.get(admin_url(Source))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2 * rows + 1


def test_source_search_by_alias_lists_each_source_once(editor_client):
    source = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=source, name="Varnok")
    SourceAliasFactory(source=source, name="Mayor Varnok")
    SourceFactory(name="Someone Else")
    response = editor_client.get(admin_url(Source), {"q": "Varnok"})
    assert list(response.context["cl"].result_list) == [source]


def test_source_list_filters_by_kind_and_affiliation(editor_client):
    council = OrganizationFactory(name="Invented Harbour Council")
    member = SourceFactory(affiliation=council)
    SourceFactory()
    response = editor_client.get(
        admin_url(Source), {"kind__exact": "person", "affiliation__id__exact": council.pk}
    )
    assert list(response.context["cl"].result_list) == [member]


@pytest.mark.parametrize("rows", [1, MANY])
def test_source_change_form_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    council = OrganizationFactory()
    source = SourceFactory(affiliation=council)
    for i in range(rows):
        SourceAliasFactory(source=source)
        article = ArticleFactory()
        AttributionFactory(source=source, article=article, said_on=f"2024-01-{i % 28 + 1:02d}")
        SourceIdentifierFactory(source=source)
    # 9: the identifiers inline is one query, whatever the number of rows.
    with django_assert_max_num_queries(9):
        response = editor_client.get(admin_url(Source, "change", source.pk))
    assert response.status_code == 200
    assert f"{rows} attribution(s) in {rows} article(s)" in response.content.decode()


def test_source_change_form_lists_only_the_latest_fifty_statements(editor_client):
    source = SourceFactory()
    article = ArticleFactory(body="Ferry. " * 60)
    for i in range(51):
        AttributionFactory(source=source, article=article, text="Ferry.", start=7 * i, claim=None)
    response = editor_client.get(admin_url(Source, "change", source.pk))
    assert response.status_code == 200
    statements = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is Attribution
    )
    assert len(statements.formset.forms) == 50
    assert f"source__id__exact={source.pk}" in response.content.decode()


def test_source_add_form_renders(editor_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert editor_client.get(admin_url(Source, "add")).status_code == 200


@pytest.mark.parametrize("rows", [1, MANY])
def test_alias_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    aliases = SourceAliasFactory.create_batch(rows)
    with django_assert_max_num_queries(7):
        assert editor_client.get(admin_url(SourceAlias)).status_code == 200
    with django_assert_max_num_queries(6):
        response = editor_client.get(admin_url(SourceAlias, "change", aliases[0].pk))
    assert response.status_code == 200
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(SourceAlias, "add")).status_code == 200


@pytest.mark.parametrize("rows", [1, MANY])
def test_metadata_span_pages_run_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    credit = OutletFactory(name="Invented Photo Agency")
    spans = [MetadataSpanFactory(outlet=credit) for _ in range(rows)]
    with django_assert_max_num_queries(8):
        assert editor_client.get(admin_url(MetadataSpan)).status_code == 200
    with django_assert_max_num_queries(6):
        response = editor_client.get(admin_url(MetadataSpan, "change", spans[0].pk))
    assert response.status_code == 200
    assert b"<mark>Quellbridge</mark>" in response.content
    with django_assert_max_num_queries(4):
        assert editor_client.get(admin_url(MetadataSpan, "add")).status_code == 200


# --- Saving through the admin ------------------------------------------------------------


def test_saving_an_outlet_records_the_editor_in_history(editor_client, editor):
    outlet = OutletFactory()
    data = form_values(editor_client.get(admin_url(Outlet, "change", outlet.pk)))
    data["domain"] = "invented-gazette.example"
    response = editor_client.post(admin_url(Outlet, "change", outlet.pk), data)
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert outlet.domain == "invented-gazette.example"
    assert outlet.history.first().history_user == editor


def test_adding_a_source_with_aliases_goes_through_the_services(editor_client, editor):
    data = form_values(editor_client.get(admin_url(Source, "add")))
    data.update(kind="person", name="Ilse Varnok", role="mayor")
    data["aliases-0-name"] = "Varnok"
    response = editor_client.post(admin_url(Source, "add"), data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.get(name="Ilse Varnok")
    assert list(source.aliases.values_list("name", flat=True)) == ["Varnok"]
    assert source.history.first().history_user == editor
    assert source.aliases.get().history.first().history_user == editor


def test_a_source_breaking_a_rule_is_refused_on_the_field(editor_client):
    data = form_values(editor_client.get(admin_url(Source, "add")))
    data.update(kind="anonymous", description="an invented harbour official")
    response = editor_client.post(admin_url(Source, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["article"] == [
        "An anonymous source belongs to the one article that quotes it."
    ]
    assert not Source.objects.exists()


def test_an_alias_the_source_already_has_is_refused_with_a_message(editor_client):
    source = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=source, name="Varnok")
    data = form_values(editor_client.get(admin_url(Source, "change", source.pk)))
    data["aliases-1-name"] = "  VARNOK "
    response = editor_client.post(admin_url(Source, "change", source.pk), data)
    assert response.status_code == 200
    assert "already has this alias" in response.content.decode()
    assert source.aliases.count() == 1


def test_article_saved_unchanged_from_the_browser_keeps_its_spans(editor_client):
    article = ArticleFactory(body="First paragraph.\n\nMayor Varnok said the bridge would reopen.")
    span = MetadataSpanFactory(article=article, text="Mayor Varnok")
    data = form_values(editor_client.get(admin_url(Article, "change", article.pk)))
    assert "\r\n" in data["body"]
    response = editor_client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 302
    article.refresh_from_db()
    span.refresh_from_db()
    assert "\r" not in article.body
    assert (span.start, span.anchor_status) == (18, AnchorStatus.ANCHORED)
    assert article.history.count() == 2


def test_body_edit_re_anchors_metadata_spans_left_alone_in_the_inline(editor_client, editor):
    article = ArticleFactory()
    span = MetadataSpanFactory(article=article, text="Quellbridge")
    data = form_values(editor_client.get(admin_url(Article, "change", article.pk)))
    data["body"] = "UPDATED: " + data["body"]
    response = editor_client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 302
    span.refresh_from_db()
    assert span.start == article.body.find("Quellbridge") + len("UPDATED: ")
    assert span.anchor_status == AnchorStatus.MOVED
    assert span.history.first().history_user == editor


def test_metadata_span_not_matching_the_body_is_refused_on_the_field(editor_client):
    article = ArticleFactory()
    data = form_values(editor_client.get(admin_url(MetadataSpan, "add")))
    data.update(article=article.pk, kind="photo_credit", text="(Invented Photo Agency)")
    response = editor_client.post(admin_url(MetadataSpan, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == [
        "This text does not occur in the article body."
    ]
    assert not MetadataSpan.objects.exists()


def test_re_anchoring_an_orphaned_metadata_span_by_hand_anchors_it(editor_client):
    span = MetadataSpanFactory(text="Quellbridge")
    MetadataSpan.objects.filter(pk=span.pk).update(
        start=None, end=None, anchor_status=AnchorStatus.ORPHANED
    )
    data = form_values(editor_client.get(admin_url(MetadataSpan, "change", span.pk)))
    data["text"] = "river bridge"
    response = editor_client.post(admin_url(MetadataSpan, "change", span.pk), data)
    assert response.status_code == 302
    span.refresh_from_db()
    assert span.anchor_status == AnchorStatus.ANCHORED
    assert span.article.body[span.start : span.end] == "river bridge"


# --- Merging sources ---------------------------------------------------------------------


def merge_post(client, sources, **extra):
    data = {"action": "merge_sources", "_selected_action": [s.pk for s in sources], **extra}
    return client.post(admin_url(Source), data)


def test_merge_confirmation_proposes_the_source_with_most_attributions(editor_client):
    article = ArticleFactory()
    few = SourceFactory(name="I. Varnok")
    many = SourceFactory(name="Ilse Varnok")
    AttributionFactory(source=few, article=article)
    AttributionFactory.create_batch(2, source=many, article=article)
    response = merge_post(editor_client, [few, many])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/sources/source/merge_confirmation.html"
    rows = response.context["rows"]
    assert [(row["source"], row["checked"]) for row in rows] == [(many, True), (few, False)]
    assert ("attributions", 2) in rows[0]["counts"]
    assert f'value="{many.pk}" checked' in response.content.decode()


def test_merge_moves_attributions_and_aliases_to_the_kept_source(editor_client, editor):
    article = ArticleFactory()
    keep = SourceFactory(name="Ilse Varnok")
    other = SourceFactory(name="I. Varnok")
    SourceAliasFactory(source=other, name="Mayor Varnok")
    moved = AttributionFactory(source=other, article=article)
    response = merge_post(editor_client, [keep, other], post="yes", keep=keep.pk)
    assert response.status_code == 302
    assert not Source.objects.filter(pk=other.pk).exists()
    moved.refresh_from_db()
    assert moved.source == keep
    assert set(keep.aliases.values_list("name", flat=True)) == {"I. Varnok", "Mayor Varnok"}
    assert moved.history.first().history_user == editor
    [(level, message)] = messages_of(response)
    assert level == "success"
    assert message.startswith("Merged I. Varnok into Ilse Varnok")


def test_refused_merge_shows_an_error_and_changes_nothing(editor_client):
    first = AnonymousSourceFactory()
    second = AnonymousSourceFactory()
    attribution = AttributionFactory(source=second, article=second.article)
    response = merge_post(editor_client, [first, second], post="yes", keep=first.pk)
    assert response.status_code == 302
    [(level, message)] = messages_of(response)
    assert level == "error"
    assert "belongs to one article" in message
    assert Source.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    attribution.refresh_from_db()
    assert attribution.source == second
    assert not first.aliases.exists()


def test_merge_needs_two_sources(editor_client):
    source = SourceFactory()
    response = merge_post(editor_client, [source])
    assert response.status_code == 302
    assert messages_of(response) == [("warning", "Select at least two sources to merge.")]


def test_merge_is_offered_only_to_those_who_may_delete_sources(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_source", "change_source"])
    )
    client.force_login(staff)
    response = client.get(admin_url(Source))
    assert response.status_code == 200
    assert "merge_sources" not in response.content.decode()
