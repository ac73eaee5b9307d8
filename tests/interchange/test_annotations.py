"""Reading, checking, loading and dumping annotation documents (interchange/annotations/)."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation
from interchange import annotations
from interchange.annotations import (
    AnnotationError,
    canonical_form,
    dump_annotation,
    load_annotation,
    parse_annotation,
)
from sources.models import Source, SourceAlias
from tests.factories import ArticleFactory, OutletFactory

SEED_JSON = Path(settings.BASE_DIR) / "seeds" / "baghouz-2019-03-13.json"
MODELS = (Outlet, Article, Source, SourceAlias, Claim, Attribution, MetadataSpan, ClaimRelation)

# Everything below is invented: the town of Quellbridge, its mayor Ilse Varnok, the council,
# the Quellbridge Courier and the Northmere Wire do not exist.
COURIER_BODY = (
    "Mayor Ilse Varnok of the invented town of Quellbridge said on Monday that the river "
    "bridge would reopen in June. “We will not rush it,” Varnok said. A council engineer, "
    "who asked not to be named, said the repairs were behind schedule."
)
WIRE_BODY = (
    "QUELLBRIDGE (Northmere Wire) - The river bridge will stay closed until July, "
    "Mayor Varnok told the Northmere Wire on Friday. Another council engineer, who was "
    "not authorized to speak, said the steel had not arrived."
)


def span(body: str, text: str) -> dict:
    start = body.index(text)
    return {"start": start, "end": start + len(text), "text": text}


def invented_document() -> dict:
    """Two invented articles quoting the same invented mayor."""
    return {
        "format": "claim-tracker-annotation/1",
        "description": "Invented test data.",
        "outlets": [
            {"key": "courier", "name": "Quellbridge Courier", "kind": "newspaper"},
            {
                "key": "wire",
                "name": "Northmere Wire",
                "kind": "wire_agency",
                "domain": "nw.example",
            },
        ],
        "articles": [
            {
                "key": "bridge-june",
                "outlet": "courier",
                "headline": "Quellbridge bridge to reopen in June, mayor says",
                "url": "https://courier.example/bridge-june",
                "published_at": "2031-05-05T09:30:00+02:00",
                "body": COURIER_BODY,
                "sources": [
                    {"key": "council", "kind": "organization", "name": "Quellbridge Council"},
                    {
                        "key": "varnok",
                        "kind": "person",
                        "name": "Ilse Varnok",
                        "description": "Mayor of Quellbridge",
                        "role": "mayor",
                        "affiliation": "council",
                        "aliases": ["Varnok"],
                    },
                    {
                        "key": "engineer",
                        "kind": "anonymous",
                        "description": "A council engineer",
                        "affiliation": "council",
                        "anonymity_reason": "asked not to be named",
                    },
                ],
                "claims": [
                    {"key": "june", "text": "The Quellbridge bridge reopens in June."},
                    {"key": "behind", "text": "The bridge repairs are behind schedule."},
                ],
                "attributions": [
                    {
                        "source": "varnok",
                        "claim": "june",
                        "kind": "indirect",
                        **span(COURIER_BODY, "the river bridge would reopen in June"),
                        "cue": "said",
                        "said_on": "2031-05-05",
                        "said_when_text": "on Monday",
                    },
                    {
                        "source": "varnok",
                        "claim": "june",
                        "kind": "direct",
                        **span(COURIER_BODY, "We will not rush it"),
                        "cue": "said",
                    },
                    {
                        "source": "engineer",
                        "claim": "behind",
                        "kind": "indirect",
                        **span(COURIER_BODY, "the repairs were behind schedule"),
                        "cue": "said",
                    },
                ],
            },
            {
                "key": "bridge-july",
                "outlet": "wire",
                "headline": "Quellbridge bridge closed until July",
                "url": "https://northmere.example/bridge-july",
                "body": WIRE_BODY,
                "sources": [
                    {
                        "key": "mayor",
                        "kind": "person",
                        "name": "ilse varnok",
                        "aliases": ["Mayor Varnok", "Varnok"],
                    },
                    {
                        "key": "engineer",
                        "kind": "anonymous",
                        "description": "Another council engineer",
                        "anonymity_reason": "not authorized to speak",
                    },
                ],
                "claims": [
                    {"key": "july", "text": "The Quellbridge bridge stays closed until July."},
                    {"key": "steel", "text": "Steel for the Quellbridge bridge has not arrived."},
                ],
                "attributions": [
                    {
                        "source": "mayor",
                        "claim": "july",
                        "kind": "indirect",
                        **span(WIRE_BODY, "The river bridge will stay closed until July"),
                        "cue": "told",
                        "channel": "interview",
                        "recipient": "wire",
                        "said_when_text": "on Friday",
                    },
                    {
                        "source": "engineer",
                        "claim": "steel",
                        "kind": "indirect",
                        # No offsets: the loader locates the text, which occurs once.
                        "text": "the steel had not arrived",
                        "cue": "said",
                    },
                ],
                "metadata": [
                    {"kind": "dateline", "outlet": "wire", **span(WIRE_BODY, "QUELLBRIDGE")},
                ],
                "relations": [{"from": "steel", "to": "july", "kind": "supports"}],
            },
        ],
    }


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def load_error(document) -> str:
    """Load a document that must fail; check nothing was written; return the message."""
    before = row_counts()
    with pytest.raises(AnnotationError) as error:
        load_annotation(document)
    assert row_counts() == before
    return str(error.value)


# Round trip


def test_dumping_the_loaded_seed_gives_back_the_seed_file(seed):
    dumped = dump_annotation(seed)
    json.dumps(dumped)  # plain JSON, nothing else
    assert canonical_form(dumped) == canonical_form(SEED_JSON)


def test_dump_of_the_seed_keeps_items_and_fields_in_the_file_order(seed):
    original = json.loads(SEED_JSON.read_text(encoding="utf-8"))["articles"][0]
    dumped = dump_annotation(seed)["articles"][0]
    for name in ("sources", "claims", "attributions", "metadata", "relations"):
        assert len(dumped[name]) == len(original[name])
    for ours, theirs in zip(dumped["attributions"], original["attributions"], strict=True):
        assert [key for key in ours if key != "source"] == [k for k in theirs if k != "source"]
        assert ours["text"] == theirs["text"]
    assert [s.get("name") for s in dumped["sources"]] == [
        s.get("name") for s in original["sources"]
    ]


def test_dump_generates_the_same_keys_every_time(seed):
    assert dump_annotation(seed) == dump_annotation(Article.objects.get(pk=seed.pk))


def test_canonical_form_tells_apart_documents_that_differ_in_content(seed):
    dumped = dump_annotation(seed)
    changed = copy.deepcopy(dumped)
    changed["articles"][0]["attributions"][0]["cue"] = "claimed"
    assert canonical_form(changed) != canonical_form(dumped)
    changed = copy.deepcopy(dumped)
    del changed["articles"][0]["sources"][1]["affiliation"]
    assert canonical_form(changed) != canonical_form(dumped)


def test_canonical_form_ignores_keys_and_item_order():
    document = invented_document()
    renamed = copy.deepcopy(document)
    article = renamed["articles"][0]
    article["sources"][1]["key"] = "mayor-ilse"
    for attribution in article["attributions"][:2]:
        attribution["source"] = "mayor-ilse"
    article["attributions"].reverse()
    assert canonical_form(renamed) == canonical_form(document)


def test_dump_of_an_invented_article_loads_back_into_the_same_content(db):
    document = invented_document()
    document["outlets"] = document["outlets"][1:]
    document["articles"] = document["articles"][1:]
    load_annotation(document)
    article = Article.objects.get(headline="Quellbridge bridge closed until July")
    dumped = dump_annotation(article)
    assert canonical_form(dumped) == canonical_form(document)
    assert parse_annotation(dumped)["articles"][0]["metadata"][0]["end"] == len("QUELLBRIDGE")


# Refused documents: a clear message, nothing written


def test_span_that_does_not_match_the_body_is_refused(db):
    document = invented_document()
    attribution = document["articles"][0]["attributions"][1]
    attribution["start"] += 1
    attribution["end"] += 1
    start, end = attribution["start"], attribution["end"]
    message = load_error(document)
    assert f"text does not match body at {start}-{end}" in message
    assert message.startswith("article 'bridge-june': attributions[1]: ")


def test_unknown_source_key_is_refused(db):
    document = invented_document()
    document["articles"][1]["attributions"][0]["source"] = "nobody"
    message = load_error(document)
    assert "article 'bridge-july': attributions[0]: source: unknown source key 'nobody'" in message


def test_unknown_kind_is_refused_with_the_kinds_allowed(db):
    document = invented_document()
    document["articles"][0]["sources"][1]["kind"] = "celebrity"
    message = load_error(document)
    assert "article 'bridge-june': sources[1]: kind: unknown kind 'celebrity'" in message
    assert "person, organization" in message


def test_article_without_a_body_is_refused(db):
    document = invented_document()
    del document["articles"][0]["body"]
    message = load_error(document)
    assert "article 'bridge-june': missing body" in message


def test_a_valid_article_is_not_written_when_another_in_the_document_is_invalid(db):
    document = invented_document()
    document["articles"][1]["claims"][0]["text"] = ""
    message = load_error(document)
    assert "article 'bridge-july': claims[0]: text: This field cannot be blank." in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["articles"][0]["attributions"][0].update(speeker="Varnok"),
            "attributions[0]: unknown field 'speeker'",
        ),
        (lambda d: d["articles"][0]["claims"][0].pop("text"), "claims[0]: missing field 'text'"),
        (
            lambda d: d["articles"][0]["attributions"][0].update(source=None),
            "attributions[0]: give the source, or make the kind 'unattributed'",
        ),
        (
            lambda d: d["articles"][0]["attributions"][2].update(kind="unattributed"),
            "attributions[2]: an unattributed statement has no source",
        ),
        (
            lambda d: d["articles"][0]["sources"][1].update(affiliation="engineer"),
            "sources[1]: affiliation: must be an organization",
        ),
        (
            lambda d: d["articles"][0]["sources"][2].update(name="Jana Invented"),
            "sources[2]: name: an anonymous source has no name",
        ),
        (
            lambda d: d["articles"][0].update(published_at="2031-05-05T09:30:00"),
            "published_at: give the time with its UTC offset",
        ),
        (
            lambda d: d["articles"][0]["attributions"][0].update(said_on="Monday"),
            "said_on: 'Monday' is not a date (YYYY-MM-DD)",
        ),
        (
            lambda d: d["articles"][0]["attributions"][0].update(start=None, end=None, text="the"),
            "attributions[0]: text occurs 3 times in the body",
        ),
        (
            lambda d: d["articles"][1]["relations"][0].update(to="steel"),
            "relations[0]: a claim cannot be related to itself",
        ),
        (lambda d: d["articles"][1].update(outlet="times"), "outlet: unknown outlet key 'times'"),
        (lambda d: d.update(format="something-else/2"), "format: expected"),
    ],
)
def test_invalid_document_is_refused_before_anything_is_written(db, change, expected):
    document = invented_document()
    change(document)
    assert expected in load_error(document)


def test_every_problem_is_reported_at_once(db):
    document = invented_document()
    document["articles"][0]["attributions"][0]["source"] = "nobody"
    document["articles"][1]["sources"][0]["kind"] = "celebrity"
    message = load_error(document)
    assert "article 'bridge-june': attributions[0]" in message
    assert "article 'bridge-july': sources[0]" in message


def test_a_row_refused_while_writing_rolls_back_the_whole_document(db, monkeypatch):
    def refuse(**data):
        raise ValidationError({"kind": "Refused for the test."})

    monkeypatch.setattr(annotations.load, "claim_relation_create", refuse)
    message = load_error(invented_document())
    assert message == "article 'bridge-july': relations[0]: kind: Refused for the test."


def test_body_file_outside_the_documents_folder_is_refused(db, tmp_path):
    (tmp_path / "outside.txt").write_text(COURIER_BODY, encoding="utf-8")
    folder = tmp_path / "annotations"
    folder.mkdir()
    document = invented_document()
    article = document["articles"][0]
    del article["body"]
    article["body_file"] = "../outside.txt"
    path = folder / "invented.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert "body_file '../outside.txt' must be inside" in load_error(path)


def test_body_file_next_to_the_document_is_read_as_the_body(db, tmp_path):
    document = invented_document()
    article = document["articles"][0]
    del article["body"]
    article["body_file"] = "courier.txt"
    (tmp_path / "courier.txt").write_bytes(COURIER_BODY.encode("utf-8"))
    path = tmp_path / "invented.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    load_annotation(path)
    assert Article.objects.get(url="https://courier.example/bridge-june").body == COURIER_BODY


# The command


def test_command_refuses_a_bad_file_naming_it_and_the_problem(db, tmp_path):
    document = invented_document()
    document["articles"][0]["attributions"][0]["source"] = "nobody"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError) as error:
        call_command("load_seed", str(path), verbosity=0)
    assert str(path) in str(error.value)
    assert "attributions[0]: source: unknown source key 'nobody'" in str(error.value)
    assert row_counts() == before


def test_command_writes_nothing_when_a_later_file_is_bad(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_seed", str(SEED_JSON), str(bad), verbosity=0)
    assert "not valid JSON" in str(error.value)
    assert Article.objects.count() == 0


# Loading rules


def test_second_article_quoting_the_same_person_reuses_the_source_and_adds_an_alias(db):
    report = load_annotation(invented_document())

    varnok = Source.objects.get(kind="person")
    assert varnok.name == "Ilse Varnok"
    assert set(varnok.aliases.values_list("name", flat=True)) == {"Varnok", "Mayor Varnok"}
    quoted_in = set(varnok.attributions.values_list("article__headline", flat=True))
    assert quoted_in == {
        "Quellbridge bridge to reopen in June, mayor says",
        "Quellbridge bridge closed until July",
    }
    assert report.created[Source] == 4
    assert report.skipped[Source] == 1
    assert report.created[SourceAlias] == 2


def test_anonymous_sources_belong_to_their_own_article(db):
    load_annotation(invented_document())
    engineers = Source.objects.filter(kind="anonymous").select_related("article")
    assert {(e.description, e.article.url) for e in engineers} == {
        ("A council engineer", "https://courier.example/bridge-june"),
        ("Another council engineer", "https://northmere.example/bridge-july"),
    }


def test_named_source_is_found_by_an_alias_in_a_later_load(db):
    document = invented_document()
    first, second = document["articles"]
    document["articles"] = [first]
    load_annotation(document)
    second["sources"][0]["name"] = "VARNOK"
    document["articles"] = [second]
    load_annotation(document)
    assert Source.objects.filter(kind="person").count() == 1


def test_outlets_are_matched_by_name_ignoring_case(db):
    existing = OutletFactory(name="QUELLBRIDGE COURIER")
    report = load_annotation(invented_document())
    assert Outlet.objects.filter(name__iexact="quellbridge courier").count() == 1
    assert Article.objects.get(url="https://courier.example/bridge-june").outlet == existing
    assert report.skipped[Outlet] == 1
    assert report.created[Outlet] == 1


def test_article_with_a_url_already_present_is_skipped(db):
    ArticleFactory(url="https://courier.example/bridge-june", headline="Another headline")
    report = load_annotation(invented_document())
    assert report.skipped[Article] == 1
    assert report.created[Article] == 1
    assert Article.objects.filter(url="https://courier.example/bridge-june").count() == 1


def test_loading_a_document_twice_writes_nothing_the_second_time(db):
    load_annotation(invented_document())
    counts = row_counts()
    history = {model.__name__: model.history.count() for model in MODELS}

    report = load_annotation(invented_document())

    assert row_counts() == counts
    assert {model.__name__: model.history.count() for model in MODELS} == history
    assert not report.created
    assert report.skipped[Article] == 2
    assert report.summary() == "Nothing new. Already present: 2 articles, 2 outlets."


def test_report_summary_counts_what_was_created_and_reused(db):
    report = load_annotation(invented_document())
    assert report.summary() == (
        "Created 2 articles, 2 outlets, 4 sources, 2 source aliases, 4 claims, "
        "5 attributions, 1 metadata span, 1 claim relation. Already present: 1 source."
    )


def test_loaded_values_are_typed_and_offsets_located(db):
    load_annotation(invented_document())
    article = Article.objects.get(url="https://courier.example/bridge-june")
    assert article.published_at.isoformat() == "2031-05-05T07:30:00+00:00"
    steel = Attribution.objects.get(text="the steel had not arrived")
    assert WIRE_BODY[steel.start : steel.end] == steel.text
    told = Attribution.objects.get(cue="told")
    assert told.recipient.name == "Northmere Wire"
    assert told.channel == Attribution.Channel.INTERVIEW


def test_load_records_the_user_in_every_history_row(editor):
    load_annotation(invented_document(), user=editor)
    for model in MODELS:
        assert set(model.history.values_list("history_user", flat=True)) == {editor.pk}
