"""A quote split by its cue, stored: the suggestion of a later part points to the first
part's (``Suggestion.continues``), and accepting both links their attributions
(``Attribution.continues``), in whichever order; the admin, the API and BRAT export show
the link. Every text here is invented."""

import pytest
from django.urls import reverse

from interchange.brat import read_brat_folder
from interchange.brat_transfer import brat_for_article, export_brat_articles
from suggestions.bulk import accept_in_bulk
from suggestions.models import Suggestion
from suggestions.services import suggest_attributions, suggestion_accept, suggestion_reject
from tests.factories import ArticleFactory

BODY = (
    "Flood defences, Quellbridge. “The river is rising,” Councillor Ana Ortiz said on "
    "Monday. “We need sandbags.”\n\nThe mayor said the dam would hold."
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts(editor) -> tuple[Suggestion, Suggestion, Suggestion]:
    """The first part, its continuation and an unrelated suggestion, as stored."""
    article = ArticleFactory(body=BODY)
    suggest_attributions(article=article, user=editor)
    first, later, other = Suggestion.objects.filter(article=article).order_by("start")
    assert (first.text, later.text) == ("The river is rising", "We need sandbags.")
    return first, later, other


def test_storing_links_a_continuation_to_its_first_part(parts, editor):
    first, later, other = parts
    assert later.continues == first
    assert first.continues is None
    assert other.continues is None
    assert list(first.continuations.all()) == [later]
    # Running again changes nothing: the link is part of what is compared.
    report = suggest_attributions(article=first.article, user=editor)
    assert (report.unchanged, report.updated, report.created) == (3, 0, 0)


def test_accepting_the_first_part_then_its_continuation_links_them(parts, editor):
    first, later, _other = parts
    head = suggestion_accept(suggestion=first, user=editor)
    tail = suggestion_accept(suggestion=later, user=editor)
    assert tail.continues == head
    assert head.continues is None
    assert tail.history.latest().continues_id == head.pk
    # The attribution the first part makes is deleted: the continuation stands alone.
    head.delete()
    tail.refresh_from_db()
    assert tail.continues is None


def test_a_first_part_accepted_after_its_continuation_links_it_then(parts, editor):
    first, later, _other = parts
    tail = suggestion_accept(suggestion=later, user=editor)
    assert tail.continues is None
    head = suggestion_accept(suggestion=first, user=editor)
    tail.refresh_from_db()
    assert tail.continues == head
    # History keeps both states: created unlinked, then linked.
    assert [row.continues_id for row in tail.history.order_by("history_id")] == [None, head.pk]


def test_a_continuation_of_a_rejected_first_part_has_no_link(parts, editor):
    first, later, _other = parts
    suggestion_reject(suggestion=first, user=editor)
    assert suggestion_accept(suggestion=later, user=editor).continues is None


def test_bulk_accept_takes_a_first_part_before_its_continuation(parts, editor):
    first, later, other = parts
    # The first part stored again after its continuation: a higher id, an earlier start.
    first.delete()
    suggest_attributions(article=other.article, user=editor)
    first = Suggestion.objects.get(article=other.article, start=first.start)
    later.refresh_from_db()
    assert first.pk > later.pk
    assert later.continues == first
    report = accept_in_bulk(Suggestion.objects.filter(article=other.article), link_claims=False)
    assert report.failed == []
    first.refresh_from_db()
    later.refresh_from_db()
    head, tail = first.attribution, later.attribution
    assert head.pk < tail.pk  # accepted first
    assert tail.continues == head
    assert tail.history.count() == 1  # created linked, never updated to link it


def test_brat_export_writes_one_attribution_with_a_discontinuous_content(parts, editor, tmp_path):
    first, later, other = parts
    for suggestion in (first, later, other):
        suggestion_accept(suggestion=suggestion, user=editor)
    ann, written, left_out = brat_for_article(first.article)
    assert (written, left_out) == (2, 0)
    assert f"Content {first.start} {first.end};{later.start} {later.end}\t" in ann
    list(export_brat_articles([first.article], tmp_path))
    (document,) = read_brat_folder(tmp_path)
    assert document.problems == []
    contents = sorted(a.content.fragments for a in document.attributions)
    assert contents[0] == ((first.start, first.end), (later.start, later.end))
    assert [a.cue.text for a in document.attributions] == ["said", "said"]


def test_admin_and_api_show_the_link_read_only(parts, editor, editor_client):
    first, later, unrelated = parts
    head = suggestion_accept(suggestion=first, user=editor)
    tail = suggestion_accept(suggestion=later, user=editor)
    page = editor_client.get(reverse("admin:claims_attribution_change", args=[tail.pk]))
    assert page.status_code == 200
    assert b"Continues" in page.content
    assert 'name="continues"' not in page.content.decode()
    page = editor_client.get(reverse("admin:suggestions_suggestion_change", args=[later.pk]))
    assert b"Continues" in page.content
    data = editor_client.get(f"/api/attributions/{tail.pk}/").json()
    assert data["continues"] == head.pk
    assert editor_client.get(f"/api/suggestions/{later.pk}/").json()["continues"] == first.pk
    # Read-only: a PATCH leaves it alone.
    other = suggestion_accept(suggestion=unrelated, user=editor)
    response = editor_client.patch(
        f"/api/attributions/{tail.pk}/",
        {"continues": other.pk},
        content_type="application/json",
        headers={"if-match": editor_client.get(f"/api/attributions/{tail.pk}/")["ETag"]},
    )
    assert response.status_code == 200
    tail.refresh_from_db()
    assert tail.continues == head


def test_the_extract_api_gives_the_index_of_the_first_part(editor_client):
    response = editor_client.post(
        "/api/extract/", {"text": BODY, "use_archive": False}, content_type="application/json"
    )
    assert response.status_code == 200
    found = response.json()["suggestions"]
    assert [item["continues"] for item in found] == [None, 0, None]
