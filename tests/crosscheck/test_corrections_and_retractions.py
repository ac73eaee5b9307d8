"""Corrections, retractions and "declined to comment": on record, counted for nothing.
Everything here is invented."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from articles.anchoring import AnchorStatus
from articles.models import Article, Correction
from articles.services import article_correct, article_update
from claims.models import Attribution, Claim
from claims.services import attribution_create, attribution_delete
from crosscheck import reports
from tests.api.conftest import token_client
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "Councillor Ilse Varnok said the invented bridge would reopen in June."
SECOND = "Engineer Tomas Brenn said the invented bridge would reopen in June."


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def corroborated():
    claim = ClaimFactory(text="The invented bridge reopens in June.")
    rows = []
    for body, name in ((FIRST, "Ilse Varnok"), (SECOND, "Tomas Brenn")):
        article = ArticleFactory(body=body, url="")
        rows.append(
            attribution_create(
                article=article,
                source=SourceFactory(name=name),
                claim=claim,
                kind="indirect",
                text="the invented bridge would reopen in June",
            )
        )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CORROBORATED
    return claim, rows


def test_retracting_an_article_stops_its_attributions_counting(corroborated, editor):
    claim, (first, second) = corroborated

    article_update(
        article=first.article,
        user=editor,
        retracted_at="2031-06-01T12:00:00Z",
        retraction_note="Invented: the interview did not take place.",
    )

    claim.refresh_from_db()
    assert claim.status == Claim.Status.SINGLE_SOURCE
    report = reports.claim_report(claim)
    assert [a.pk for a in report.not_counted] == [first.pk]
    assert [a.pk for a in report.supporting] == [second.pk]
    # Withdrawing the retraction counts it again.
    article_update(article=first.article, user=editor, retracted_at=None, retraction_note="")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CORROBORATED


def test_a_retraction_note_needs_a_date():
    article = ArticleFactory(body=FIRST, url="")
    with pytest.raises(ValidationError) as error:
        article_update(article=article, retraction_note="Invented notice.")
    assert "retracted_at" in error.value.message_dict
    assert Article.objects.get(pk=article.pk).retraction_note == ""


def test_declining_to_comment_supports_nothing(corroborated):
    claim, (first, _second) = corroborated
    article = ArticleFactory(body="The invented ministry declined to comment.", url="")
    declined = attribution_create(
        article=article,
        source=SourceFactory(name="Invented Ministry", kind="organization"),
        claim=claim,
        kind=Attribution.Kind.DECLINED,
        text="declined to comment",
    )
    attribution_delete(attribution=first)

    claim.refresh_from_db()
    assert claim.status == Claim.Status.SINGLE_SOURCE
    assert declined in reports.claim_report(claim).not_counted


def test_a_correction_with_a_new_body_keeps_the_old_version_and_re_anchors(corroborated, editor):
    _claim, (first, _second) = corroborated
    article = first.article
    new_body = "CORRECTED: " + FIRST.replace("Councillor", "Mayor")

    correction, report = article_correct(
        article=article,
        published_at="2031-06-02T08:00:00Z",
        what_changed="Invented: Varnok is the mayor, not a councillor.",
        note="An earlier version misstated Ilse Varnok's title.",
        body=new_body,
        user=editor,
    )

    assert correction.changed_body
    article.refresh_from_db()
    assert article.body == new_body
    bodies = [h.body for h in article.history.order_by("history_id")]
    assert FIRST in bodies
    assert new_body in bodies
    first.refresh_from_db()
    assert new_body[first.start : first.end] == first.text
    assert first.anchor_status == AnchorStatus.MOVED
    assert report.changed >= 1


def test_a_correction_without_a_body_changes_no_text(corroborated, editor):
    _claim, (first, _second) = corroborated

    correction, _report = article_correct(
        article=first.article,
        published_at="2031-06-02T08:00:00Z",
        what_changed="Invented: the date of the interview was corrected.",
        user=editor,
    )

    assert not correction.changed_body
    assert Correction.objects.get().history.first().history_user == editor


def test_an_invalid_correction_changes_nothing(corroborated, editor):
    _claim, (first, _second) = corroborated
    body = first.article.body

    with pytest.raises(ValidationError), transaction.atomic():
        article_correct(
            article=first.article,
            published_at=None,
            what_changed="",
            body="A new invented body.",
            user=editor,
        )

    assert Article.objects.get(pk=first.article_id).body == body
    assert not Correction.objects.exists()


def test_claim_check_api_lists_what_is_not_counted(corroborated, editor_api):
    claim, (first, _second) = corroborated
    editor_api.patch(
        f"/api/articles/{first.article_id}/",
        {"retracted_at": "2031-06-01T12:00:00Z", "retraction_note": "Invented notice."},
        format="json",
    )

    data = editor_api.get(f"/api/claims/{claim.pk}/check/").json()

    assert data["status"] == "single_source"
    assert [a["id"] for a in data["not_counted"]] == [first.pk]
    assert data["not_counted"][0]["article_retracted"] is True


def test_corrections_api_changes_the_body_with_a_correction(corroborated, editor_api):
    _claim, (first, _second) = corroborated
    new_body = FIRST + " The bridge is invented."

    response = editor_api.post(
        "/api/corrections/",
        {
            "article": first.article_id,
            "published_at": "2031-06-02T08:00:00Z",
            "what_changed": "Invented: a sentence was added.",
            "body": new_body,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["changed_body"] is True
    article = editor_api.get(f"/api/articles/{first.article_id}/").json()
    assert article["body"] == new_body
    assert article["corrections"][0]["what_changed"] == "Invented: a sentence was added."


def test_pages_mark_retracted_articles(corroborated, editor, client):
    claim, (first, _second) = corroborated
    article_update(
        article=first.article,
        user=editor,
        retracted_at="2031-06-01T12:00:00Z",
        retraction_note="Invented <b>notice</b>.",
    )
    client.force_login(editor)

    article_page = client.get(f"/articles/{first.article_id}/").content.decode()
    claim_page = client.get(f"/claims/{claim.pk}/").content.decode()

    assert "Retracted" in article_page
    assert "Invented &lt;b&gt;notice&lt;/b&gt;." in article_page
    assert "On record, not counted" in claim_page
    assert "retracted article" in claim_page
