"""Who may read the pages and who may write through them: login required unless public
reading is on; only fact-checkers and editors see and use the write forms."""

import pytest
from django.urls import reverse

from claims.models import ClaimRelation, Review
from crosscheck.models import Finding
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def read_pages(article, source, claim, finding) -> list[str]:
    return [
        reverse("pages:dashboard"),
        reverse("pages:search") + "?q=bridge",
        reverse("pages:article-list"),
        reverse("pages:article-detail", args=[article.pk]),
        reverse("pages:source-detail", args=[source.pk]),
        reverse("pages:claim-detail", args=[claim.pk]),
        reverse("pages:finding-list"),
        reverse("pages:finding-detail", args=[finding.pk]),
        reverse("pages:compare"),
        reverse("pages:quote-check"),
    ]


@pytest.fixture
def pages(archive) -> list[str]:
    article = archive["articles"][0]
    return read_pages(
        article,
        archive["sources"]["varnok"],
        archive["claims"]["rebuild"],
        Finding.objects.current().first(),
    )


def write_posts(archive) -> list[tuple[str, dict]]:
    claim = archive["claims"]["rebuild"]
    other = archive["claims"]["injured"]
    finding = Finding.objects.current().first()
    return [
        (
            reverse("pages:claim-relation-create", args=[claim.pk]),
            {"relation-kind": "supports", "relation-to_claim": other.pk},
        ),
        (
            reverse("pages:claim-review-create", args=[claim.pk]),
            {"review-rating": "true", "review-summary": "Checked."},
        ),
        (
            reverse("pages:finding-detail", args=[finding.pk]),
            {"state": "confirmed", "note": ""},
        ),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{LOGIN}?next="), url


def test_readers_read_every_page(reader_client, pages):
    for url in pages:
        assert reader_client.get(url).status_code == 200, url


def test_a_user_without_a_role_is_refused(client, pages):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(pages[0]).status_code == 403


def test_public_reading_lets_anonymous_visitors_read_without_write_forms(
    client, archive, pages, settings
):
    settings.TRACKER_PUBLIC_READING = True
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'method="post"' not in response.content, url


def test_public_reading_never_lets_anonymous_visitors_write(client, archive, settings):
    settings.TRACKER_PUBLIC_READING = True
    for url, data in write_posts(archive):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(LOGIN)
    assert not ClaimRelation.objects.filter(kind="supports").exists()
    assert not Review.objects.exists()


def test_readers_see_no_write_forms(reader_client, archive):
    claim = reverse("pages:claim-detail", args=[archive["claims"]["rebuild"].pk])
    content = reader_client.get(claim).content.decode()
    assert "Add a relation" not in content
    assert "Add a review" not in content
    findings = reader_client.get(reverse("pages:finding-list")).content.decode()
    assert 'name="state" value="confirmed"' not in findings


def test_a_readers_post_is_refused_with_403(reader_client, archive):
    for url, data in write_posts(archive):
        assert reader_client.post(url, data).status_code == 403, url
    assert not Review.objects.exists()
    assert not Finding.objects.exclude(state="open").exists()


@pytest.mark.parametrize("role", ["factchecker", "editor"])
def test_fact_checkers_and_editors_see_the_write_forms(client, archive, role, request):
    client.force_login(request.getfixturevalue(role))
    claim = reverse("pages:claim-detail", args=[archive["claims"]["rebuild"].pk])
    content = client.get(claim).content.decode()
    assert "Add a relation" in content
    assert "Add a review" in content
    findings = client.get(reverse("pages:finding-list")).content.decode()
    assert 'name="state" value="confirmed"' in findings


def test_write_views_answer_only_post(factchecker_client):
    claim = ClaimFactory()
    url = reverse("pages:claim-relation-create", args=[claim.pk])
    assert factchecker_client.get(url).status_code == 405


def test_login_page_logs_in_and_goes_to_the_dashboard(client, factchecker):
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert b'<label for="id_username">' in page.content
    response = client.post(
        LOGIN, {"username": "factchecker", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response.url == reverse("pages:dashboard")


def test_login_follows_next(client, factchecker):
    target = reverse("pages:finding-list")
    response = client.post(
        LOGIN,
        {"username": "factchecker", "password": "correct horse battery staple", "next": target},
    )
    assert response.url == target


def test_wrong_password_shows_an_error_on_the_styled_page(client, factchecker):
    response = client.post(LOGIN, {"username": "factchecker", "password": "wrong"})
    assert response.status_code == 200
    assert b'class="form-errors"' in response.content
    assert b"site.css" in response.content


def test_logout_is_a_post_and_shows_the_logged_out_page(factchecker_client):
    response = factchecker_client.post(reverse("logout"))
    assert response.status_code == 200
    assert b"Log in again" in response.content
    assert factchecker_client.get(reverse("pages:dashboard")).status_code == 302
