"""The cross-check endpoints on the seed and on the invented archive (tests/conftest.py)."""

import datetime

import pytest
from django.db import connection

from claims.models import Attribution, Claim
from crosscheck.models import Finding
from crosscheck.services import Scope, recheck
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def recheck_everything():
    recheck(
        Scope(
            attribution_ids=set(Attribution.objects.values_list("id", flat=True)),
            claim_ids=set(Claim.objects.values_list("id", flat=True)),
        )
    )


@pytest.fixture
def reader_api(reader):
    return token_client(reader)


@pytest.fixture
def factchecker_api(factchecker):
    return token_client(factchecker)


class TestSeed:
    def test_claim_check_shows_three_sdf_voices_as_one_group(self, seed, reader_api):
        recheck_everything()
        claim = Claim.objects.get(text__startswith="ISIS staged a counterattack")
        body = reader_api.get(f"/api/claims/{claim.pk}/check/").json()
        assert body["status"] == "single_source"
        (group,) = body["groups"]
        assert group["label"] == "Syrian Democratic Forces"
        assert len(group["attribution_ids"]) == 3
        assert {a["source_name"] for a in body["supporting"]} == {
            "Syrian Democratic Forces",
            "Dilbrin Nargiz",
            "Anonymous: a commander with the US-backed Syrian Democratic Forces",
        }
        assert [f["kind"] for f in body["findings"]] == ["single_source"]

    def test_four_fighters_claim_is_anonymous_only(self, seed, reader_api):
        claim = Claim.objects.get(text__startswith="At least four SDF fighters")
        body = reader_api.get(f"/api/claims/{claim.pk}/check/").json()
        assert body["status"] == "anonymous_only"
        assert body["groups"][0]["anonymous"] is True

    def test_article_sourcing_profile(self, seed, reader_api):
        body = reader_api.get(f"/api/articles/{seed.pk}/sourcing/").json()
        assert body["sources_by_kind"] == {
            "organization": 1,
            "anonymous": 2,
            "person": 3,
            "official_account": 1,
            "group": 1,
        }
        assert body["unattributed_statements"] == 9
        assert body["unexplained_anonymous_sources"] == []
        assert len(body["claims_on_anonymous_sources_only"]) == 3
        assert body["anonymous_only_share"] == round(3 / body["claims"], 3)

    def test_quote_check_finds_afrins_quote(self, seed, reader_api):
        response = reader_api.post(
            "/api/quote-check/",
            {
                "text": "in this small area, for you to make a large advance you will have to "
                "have a lot of casualties",
                "source": "Afrin",
            },
            format="json",
        )
        body = response.json()
        assert body["verdict"] == "attributed"
        assert body["source_name"] == "Adnan Afrin"
        assert body["source_matches"] is True
        assert body["matches"][0]["attribution"]["recipient_name"] == "The Associated Press"

    @pytest.mark.parametrize(
        ("text", "relation"),
        [
            ("for you to make a large advance you will have to", "fragment"),
            ("In this small area ... you will have to have a lot of casualties", "shortened"),
        ],
    )
    def test_quote_check_finds_afrins_quote_as_it_circulates(
        self, seed, reader_api, text, relation
    ):
        body = reader_api.post("/api/quote-check/", {"text": text}, format="json").json()

        assert body["verdict"] == "attributed"
        (match,) = body["matches"]
        assert match["relation"] == relation
        assert match["attribution"]["source_name"] == "Adnan Afrin"
        assert body["first"]["attribution"]["id"] == match["attribution"]["id"]
        assert body["nearest"] == []

    def test_a_fragment_credited_to_someone_else_is_conflicting(self, seed, reader_api):
        body = reader_api.post(
            "/api/quote-check/",
            {"text": "for you to make a large advance you will have to", "source": "Nargiz"},
            format="json",
        ).json()

        assert body["verdict"] == "conflicting"
        assert body["explanation"] == "The archive credits these words to someone else."

    def test_not_found_shows_the_nearest_candidates(self, seed, reader_api):
        body = reader_api.post(
            "/api/quote-check/",
            {"text": "for you to make a small retreat you would lose a few tanks"},
            format="json",
        ).json()

        assert body["verdict"] == "not_found"
        assert body["matches"] == []
        assert body["first"] is None
        assert body["nearest"]
        assert body["nearest"][0]["attribution"]["source_name"] == "Adnan Afrin"
        assert body["nearest"][0]["similarity"] < 90

    def test_quote_check_of_rare_words_says_nothing_was_cut(self, seed, reader_api):
        body = reader_api.post(
            "/api/quote-check/",
            {"text": "for you to make a large advance you will have to"},
            format="json",
        ).json()

        assert body["candidates_cut"] is None

    def test_quote_check_of_words_too_common_to_search_says_how_it_was_cut(
        self, seed, reader_api, monkeypatch
    ):
        from crosscheck.index import terms

        if connection.vendor == "postgresql":  # trigram statistics to estimate by
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE claims_attribution")
        # As if every word were in too many quotes to read them all.
        monkeypatch.setattr(terms, "GROUP_CAP_ROWS", 0.0)
        monkeypatch.setitem(terms.MAX_CANDIDATE_ROWS, connection.vendor, 0)
        monkeypatch.setattr(terms, "TERMS_OVERRUN", 0)
        body = reader_api.post(
            "/api/quote-check/",
            {"text": "for you to make a large advance you will have to"},
            format="json",
        ).json()

        cut = body["candidates_cut"]
        assert {"make", "large", "advance"} <= set(cut["too_common"])
        assert cut["ranked"] is None
        assert "too common" in cut["explanation"]

    def test_attribution_check_says_whether_its_search_was_cut(self, seed, reader_api, monkeypatch):
        from crosscheck.index import terms

        said = Attribution.objects.filter(text__contains="large advance").first()
        body = reader_api.get(f"/api/attributions/{said.pk}/check/").json()
        assert body["candidates_cut"] is None

        if connection.vendor == "postgresql":  # trigram statistics to estimate by
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE claims_attribution")
        monkeypatch.setattr(terms, "GROUP_CAP_ROWS", 0.0)
        monkeypatch.setitem(terms.MAX_CANDIDATE_ROWS, connection.vendor, 0)
        monkeypatch.setattr(terms, "TERMS_OVERRUN", 0)
        body = reader_api.get(f"/api/attributions/{said.pk}/check/").json()
        assert "advance" in body["candidates_cut"]["too_common"]

    def test_quote_check_with_the_wrong_speaker_is_conflicting(self, seed, reader_api):
        body = reader_api.post(
            "/api/quote-check/",
            {"text": "We’ll die long before this war is over", "source": "Dilbrin Nargiz"},
            format="json",
        ).json()
        assert body["verdict"] == "conflicting"
        assert body["source_matches"] is False
        assert body["matches"][0]["attribution"]["source_name"] == "Simone Awad"


class TestInventedArchive:
    def test_quote_check_names_who_said_it_first(self, invented_archive, reader_api):
        varnok, molder = invented_archive["varnok_quote"], invented_archive["molder_quote"]
        Attribution.objects.filter(pk=molder.pk).update(said_on=datetime.date(2031, 3, 1))
        Attribution.objects.filter(pk=varnok.pk).update(said_on=datetime.date(2031, 3, 5))

        body = reader_api.post(
            "/api/quote-check/",
            {"text": "rebuild the river bridge before the winter floods"},
            format="json",
        ).json()

        assert {m["attribution"]["id"] for m in body["matches"]} >= {varnok.pk, molder.pk}
        assert body["first"]["attribution"]["id"] == molder.pk
        assert body["first"]["relation"] == "fragment"

    def test_compare_reports_quote_drift_with_the_word_diff(self, invented_archive, reader_api):
        a, b = invented_archive["varnok_quote"], invented_archive["varnok_drifted"]
        body = reader_api.get(f"/api/attributions/compare/?a={a.pk}&b={b.pk}").json()
        assert body["verdict"] == "quote_drift"
        assert body["same_source"] is True
        assert body["same_claim"] is True
        changed = [op for op in body["diff"] if op["op"] != "equal"]
        assert changed == [{"op": "replace", "old": ["winter"], "new": ["spring"]}]

    def test_compare_reports_misattribution(self, invented_archive, reader_api):
        a, b = invented_archive["varnok_quote"], invented_archive["molder_quote"]
        body = reader_api.get(f"/api/attributions/compare/?a={a.pk}&b={b.pk}").json()
        assert body["verdict"] == "misattribution"
        assert body["similarity"] == 100
        assert body["same_source"] is False

    def test_attribution_check_lists_near_identical_quotes_and_findings(
        self, invented_archive, reader_api
    ):
        recheck_everything()
        varnok = invented_archive["varnok_quote"]
        body = reader_api.get(f"/api/attributions/{varnok.pk}/check/").json()
        near = {m["attribution"]["id"]: m["similarity"] for m in body["near_identical"]}
        assert near[invented_archive["molder_quote"].pk] == 100
        assert invented_archive["varnok_drifted"].pk in near
        assert {f["kind"] for f in body["findings"]} >= {"misattribution", "quote_drift"}

    def test_quote_check_credited_to_two_sources_is_conflicting(self, invented_archive, reader_api):
        body = reader_api.post(
            "/api/quote-check/",
            {
                "text": "We will rebuild the river bridge before the winter floods arrive",
                "source": invented_archive["varnok_quote"].source_id,
            },
            format="json",
        ).json()
        assert body["verdict"] == "conflicting"
        assert body["source_matches"] is True
        assert {m["attribution"]["source_name"] for m in body["matches"]} >= {
            "Ilse Varnok",
            "Kasia Molder",
        }

    def test_quote_check_of_an_unknown_quote_is_not_found(self, invented_archive, reader_api):
        body = reader_api.post(
            "/api/quote-check/",
            {"text": "The harbour lighthouse will be painted green next spring"},
            format="json",
        ).json()
        assert body["verdict"] == "not_found"
        assert body["matches"] == []

    def test_findings_filter_and_triage(self, invented_archive, factchecker_api, factchecker):
        recheck_everything()
        listed = factchecker_api.get("/api/findings/?kind=quote_drift").json()["results"]
        assert [f["kind"] for f in listed] == ["quote_drift"]
        drift = listed[0]
        etag = factchecker_api.get(f"/api/findings/{drift['id']}/")["ETag"]
        response = factchecker_api.patch(
            f"/api/findings/{drift['id']}/",
            {"state": "confirmed", "note": "Checked against the recording.", "kind": "other"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        assert response.status_code == 200, response.content
        stored = Finding.objects.get(pk=drift["id"])
        assert stored.state == "confirmed"
        assert stored.kind == "quote_drift"
        assert stored.triaged_by == factchecker
        recheck_everything()
        stored.refresh_from_db()
        assert stored.state == "confirmed"

    @pytest.mark.parametrize("payload", [{"note": "Checked with the wire."}, {}])
    def test_finding_note_without_a_state_keeps_the_verdict(
        self, invented_archive, factchecker_api, payload
    ):
        recheck_everything()
        finding = Finding.objects.filter(kind="quote_drift").get()
        Finding.objects.filter(pk=finding.pk).update(state="confirmed")
        url = f"/api/findings/{finding.pk}/"
        response = factchecker_api.patch(
            url, payload, format="json", HTTP_IF_MATCH=factchecker_api.get(url)["ETag"]
        )
        assert response.status_code == 200, response.content
        finding.refresh_from_db()
        assert finding.state == "confirmed"
        assert finding.note == payload.get("note", "")

    def test_findings_filter_by_article_and_source(self, invented_archive, reader_api):
        recheck_everything()
        molder = invented_archive["molder_quote"]
        by_article = reader_api.get(f"/api/findings/?article={molder.article_id}").json()
        by_source = reader_api.get(f"/api/findings/?source={molder.source_id}").json()
        for body in (by_article, by_source):
            kinds = {f["kind"] for f in body["results"]}
            assert "misattribution" in kinds
            assert "numeric_conflict" not in kinds


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/attributions/compare/", "a"),
        ("/api/attributions/compare/?a=1", "b"),
        ("/api/attributions/compare/?a=0&b=1", "a"),
        ("/api/findings/?state=maybe", "state"),
        ("/api/findings/?resolved=sometimes", "resolved"),
    ],
)
def test_bad_queries_are_400s_naming_the_parameter(invented_archive, reader_api, url, field):
    response = reader_api.get(url)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": "too short"}, "text"),
    ],
)
def test_bad_quote_checks_are_400s_naming_the_field(invented_archive, reader_api, payload, field):
    response = reader_api.post("/api/quote-check/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_comparing_an_attribution_that_does_not_exist_is_a_404(invented_archive, reader_api):
    response = reader_api.get("/api/attributions/compare/?a=999999&b=999998")
    assert response.status_code == 404
    assert response.json() == {"detail": "No attribution has the id 999999 or 999998."}


@pytest.mark.parametrize("source", ["Nobody Invented", "999999"])
def test_a_quote_check_naming_a_source_not_stored_is_a_409(invented_archive, reader_api, source):
    payload = {"text": "We will rebuild the river bridge", "source": source}
    response = reader_api.post("/api/quote-check/", payload, format="json")
    assert response.status_code == 409
    assert "No source" in response.json()["source"][0]


def test_triage_with_an_unknown_state_is_refused(invented_archive, factchecker_api):
    recheck_everything()
    finding = Finding.objects.first()
    response = factchecker_api.patch(
        f"/api/findings/{finding.pk}/", {"state": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "state" in response.json()
    finding.refresh_from_db()
    assert finding.state == "open"


def test_findings_list_runs_the_same_queries_at_one_and_many(
    invented_archive, reader_api, django_assert_max_num_queries
):
    recheck_everything()
    total = Finding.objects.count()
    Finding.objects.exclude(pk=Finding.objects.first().pk).delete()
    # A token's first request also writes its last use and an event; later ones do not.
    reader_api.get("/api/")
    with django_assert_max_num_queries(8) as one:
        reader_api.get("/api/findings/")
    recheck_everything()
    assert Finding.objects.count() == total >= 5
    with django_assert_max_num_queries(len(one.captured_queries)):
        reader_api.get("/api/findings/")


def test_the_middle_half_of_every_quote_of_the_seed_is_found(seed, reader_api):
    """What the header search lists as a quote (its text holds the words), the check
    finds: the middle half of each of the seed's quotes of eight words or more."""
    checked = 0
    for attribution in Attribution.objects.exclude(kind="unattributed"):
        words = attribution.text.split()
        if len(words) < 8:
            continue
        middle = " ".join(words[len(words) // 4 : len(words) - len(words) // 4])
        body = reader_api.post("/api/quote-check/", {"text": middle}, format="json").json()
        found = {m["attribution"]["id"]: m["relation"] for m in body["matches"]}
        assert found.get(attribution.pk) in ("same", "fragment"), (middle, body)
        checked += 1
    assert checked >= 10
