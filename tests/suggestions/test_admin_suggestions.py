"""The editors' side of suggested attributions: the article action and the review screen.
The seed article's text is the project's own; every other name is invented."""

from pathlib import Path

import pytest
from django.urls import reverse

from access.roles import FACT_CHECKERS
from claims.models import Attribution
from sources.models import Source
from suggestions.models import Suggestion
from suggestions.services import suggest_attributions
from tests.factories import ArticleFactory, UserFactory
from tests.sources.test_admin import form_values

SEED_TEXT = (Path(__file__).parents[2] / "seeds" / "baghouz-2019-03-13.txt").read_text()
CHANGELIST = "/admin/suggestions/suggestion/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(body=SEED_TEXT, url="")


def run_action(client, url, action, ids):
    return client.post(
        url, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True
    )


def test_article_action_stores_suggestions_and_links_the_queue(editor_client, article):
    response = run_action(
        editor_client, "/admin/articles/article/", "suggest_attributions", [article.pk]
    )

    assert response.status_code == 200
    assert Suggestion.objects.filter(article=article, state="pending").count() == 15
    text = response.content.decode()
    assert "15 new" in text
    assert "Review them" in text
    # Run again: nothing new.
    again = run_action(
        editor_client, "/admin/articles/article/", "suggest_attributions", [article.pk]
    )
    assert "0 new, 0 updated, 15 unchanged" in again.content.decode()
    assert Suggestion.objects.count() == 15


def test_fact_checkers_cannot_run_the_action(client, article):
    checker = UserFactory(username="checker-staff", is_staff=True, roles=[FACT_CHECKERS])
    client.force_login(checker)

    response = client.get("/admin/articles/article/")
    assert b"suggest_attributions" not in response.content
    run_action(client, "/admin/articles/article/", "suggest_attributions", [article.pk])
    assert not Suggestion.objects.exists()


def test_review_screen_accepts_with_an_edit(editor_client, editor, article):
    suggest_attributions(article=article, user=editor)
    row = Suggestion.objects.get(text__startswith="at least four SDF fighters")
    url = reverse("admin:suggestions_suggestion_change", args=[row.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert b"Save and accept" in page.content
    assert b"not authorized to talk" in page.content

    data = form_values(page)
    data.update(
        kind="indirect", cue="told", note="Invented: cue corrected.", _accept="Save and accept"
    )
    response = editor_client.post(url, data, follow=True)

    assert response.status_code == 200
    assert b"Accepted" in response.content
    row.refresh_from_db()
    assert row.state == "accepted"
    attribution = row.attribution
    assert attribution.cue == "told"
    assert attribution.source.kind == "anonymous"
    assert attribution.note == "Invented: cue corrected."
    # A reviewed suggestion is read-only now.
    page = editor_client.get(url)
    assert b"Save and accept" not in page.content


def test_review_screen_shows_a_bad_edit_as_a_form_error(editor_client, editor, article):
    suggest_attributions(article=article, user=editor)
    row = Suggestion.objects.get(text__startswith="his forces are advancing")
    url = reverse("admin:suggestions_suggestion_change", args=[row.pk])
    data = form_values(editor_client.get(url))
    data.update(text="words the article never prints", start="", end="", _accept="Save and accept")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert b"does not occur in the article body" in response.content
    assert b"Nothing was saved" not in response.content
    row.refresh_from_db()
    assert row.state == "pending"
    assert not Attribution.objects.exists()


def test_bulk_accept_and_reject_from_the_queue(
    editor_client, editor, article, django_capture_on_commit_callbacks
):
    suggest_attributions(article=article, user=editor)
    afrin = list(Suggestion.objects.filter(proposed_key="adnan-afrin").values_list("id", flat=True))
    others = list(
        Suggestion.objects.exclude(proposed_key="adnan-afrin").values_list("id", flat=True)
    )

    # The accept runs as a task once the admin's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        accepted = run_action(editor_client, CHANGELIST, "accept_selected", afrin)
    rejected = run_action(editor_client, CHANGELIST, "reject_selected", others[:3])

    assert f"Accepting {len(afrin)} suggestion(s) in the background" in accepted.content.decode()
    assert "3 suggestion(s) rejected" in rejected.content.decode()
    assert Source.objects.filter(name="Adnan Afrin").count() == 1
    assert Attribution.objects.filter(source__name="Adnan Afrin").count() == len(afrin)
    assert Suggestion.objects.filter(state="rejected").count() == 3


def test_nobody_adds_suggestions_by_hand(editor_client):
    assert editor_client.get("/admin/suggestions/suggestion/add/").status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_queue_runs_a_fixed_number_of_queries(
    editor_client, editor, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        suggest_attributions(article=ArticleFactory(body=SEED_TEXT, url=""), user=editor)
    row = Suggestion.objects.first()

    with django_assert_max_num_queries(7):
        assert editor_client.get(CHANGELIST).status_code == 200
    with django_assert_max_num_queries(6):
        url = reverse("admin:suggestions_suggestion_change", args=[row.pk])
        assert editor_client.get(url).status_code == 200


def test_accepting_links_an_existing_claim_or_creates_one(editor_client, editor, article):
    from claims.models import Claim
    from tests.factories import ClaimFactory

    existing = ClaimFactory(text="At least four SDF fighters were killed.")
    suggest_attributions(article=article, user=editor)
    first = Suggestion.objects.get(text__startswith="at least four SDF fighters")
    second = Suggestion.objects.get(text__startswith="his forces are advancing")

    url = reverse("admin:suggestions_suggestion_change", args=[first.pk])
    data = form_values(editor_client.get(url))
    data.update(claim=str(existing.pk), _accept="Save and accept")
    response = editor_client.post(url, data, follow=True)
    assert f"Supports claim #{existing.pk}." in response.content.decode()
    first.refresh_from_db()
    assert first.attribution.claim == existing

    url = reverse("admin:suggestions_suggestion_change", args=[second.pk])
    data = form_values(editor_client.get(url))
    data.update(new_claim="The invented forces are advancing.", _accept="Save and accept")
    editor_client.post(url, data)
    second.refresh_from_db()
    assert second.attribution.claim.text == "The invented forces are advancing."
    assert Claim.objects.count() == 2


def test_a_claim_and_a_new_claim_together_are_a_form_error(editor_client, editor, article):
    from tests.factories import ClaimFactory

    existing = ClaimFactory()
    suggest_attributions(article=article, user=editor)
    row = Suggestion.objects.get(text__startswith="at least four SDF fighters")
    url = reverse("admin:suggestions_suggestion_change", args=[row.pk])
    data = form_values(editor_client.get(url))
    data.update(claim=str(existing.pk), new_claim="Another claim.", _accept="Save and accept")

    response = editor_client.post(url, data)

    assert "Choose a claim or write a new one, not both." in response.content.decode()
    row.refresh_from_db()
    assert row.state == "pending"
