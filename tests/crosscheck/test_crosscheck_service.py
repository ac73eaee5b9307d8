"""The cross-check service: findings stored, kept, triaged and resolved; claim statuses."""

from collections import Counter

import pytest
from django.core.management import call_command

from claims.models import Attribution, Claim, ClaimRelation
from claims.services import (
    attribution_create,
    attribution_delete,
    attribution_update,
    claim_relation_delete,
)
from crosscheck.models import Finding
from crosscheck.services import Scope, recheck
from sources.models import Source
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Capture on-commit callbacks from a fresh queue.

    The whole test runs in one transaction, so the fixtures' saves have already queued its
    single recheck; forget it so the captured block queues (and runs) its own.
    """
    from django.db import connection

    def capture(**kwargs):
        connection._tracker_after_commit = {}
        return django_capture_on_commit_callbacks(**kwargs)

    return capture


def recheck_everything():
    return recheck(
        Scope(
            attribution_ids=set(Attribution.objects.values_list("id", flat=True)),
            claim_ids=set(Claim.objects.values_list("id", flat=True)),
        )
    )


def current_kinds():
    return Counter(Finding.objects.current().values_list("kind", flat=True))


class TestSeed:
    def test_counterattack_told_by_three_sdf_voices_is_single_source(self, seed):
        recheck_everything()
        claim = Claim.objects.get(text__startswith="ISIS staged a counterattack")
        assert claim.status == Claim.Status.SINGLE_SOURCE
        finding = Finding.objects.get(kind="single_source", claims=claim)
        (group,) = finding.details["groups"]
        assert group["label"] == "Syrian Democratic Forces"
        speakers = set(
            Source.objects.filter(attributions__claim=claim).values_list("name", "description")
        )
        assert len(speakers) == 3
        assert len(group["attribution_ids"]) == 3

    def test_four_fighters_killed_rests_on_anonymous_sources_only(self, seed):
        recheck_everything()
        claim = Claim.objects.get(text__startswith="At least four SDF fighters")
        assert claim.status == Claim.Status.ANONYMOUS_ONLY
        assert Finding.objects.filter(kind="anonymous_only", claims=claim).exists()

    def test_seed_findings_by_kind(self, seed):
        recheck_everything()
        assert current_kinds() == {
            "unattributed": 9,
            "single_source": 7,
            "anonymous_only": 3,
        }
        statuses = Counter(Claim.objects.values_list("status", flat=True))
        assert statuses == {"single_source": 7, "anonymous_only": 3, "unsupported": 9}

    def test_recheck_command_gives_the_same_findings(self, seed):
        call_command("recheck", verbosity=0)
        assert current_kinds()["unattributed"] == 9
        assert Claim.objects.filter(status="anonymous_only").count() == 3


class TestInventedArchive:
    def test_finds_misattribution_drift_numeric_conflict_and_contradiction(self, invented_archive):
        rows = invented_archive
        recheck_everything()
        kinds = current_kinds()
        # Molder's quote matches Varnok's exactly, and her reworded one at one word apart.
        assert kinds["misattribution"] == 2
        assert kinds["quote_drift"] == 1
        assert kinds["numeric_conflict"] == 1
        assert kinds["contradiction"] == 1

        pairs = {
            frozenset(f.attributions.all()): f.details["similarity"]
            for f in Finding.objects.filter(kind="misattribution")
        }
        assert pairs[frozenset({rows["varnok_quote"], rows["molder_quote"]})] == 100
        assert 90 <= pairs[frozenset({rows["varnok_drifted"], rows["molder_quote"]})] < 100
        drift = Finding.objects.get(kind="quote_drift")
        changed = [op for op in drift.details["diff"] if op["op"] != "equal"]
        assert changed == [{"op": "replace", "old": ["winter"], "new": ["spring"]}]
        numeric = Finding.objects.get(kind="numeric_conflict")
        assert set(numeric.attributions.all()) == {rows["brenn_injured"], rows["aalt_injured"]}
        assert "four" in numeric.summary
        assert "three" in numeric.summary
        reopen = rows["varnok_reopen"].claim
        reopen.refresh_from_db()
        assert reopen.status == Claim.Status.CONTESTED

    def test_recomputing_keeps_ids_and_triage(self, invented_archive, factchecker):
        recheck_everything()
        before = dict(Finding.objects.values_list("key", "id"))
        drift = Finding.objects.get(kind="quote_drift")
        drift.state = Finding.State.CONFIRMED
        drift.note = "Checked against the recording."
        drift.save()
        history_rows = Finding.history.count()

        report = recheck_everything()
        assert report.created == 0
        assert report.updated == 0
        assert dict(Finding.objects.values_list("key", "id")) == before
        drift.refresh_from_db()
        assert drift.state == Finding.State.CONFIRMED
        assert Finding.history.count() == history_rows

    def test_finding_that_no_longer_holds_is_resolved_not_deleted(self, invented_archive):
        recheck_everything()
        drift = Finding.objects.get(kind="quote_drift")
        drift.state = Finding.State.CONFIRMED
        drift.save()
        corrected = invented_archive["varnok_drifted"]
        attribution_update(attribution=corrected, kind="indirect")
        report = recheck(Scope(attribution_ids={corrected.pk}))
        drift.refresh_from_db()
        assert drift.is_resolved
        assert drift.state == Finding.State.CONFIRMED
        assert report.resolved >= 1

        attribution_update(attribution=corrected, kind="direct")
        report = recheck(Scope(attribution_ids={corrected.pk}))
        drift.refresh_from_db()
        assert not drift.is_resolved
        # The drift, and the misattribution with Molder's quote (a paraphrase is no quote
        # to credit) come back.
        assert report.reopened == 2

    def test_deleting_an_attribution_resolves_its_findings(self, invented_archive, on_commit):
        recheck_everything()
        molder = invented_archive["molder_quote"]
        involved = list(Finding.objects.filter(attributions=molder))
        assert {f.kind for f in involved} == {"misattribution"}
        with on_commit(execute=True):
            attribution_delete(attribution=molder)
        for finding in involved:
            finding.refresh_from_db()
            assert finding.is_resolved
        assert Finding.objects.current().filter(kind="misattribution").count() == 0

    def test_removing_the_contradiction_relation_uncontests_the_claim(
        self, invented_archive, on_commit
    ):
        recheck_everything()
        reopen = invented_archive["varnok_reopen"].claim
        with on_commit(execute=True):
            claim_relation_delete(relation=ClaimRelation.objects.get(kind="contradicts"))
        reopen.refresh_from_db()
        assert reopen.status == Claim.Status.SINGLE_SOURCE
        assert Finding.objects.get(kind="contradiction").is_resolved


class TestScheduling:
    def test_saving_an_attribution_rechecks_after_commit(self, on_commit):
        article = ArticleFactory()
        source = SourceFactory()
        claim = ClaimFactory()
        with on_commit(execute=False) as callbacks:
            attribution_create(
                article=article,
                source=source,
                claim=claim,
                kind="direct",
                text="We will not rush it",
            )
        assert len(callbacks) == 1
        assert not Finding.objects.exists()
        callbacks[0]()
        claim.refresh_from_db()
        assert claim.status == Claim.Status.SINGLE_SOURCE

    def test_many_saves_in_one_transaction_share_one_recheck(self, on_commit):
        article = ArticleFactory()
        source = SourceFactory()
        with on_commit(execute=True) as callbacks:
            for text in ("We will not rush it", "the repairs were behind schedule"):
                attribution_create(article=article, source=source, kind="indirect", text=text)
        assert len(callbacks) == 1

    def test_turned_off_in_settings_nothing_is_queued(self, settings, on_commit):
        settings.TRACKER_CROSSCHECK_ON_SAVE = False
        with on_commit() as callbacks:
            ClaimFactory()
        assert callbacks == []

    def test_recheck_command_resumes_after_its_checkpoint(self, invented_archive, capsys):
        from crosscheck.models import Checkpoint

        last = max(a.pk for a in invented_archive.values())
        Checkpoint.put("recheck:last-attribution-id", last)
        call_command("recheck", "--resume")
        assert "Rechecked 0 attributions" in capsys.readouterr().out
        assert Checkpoint.get("recheck:last-attribution-id") == 0
