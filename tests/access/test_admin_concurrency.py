"""Two editors on one row: the admin refuses a change form submitted on a version of the
row that someone changed since (see access/concurrency.py), shows who changed it, when and
what, writes nothing, and takes the second submit of the form it shows again.

Every article, person and outlet here is invented (see tests/factories.py).
"""

import threading
import time

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.admin_base import TrackerAdmin
from access.concurrency import VERSION_FIELD, versioned
from access.roles import EDITORS
from articles.models import Article
from articles.services import article_correct
from claims import services as claim_services
from claims.models import Attribution, Claim
from claims.services import attribution_delete, claim_delete
from sources.models import Source
from sources.services import source_merge
from tests.claims.test_admin import inline_row
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    MetadataSpanFactory,
    OutletFactory,
    ReviewFactory,
    SourceAliasFactory,
    SourceFactory,
    SourceIdentifierFactory,
    UserFactory,
)
from tests.sources.test_admin import admin_url, form_values, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_content_type_cache():
    ContentType.objects.clear_cache()


@pytest.fixture
def other(db):
    return UserFactory(
        username="mkestrel", first_name="Mira", last_name="Kestrel", is_staff=True, roles=[EDITORS]
    )


@pytest.fixture
def other_client(other):
    client = Client()
    client.force_login(other)
    return client


def opened(client, obj) -> tuple[str, dict[str, str]]:
    """The change form of ``obj`` as ``client`` opens it: its address and its values."""
    url = admin_url(type(obj), "change", obj.pk)
    response = client.get(url)
    assert response.status_code == 200
    return url, form_values(response)


def top_errors(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def history_link(obj) -> str:
    return f'href="{admin_url(type(obj), "history", obj.pk)}"'


# --- The form carries the version --------------------------------------------------------


def test_change_forms_carry_the_version_of_their_row_and_of_each_inline_row(editor_client):
    attribution = AttributionFactory()
    article = attribution.article
    url, data = opened(editor_client, article)
    assert data[VERSION_FIELD] == article.updated_at.isoformat()
    assert data[f"attributions-0-{VERSION_FIELD}"] == attribution.updated_at.isoformat()
    # Hidden: no label, no column.
    content = editor_client.get(url).content.decode()
    assert f'<input type="hidden" name="{VERSION_FIELD}"' in content
    assert ">version<" not in content.lower()
    # Add forms have no version.
    assert VERSION_FIELD not in form_values(editor_client.get(admin_url(Article, "add")))


def test_every_admin_that_changes_rows_can_tell_their_version(superuser):
    """Each registered admin either edits rows that have a version (``updated_at``) and
    draws the field, or never shows a change form that saves."""
    request = RequestFactory().get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, TrackerAdmin):
            continue
        row = model()
        row.pk = 1
        if versioned(model):
            form = model_admin.get_form(request, row, change=True)
            assert VERSION_FIELD in form.base_fields, model
        else:
            assert not model_admin.has_change_permission(request, row), model


def a_correction():
    correction, _report = article_correct(
        article=ArticleFactory(), published_at=timezone.now(), what_changed="The invented date."
    )
    return correction


@pytest.mark.parametrize(
    "make",
    [
        OutletFactory,
        MetadataSpanFactory,
        a_correction,
        SourceAliasFactory,
        SourceIdentifierFactory,
        ClaimRelationFactory,
        ReviewFactory,
    ],
)
def test_every_other_change_form_carries_its_version_and_saves_unchanged(editor_client, make):
    row = make()
    url, data = opened(editor_client, row)
    assert data[VERSION_FIELD] == row.updated_at.isoformat()
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


# --- Two editors, one row ----------------------------------------------------------------

# (factory, a field the other editor changes, its value, a field this editor changes, its
# value): an article (its admin is in suggestions/admin.py), a source, a claim and an
# attribution, on their own change pages.
TWO_EDITS = [
    pytest.param(
        ArticleFactory,
        ("headline", "Quellbridge bridge reopening delayed, invented report"),
        ("byline", "Invented Reporter"),
        id="article",
    ),
    pytest.param(
        lambda: SourceFactory(name="Ilse Varnok", role="mayor"),
        ("role", "former mayor"),
        ("description", "Invented mayor of the invented Quellbridge"),
        id="source",
    ),
    pytest.param(
        ClaimFactory,
        ("text", "The invented Quellbridge bridge reopens in July."),
        ("notes", "Invented: check the council minutes."),
        id="claim",
    ),
    pytest.param(
        AttributionFactory,
        ("cue", "insisted"),
        ("note", "Invented: the quote is from the council meeting."),
        id="attribution",
    ),
]


@pytest.mark.parametrize(("make", "theirs", "mine"), TWO_EDITS)
def test_a_save_on_a_row_changed_since_it_was_opened_is_refused_then_saves_again(
    editor_client, other_client, make, theirs, mine
):
    row = make()
    model = type(row)
    url, my_form = opened(editor_client, row)
    _, their_form = opened(other_client, row)
    (their_field, their_value), (my_field, my_value) = theirs, mine
    before = getattr(row, my_field)

    their_form[their_field] = their_value
    assert other_client.post(url, their_form).status_code == 302
    records = row.history.count()

    my_form[my_field] = my_value
    refused = editor_client.post(url, my_form)

    assert refused.status_code == 200
    message = top_errors(refused)
    assert f"This {model._meta.verbose_name} was changed by Mira Kestrel on " in message
    label = str(refused.context["adminform"].form.fields[their_field].label)
    assert f"Changed meanwhile: {label}." in message
    assert "Nothing was saved." in message
    assert history_link(row) in refused.content.decode()
    # Nothing written: the row is as the other editor left it, with no new history.
    row.refresh_from_db()
    assert getattr(row, their_field) == their_value
    assert getattr(row, my_field) == before
    assert row.history.count() == records

    # The form comes back with this editor's edit, the other editor's change where this
    # editor left the field alone, and the current version: saving it again works.
    again = form_values(refused)
    assert again[my_field] == my_value
    assert again[their_field] == their_value
    assert again[VERSION_FIELD] == row.updated_at.isoformat()
    assert editor_client.post(url, again).status_code == 302
    row.refresh_from_db()
    assert (getattr(row, my_field), getattr(row, their_field)) == (my_value, their_value)


def test_a_field_both_editors_changed_is_marked_and_keeps_this_editors_value(
    editor_client, other_client
):
    claim = ClaimFactory()
    url, mine = opened(editor_client, claim)
    _, theirs = opened(other_client, claim)
    theirs["text"] = "The invented bridge reopens in July."
    assert other_client.post(url, theirs).status_code == 302

    mine["text"] = "The invented bridge reopens in August."
    refused = editor_client.post(url, mine)

    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert form.errors["text"] == [
        "Changed by someone else too since you opened the page; your value is shown "
        "(the other one is in the history)."
    ]
    again = form_values(refused)
    assert again["text"] == "The invented bridge reopens in August."
    assert editor_client.post(url, again).status_code == 302
    claim.refresh_from_db()
    assert claim.text == "The invented bridge reopens in August."


def test_a_body_edit_made_meanwhile_is_kept_when_the_refused_form_is_saved_again(
    editor_client, other_client
):
    """The other editor's body edit re-anchored the spans; this editor's headline edit,
    refused, then saved again, leaves the new body and the spans where they are."""
    attribution = AttributionFactory()
    article = attribution.article
    url, mine = opened(editor_client, article)
    _, theirs = opened(other_client, article)
    theirs["body"] = "UPDATED: " + theirs["body"]
    assert other_client.post(url, theirs).status_code == 302
    attribution.refresh_from_db()
    moved_to = attribution.start

    mine["headline"] = "Quellbridge bridge: the invented council confirms June"
    refused = editor_client.post(url, mine)
    assert refused.status_code == 200
    assert "Changed meanwhile: Body." in top_errors(refused)

    again = editor_client.post(url, form_values(refused))
    assert again.status_code == 302, (top_errors(again), again.context["errors"])
    article.refresh_from_db()
    attribution.refresh_from_db()
    assert article.body.startswith("UPDATED: ")
    assert article.headline == "Quellbridge bridge: the invented council confirms June"
    assert attribution.start == moved_to


def test_a_change_only_to_fields_the_form_does_not_edit_does_not_block_the_save(editor_client):
    claim = ClaimFactory()
    url, mine = opened(editor_client, claim)
    # The cross-check recomputes a claim's status, which the form shows read-only.
    claim.status = Claim.Status.CONTESTED
    claim.save()

    mine["notes"] = "Invented: two outlets disagree."
    assert editor_client.post(url, mine).status_code == 302
    claim.refresh_from_db()
    assert (claim.notes, claim.status) == ("Invented: two outlets disagree.", "contested")


def test_a_form_without_the_version_is_refused_then_saves_again(editor_client):
    source = SourceFactory(name="Ilse Varnok", role="")
    url, data = opened(editor_client, source)
    del data[VERSION_FIELD]
    data["role"] = "mayor"

    refused = editor_client.post(url, data)

    assert refused.status_code == 200
    assert "did not say which version of the source it was opened on" in top_errors(refused)
    source.refresh_from_db()
    assert source.role == ""
    assert editor_client.post(url, form_values(refused)).status_code == 302
    source.refresh_from_db()
    assert source.role == "mayor"


def test_a_row_deleted_since_its_form_was_opened_is_reported_with_who_deleted_it(
    editor_client, other
):
    claim = ClaimFactory()
    pk = claim.pk
    url, data = opened(editor_client, claim)
    claim_delete(claim=claim, user=other)

    data["notes"] = "Invented: too late."
    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert response.url == admin_url(Claim)
    [(level, message)] = messages_of(response)
    assert level == "error"
    assert f"This claim (#{pk}) was deleted by Mira Kestrel on " in message
    assert "Nothing was saved." in message
    link = f'<a href="{admin_url(Claim, "history", pk)}">See its history</a>'
    assert link in message
    assert link in editor_client.get(response.url).content.decode()
    assert not Claim.objects.exists()


def test_an_attribution_opened_before_its_source_was_merged_away_is_stale(editor_client, other):
    attribution = AttributionFactory(source=SourceFactory(name="Mayor Varnok"))
    keep = SourceFactory(name="Ilse Varnok")
    url, mine = opened(editor_client, attribution)
    source_merge(keep=keep, others=[attribution.source], user=other)

    mine["cue"] = "insisted"
    refused = editor_client.post(url, mine)

    assert refused.status_code == 200
    message = top_errors(refused)
    assert "This attribution was changed by Mira Kestrel on " in message
    assert "Changed meanwhile: Source." in message
    again = form_values(refused)
    assert again["source"] == str(keep.pk)
    assert editor_client.post(url, again).status_code == 302
    attribution.refresh_from_db()
    assert (attribution.source, attribution.cue) == (keep, "insisted")


# --- Inline rows ------------------------------------------------------------------------


def test_an_inline_row_changed_since_the_page_was_opened_refuses_the_whole_submit(
    editor_client, other_client
):
    attribution = AttributionFactory()
    article = attribution.article
    url, mine = opened(editor_client, article)
    # The other editor changes the attribution on its own page.
    attribution_url, theirs = opened(other_client, attribution)
    theirs["kind"] = "indirect"
    assert other_client.post(attribution_url, theirs).status_code == 302

    mine["headline"] = "Quellbridge bridge: the invented council confirms June"
    refused = editor_client.post(url, mine)

    assert refused.status_code == 200
    assert "Nothing was saved: 1 of the rows below changed" in top_errors(refused)
    [formset] = [
        inline.formset
        for inline in refused.context["inline_admin_formsets"]
        if inline.formset.model is Attribution
    ]
    row_errors = " ".join(formset.forms[0].non_field_errors())
    assert "This attribution was changed by Mira Kestrel on " in row_errors
    assert "Changed meanwhile: Kind." in row_errors
    assert history_link(attribution) in refused.content.decode()
    article.refresh_from_db()
    assert article.headline != "Quellbridge bridge: the invented council confirms June"

    # Saved again, the row keeps the other editor's kind (this editor left it alone).
    again = form_values(refused)
    assert again["attributions-0-kind"] == "indirect"
    assert editor_client.post(url, again).status_code == 302
    article.refresh_from_db()
    attribution.refresh_from_db()
    assert article.headline == "Quellbridge bridge: the invented council confirms June"
    assert attribution.kind == "indirect"


def test_inline_rows_are_not_saved_when_the_row_itself_is_stale(editor_client, other_client):
    source = SourceFactory(name="Ilse Varnok")
    url, mine = opened(editor_client, source)
    _, theirs = opened(other_client, source)
    theirs["role"] = "mayor"
    assert other_client.post(url, theirs).status_code == 302

    mine["aliases-0-name"] = "Varnok"
    mine["identifiers-0-scheme"] = "wikidata"
    mine["identifiers-0-value"] = "Q90125"
    refused = editor_client.post(url, mine)

    assert refused.status_code == 200
    assert "This source was changed by Mira Kestrel" in top_errors(refused)
    assert not source.aliases.exists()
    assert not source.identifiers.exists()
    assert editor_client.post(url, form_values(refused)).status_code == 302
    assert list(source.aliases.values_list("name", flat=True)) == ["Varnok"]
    assert source.identifiers.get().value == "Q90125"


def test_an_inline_row_deleted_since_the_page_was_opened_is_reported_and_dropped(
    editor_client, other
):
    article = ArticleFactory()
    gone = AttributionFactory(article=article, text="We will not rush it")
    kept = AttributionFactory(article=article, text="the repairs were behind schedule")
    pk = gone.pk
    url, mine = opened(editor_client, article)
    mine[f"{inline_row(mine, gone)}-stance"] = "denies"
    mine[f"{inline_row(mine, kept)}-stance"] = "denies"
    attribution_delete(attribution=gone, user=other)

    refused = editor_client.post(url, mine)

    assert refused.status_code == 200
    assert "Nothing was saved: 1 of the rows below changed (or were deleted)" in top_errors(refused)
    content = refused.content.decode()
    assert f"This attribution (#{pk}) was deleted by Mira Kestrel on " in content
    assert "It is no longer listed below." in content
    kept.refresh_from_db()
    assert kept.stance == "asserts"

    # The page lists the rows as they are now, with this editor's edit: it saves.
    again = form_values(refused)
    assert again[f"{inline_row(again, kept)}-stance"] == "denies"
    assert editor_client.post(url, again).status_code == 302
    kept.refresh_from_db()
    assert kept.stance == "denies"
    assert list(article.attributions.all()) == [kept]


# --- Locking --------------------------------------------------------------------------


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="SQLite runs one writer at a time"
)
def test_a_submit_reads_its_row_and_inline_rows_locked(editor_client):
    attribution = AttributionFactory()
    article = attribution.article
    url, data = opened(editor_client, article)
    data["byline"] = "Invented Reporter"
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.post(url, data).status_code == 302
    locked = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert any(f'FOR UPDATE OF "{Article._meta.db_table}"' in sql for sql in locked)
    assert any(f'FOR UPDATE OF "{Attribution._meta.db_table}"' in sql for sql in locked)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent transactions; SQLite's in-memory test database has one writer",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_opened_form_let_exactly_one_through(monkeypatch):
    """Two submits of forms opened on the same version race. Without the row lock both
    would pass the version check before either writes, and the second would silently win."""
    editor = UserFactory(username="editor", is_staff=True, roles=[EDITORS])
    claim = ClaimFactory(text="The invented bridge reopens in June.")
    client = Client()
    client.force_login(editor)
    url, data = opened(client, claim)
    original = claim_services.claim_update

    def slow_update(**kwargs):
        time.sleep(0.5)  # hold the row long enough for the other submit to arrive
        return original(**kwargs)

    monkeypatch.setattr(claim_services, "claim_update", slow_update)
    start = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def save(text: str) -> None:
        try:
            start.wait()
            statuses[text] = client.post(url, {**data, "text": text}).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(f"The invented bridge reopens in {month}.",))
        for month in ("May", "July")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200, 302]
    winner = next(text for text, status in statuses.items() if status == 302)
    assert Claim.objects.get(pk=claim.pk).text == winner


def test_opening_a_change_form_locks_nothing(editor_client):
    source = SourceFactory()
    with CaptureQueriesContext(connection) as queries:
        editor_client.get(admin_url(Source, "change", source.pk))
    assert not any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
