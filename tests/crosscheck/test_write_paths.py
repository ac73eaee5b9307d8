"""Findings stay current on every write path (API, admin, services): each service asks for
the recheck itself, and no signal receiver listens to the project's own models.

Everything here is invented (the invented archive of tests/conftest.py).
"""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import signals

from articles.models import Article
from articles.services import article_update
from claims.models import Attribution, Claim, ClaimRelation
from claims.services import attribution_create
from crosscheck.models import Finding
from sources.models import Source
from sources.services import source_merge
from tests.api.conftest import token_client
from tests.crosscheck.test_crosscheck_service import recheck_everything
from tests.factories import AnonymousSourceFactory, ArticleFactory, OutletFactory
from tests.sources.test_admin import admin_url, form_values

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("access", "articles", "sources", "claims", "crosscheck", "suggestions")


@pytest.fixture
def checked(invented_archive):
    """The invented archive with its findings computed."""
    recheck_everything()
    return invented_archive


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queues for after the commit, from a fresh queue (the test's
    transaction never commits; the fixtures' writes have queued a run already)."""

    def capture(execute=True):
        connection._tracker_after_commit = {}
        return django_capture_on_commit_callbacks(execute=execute)

    return capture


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


def current_findings_of(attribution: Attribution) -> list[Finding]:
    found = list(Finding.objects.current().filter(attributions=attribution))
    assert found, "the test needs a finding to resolve"
    return found


def assert_resolved(findings: list[Finding]) -> None:
    for finding in findings:
        finding.refresh_from_db()
        assert finding.is_resolved, finding


# --- Deleting attributions ----------------------------------------------------------------


def test_deleting_an_attribution_through_the_api_resolves_its_findings(
    checked, editor_api, editor, committed
):
    molder = checked["molder_quote"]
    involved = current_findings_of(molder)
    with committed():
        response = editor_api.delete(f"/api/attributions/{molder.pk}/")
    assert response.status_code == 204
    assert_resolved(involved)
    assert not Finding.objects.current().filter(kind="misattribution").exists()
    assert Attribution.history.filter(id=molder.pk).first().history_user == editor


def test_deleting_an_attribution_in_the_admin_resolves_its_findings(
    checked, editor_client, committed
):
    molder = checked["molder_quote"]
    involved = current_findings_of(molder)
    with committed():
        response = editor_client.post(admin_url(Attribution, "delete", molder.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Attribution.objects.filter(pk=molder.pk).exists()
    assert_resolved(involved)


def test_deleting_attributions_with_the_admin_action_resolves_their_findings(
    checked, editor_client, committed
):
    rows = [checked["brenn_injured"], checked["aalt_injured"]]
    numeric = Finding.objects.current().get(kind="numeric_conflict")
    with committed() as callbacks:
        response = editor_client.post(
            admin_url(Attribution),
            {
                "action": "delete_selected",
                "_selected_action": [row.pk for row in rows],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not Attribution.objects.filter(pk__in=[row.pk for row in rows]).exists()
    assert len(callbacks) == 1
    assert_resolved([numeric])


# --- Deleting articles, claims and sources -------------------------------------------------


def test_deleting_an_article_in_the_admin_resolves_the_findings_of_its_attributions(
    checked, editor_client, committed
):
    molder = checked["molder_quote"]
    involved = current_findings_of(molder)
    with committed():
        response = editor_client.post(
            admin_url(Article, "delete", molder.article_id), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=molder.article_id).exists()
    assert_resolved(involved)
    assert not Finding.objects.current().filter(kind="misattribution").exists()


def test_deleting_an_article_through_the_api_rechecks_the_claims_of_its_attributions(
    checked, editor_api, committed
):
    drifted, aalt = checked["varnok_drifted"], checked["aalt_injured"]
    # What needs both articles: the drift, a misattribution, the conflicting figures.
    involved = [
        finding
        for finding in [*current_findings_of(drifted), *current_findings_of(aalt)]
        if finding.kind in ("quote_drift", "misattribution", "numeric_conflict")
    ]
    assert {finding.kind for finding in involved} == {
        "quote_drift",
        "misattribution",
        "numeric_conflict",
    }
    injured = Claim.objects.get(pk=aalt.claim_id)
    # "at least four" and "three" injured: contested while the numeric conflict is open.
    assert injured.status == Claim.Status.CONTESTED
    with committed():
        response = editor_api.delete(f"/api/articles/{drifted.article_id}/")
    assert response.status_code == 204
    assert_resolved(involved)
    injured.refresh_from_db()
    assert injured.status == Claim.Status.SINGLE_SOURCE


def test_deleting_a_claim_through_the_api_rechecks_the_claims_related_to_it(
    checked, editor_api, committed
):
    reopen = checked["varnok_reopen"].claim
    closed = checked["molder_closed"].claim
    contradiction = Finding.objects.current().get(kind="contradiction")
    with committed():
        response = editor_api.delete(f"/api/claims/{closed.pk}/")
    assert response.status_code == 204
    assert_resolved([contradiction])
    reopen.refresh_from_db()
    assert reopen.status == Claim.Status.SINGLE_SOURCE


def test_deleting_a_source_through_the_api_resolves_its_findings(editor_api, committed):
    article = ArticleFactory()
    engineer = AnonymousSourceFactory(article=article, anonymity_reason="")
    row = attribution_create(
        article=article, source=engineer, kind="indirect", text="the repairs were behind schedule"
    )
    recheck_everything()
    unexplained = Finding.objects.current().get(kind="unexplained_anonymity", sources=engineer)
    # A plain delete, which no service sees: the finding still names the source.
    Attribution.objects.filter(pk=row.pk).delete()
    with committed():
        response = editor_api.delete(f"/api/sources/{engineer.pk}/")
    assert response.status_code == 204
    assert_resolved([unexplained])


# --- Merging sources, changing relations and articles -------------------------------------


def test_merging_sources_rechecks_the_kept_source(checked, editor, committed):
    varnok = checked["varnok_quote"].source
    molder = checked["molder_quote"].source
    misattributions = list(Finding.objects.current().filter(kind="misattribution"))
    assert misattributions
    with committed():
        source_merge(keep=varnok, others=[molder], user=editor)
    # One speaker now: the same quote is no longer credited to someone else.
    assert_resolved(misattributions)


def test_changing_a_relation_in_the_admin_rechecks_both_claims(checked, editor_client, committed):
    relation = ClaimRelation.objects.get(kind="contradicts")
    reopen = checked["varnok_reopen"].claim
    url = admin_url(ClaimRelation, "change", relation.pk)
    data = form_values(editor_client.get(url))
    data["kind"] = ClaimRelation.Kind.REFINES
    with committed():
        response = editor_client.post(url, data)
    assert response.status_code == 302
    assert_resolved([Finding.objects.get(kind="contradiction")])
    reopen.refresh_from_db()
    assert reopen.status == Claim.Status.SINGLE_SOURCE


def test_an_article_edit_rechecks_only_what_the_cross_check_reads(checked, committed):
    article = checked["molder_quote"].article
    with committed(execute=False) as callbacks:
        article_update(article=article, notes="An invented note.")
    assert callbacks == []
    with committed(execute=False) as callbacks:
        article_update(article=article, origin_outlet=OutletFactory(kind="wire_agency"))
    assert len(callbacks) == 1


# --- No receivers -------------------------------------------------------------------------


def test_no_receiver_listens_to_the_project_models_but_the_history():
    """The services schedule what follows a write; the only receivers on the project's
    models are django-simple-history's, which write the history rows."""
    models = [m for name in PROJECT_APPS for m in apps.get_app_config(name).get_models()]
    assert {Attribution, Claim, ClaimRelation, Source, Article, Finding} <= set(models)
    for model in models:
        tracked = "history" in model.__dict__
        for name in MODEL_SIGNALS:
            signal = getattr(signals, name)
            sync, asynchronous = signal._live_receivers(model)
            found = {f"{r.__module__}.{r.__qualname__}" for r in [*sync, *asynchronous]}
            expected = (
                {f"simple_history.models.HistoricalRecords.{name}"}
                if tracked and name in HISTORY_SIGNALS
                else set()
            )
            assert found == expected, (model, name)
            assert signal.has_listeners(model) == bool(expected)


MODEL_SIGNALS = ("pre_init", "post_init", "pre_save", "post_save", "pre_delete", "post_delete")
MODEL_SIGNALS += ("m2m_changed",)
# What django-simple-history connects for each model it tracks.
HISTORY_SIGNALS = ("post_save", "pre_delete", "post_delete")
