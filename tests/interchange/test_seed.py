"""The seed article (the Baghouz report) as loaded by ``manage.py load_seed``."""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation
from sources.models import Source, SourceAlias, SourceIdentifier

SEED_BODY = Path(settings.BASE_DIR) / "seeds" / "baghouz-2019-03-13.txt"
LOADED_MODELS = (
    Outlet,
    Article,
    Source,
    SourceAlias,
    Claim,
    Attribution,
    MetadataSpan,
    ClaimRelation,
)


def row_counts() -> dict[str, int]:
    counts = {}
    for model in LOADED_MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


def counterattack_attributions(seed):
    return seed.attributions.filter(claim__text__startswith="ISIS staged a counterattack")


def test_seed_has_every_kind_of_source_in_the_expected_numbers(seed):
    kinds = Counter(Source.objects.values_list("kind", flat=True))
    assert kinds == {
        "organization": 1,
        "anonymous": 2,
        "person": 3,
        "official_account": 1,
        "group": 1,
    }


def test_seed_has_every_kind_of_attribution_in_the_expected_numbers(seed):
    kinds = Counter(seed.attributions.values_list("kind", flat=True))
    assert kinds == {"indirect": 9, "unattributed": 9, "direct": 4, "mixed": 2}


def test_seed_has_its_claims_relations_metadata_and_outlets(seed):
    assert Claim.objects.count() == 19
    assert ClaimRelation.objects.count() == 2
    assert seed.metadata_spans.count() == 5
    assert Outlet.objects.count() == 3
    assert Article.objects.count() == 1


def test_every_seed_span_is_the_body_text_at_its_offsets(seed):
    spans = [*seed.attributions.all(), *seed.metadata_spans.all()]
    assert len(spans) == 29
    for span in spans:
        assert seed.body[span.start : span.end] == span.text


def test_seed_body_is_the_text_file_byte_for_byte(seed):
    seed.refresh_from_db()
    assert seed.body.encode("utf-8") == SEED_BODY.read_bytes()


def test_the_three_voices_on_the_counterattack_are_all_the_sdf(seed):
    sdf = Source.objects.get(kind="organization", name="Syrian Democratic Forces")
    sources = {a.source for a in counterattack_attributions(seed).select_related("source")}
    assert len(sources) == 3
    assert {s.kind for s in sources} == {"organization", "anonymous", "person"}
    assert "Dilbrin Nargiz" in {s.name for s in sources}
    for source in sources:
        assert source == sdf or source.affiliation == sdf


def test_both_anonymous_commanders_give_the_stated_reason(seed):
    commanders = Source.objects.filter(kind="anonymous")
    assert commanders.count() == 2
    for commander in commanders:
        assert commander.anonymity_reason == "not authorized to talk to the media"
        assert commander.article == seed


def test_afrin_interview_quotes_were_told_to_the_associated_press_late_on_tuesday(seed):
    afrin = Source.objects.get(name="Adnan Afrin")
    interview = seed.attributions.filter(source=afrin, cue="told")
    assert interview.count() == 2
    for attribution in interview.select_related("recipient"):
        assert attribution.recipient.name == "The Associated Press"
        assert attribution.channel == Attribution.Channel.INTERVIEW
        assert attribution.said_when_text == "late on Tuesday"
        assert attribution.kind == Attribution.Kind.DIRECT


def test_coalition_is_an_official_account_on_twitter(seed):
    coalition = Source.objects.get(name="US-led coalition")
    assert coalition.kind == Source.Kind.OFFICIAL_ACCOUNT
    assert coalition.platform == Source.Platform.TWITTER
    assert set(coalition.attributions.values_list("cue", flat=True)) == {"tweeted", "said"}


def test_seed_sources_have_the_type_of_role_the_article_gives(seed):
    role_types = {
        source.name or source.description: source.role_type for source in Source.objects.all()
    }
    assert role_types == {
        # "US-backed Syrian forces said": the organisation itself has no role.
        "Syrian Democratic Forces": "",
        # The commanders are combatants; the two anonymous ones "were not authorized to talk
        # to the media", so none speaks officially for the SDF.
        "a commander with the US-backed Syrian Democratic Forces": "fighter",
        "Another commander (with the SDF)": "fighter",
        "Dilbrin Nargiz": "fighter",
        "Simone Awad": "fighter",  # "a 22-year-old fighter"
        "Adnan Afrin": "spokesperson",  # "A spokesman for the US-backed forces"
        "US-led coalition": "official",  # the coalition's own account
        "many die-hard ISIS supporters": "other",
    }
    # The wording stays in the free-text role.
    assert Source.objects.get(name="Adnan Afrin").role == "spokesman"


def test_seed_records_no_identifiers(seed):
    # Nothing in the article identifies these people; no identifier is guessed for them.
    assert not SourceIdentifier.objects.exists()


def test_photo_credit_points_to_afp(seed):
    credit = seed.metadata_spans.get(kind=MetadataSpan.Kind.PHOTO_CREDIT)
    assert credit.text == "(AFP)"
    assert credit.outlet.name == "AFP"


def test_loading_the_seed_twice_changes_nothing(seed):
    before = row_counts()
    call_command("load_seed", verbosity=0)
    assert row_counts() == before


def test_every_row_the_seed_created_has_a_history_record(seed):
    for model in LOADED_MODELS:
        pks = set(model.objects.values_list("pk", flat=True))
        assert pks
        recorded = set(model.history.filter(history_type="+").values_list("id", flat=True))
        assert pks == recorded, model.__name__


@pytest.mark.django_db
def test_seed_command_reports_what_it_loaded_then_that_it_is_already_loaded(capsys):
    call_command("load_seed")
    first = capsys.readouterr().out
    assert "Created 1 article, 3 outlets, 8 sources" in first
    assert "24 attributions" in first

    call_command("load_seed")
    assert capsys.readouterr().out.strip() == "Seed already loaded: 1 article skipped."


@pytest.mark.django_db
def test_seed_command_is_silent_at_verbosity_zero(capsys):
    call_command("load_seed", verbosity=0)
    call_command("load_seed", verbosity=0)
    assert capsys.readouterr().out == ""
