"""The BRAT commands: ``evaluate_extraction --brat``, ``import_brat`` and ``export_brat``.
Every text here and in ``brat_fixture/`` is invented."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article, Outlet
from claims.models import Attribution
from claims.services import attribution_create
from interchange import brat_evaluation
from interchange.brat import content_kind, read_brat_folder
from interchange.brat_transfer import source_for
from sources.models import Source
from suggestions.extraction.types import Suggestion
from tests.factories import ArticleFactory, OutletFactory, SourceFactory

FIXTURE = Path(__file__).parent / "brat_fixture"
FLAT = FIXTURE / "flat"
CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "polnear-train"


def run(*args, **kwargs) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


# evaluate_extraction --brat


def _suggestion(text, content, speaker=None, cue=None, occurrence=1):
    def at(sub, n=1):
        start = -1
        for _ in range(n):
            start = text.index(sub, start + 1)
        return start, start + len(sub)

    start, end = at(content)
    speaker_start, speaker_end = at(speaker, occurrence) if speaker else (None, None)
    cue_start, cue_end = at(cue, occurrence) if cue else (0, 0)
    return Suggestion(
        start=start,
        end=end,
        text=text[start:end],
        kind=content_kind(text[start:end]),
        cue=cue or "",
        cue_start=cue_start,
        cue_end=cue_end,
        speaker_start=speaker_start,
        speaker_end=speaker_end,
        speaker_mention=speaker or "",
        source_id=None,
        proposed_source=None,
        recipient="",
        said_when_text="",
        confidence=1.0,
    )


def _fixed_extractor(text: str, method: str = "combined"):
    """Hand-made suggestions for the two fixture articles (see the expected numbers)."""
    if text.startswith("Ferry"):  # harbour-ferry: development
        return [
            # overlaps E1's content (starts at the cue): not exact, not loose
            _suggestion(text, "said the ferry would run again in May", "Edda Quist", "said"),
            # E2's content without its marks and comma: loose, not exact
            _suggestion(text, "We have fixed the engines", "Quist", "said", occurrence=2),
            # the headline: matches nothing
            _suggestion(text, "Ferry service to resume in May"),
        ]
    return [  # bridge-vote: held out
        _suggestion(text, "a win for the whole town", "Councillor Rina Holt", "said"),
        _suggestion(text, "“Building starts next spring.”", "Holt", "said", occurrence=2),
    ]


@pytest.fixture
def fixed_extractor(monkeypatch):
    monkeypatch.setattr(brat_evaluation, "extract_suggestions", _fixed_extractor)


def _prf(block):
    return (block["predicted"], block["gold"], block["matched"]), (
        block["precision"],
        block["recall"],
        block["f1"],
    )


def test_evaluate_brat_json_by_hand(fixed_extractor):
    out, err = run("evaluate_extraction", "--brat", str(FLAT), "--format", "json")
    data = json.loads(out)
    assert [s["name"] for s in data["sets"]] == ["development", "heldout"]
    dev, held = (s["total"] for s in data["sets"])
    assert (dev["articles"], dev["problems"], held["articles"], held["problems"]) == (1, 1, 1, 0)
    # harbour-ferry: 3 predicted contents, 3 gold; E1 and E2 overlapped, E2 loose only.
    assert _prf(dev["content_overlap"]) == ((3, 3, 2), (0.6667, 0.6667, 0.6667))
    assert _prf(dev["content_exact"]) == ((3, 3, 0), (0.0, 0.0, 0.0))
    assert _prf(dev["content_loose"]) == ((3, 3, 1), (0.3333, 0.3333, 0.3333))
    assert _prf(dev["source_overlap"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert _prf(dev["source_exact"]) == ((2, 3, 1), (0.5, 0.3333, 0.4))
    assert _prf(dev["cue_exact"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert dev["content_recall_by_kind"] == {
        "direct": {"matched": 1, "gold": 1, "recall": 1.0},
        "mixed": {"matched": 0, "gold": 0, "recall": None},
        "indirect": {"matched": 1, "gold": 2, "recall": 0.5},
    }
    # bridge-vote: 2 predicted contents, 3 gold; the mixed one overlapped, the direct exact.
    assert _prf(held["content_overlap"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert _prf(held["content_exact"]) == ((2, 3, 1), (0.5, 0.3333, 0.4))
    assert _prf(held["content_loose"]) == ((2, 3, 1), (0.5, 0.3333, 0.4))
    assert _prf(held["source_exact"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert _prf(held["cue_overlap"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert {k: v["recall"] for k, v in held["content_recall_by_kind"].items()} == {
        "direct": 1.0,
        "mixed": 1.0,
        "indirect": 0.0,
    }
    assert data["articles"] == 2
    assert data["articles_per_second"] > 0
    assert data["problems"] == [
        {"file": "harbour-ferry.ann", "line": 6, "message": data["problems"][0]["message"]}
    ]
    assert "harbour-ferry.ann:6: not a BRAT line" in err


def test_evaluate_brat_one_split_and_all(fixed_extractor):
    data = json.loads(
        run("evaluate_extraction", "--brat", str(FLAT), "--split", "heldout", "--format", "json")[0]
    )
    assert [s["name"] for s in data["sets"]] == ["heldout"]
    assert data["articles"] == 1
    assert data["problems"] == []  # harbour-ferry was not read
    data = json.loads(
        run("evaluate_extraction", "--brat", str(FLAT), "--split", "all", "--format", "json")[0]
    )
    (everything,) = data["sets"]
    assert everything["name"] == "all"
    assert _prf(everything["total"]["content_overlap"]) == ((5, 6, 4), (0.8, 0.6667, 0.7273))


def test_evaluate_brat_table_and_markdown(fixed_extractor):
    out, err = run("evaluate_extraction", "--brat", str(FLAT))
    assert "[development] 1 article, 1 problem read" in out
    assert "[heldout] 1 article, 0 problems read" in out
    assert "content recall by kind (overlap): direct 1.00 (1/1), mixed - (0/0)" in out
    assert "articles per second" in out
    assert "warning: " in err
    out, _ = run("evaluate_extraction", "--brat", str(FLAT), "--format", "markdown", verbosity=0)
    assert "| content | overlap | 3 | 3 | 2 | 0.67 | 0.67 | 0.67 |" in out


def test_evaluate_brat_with_the_extractor():
    data = json.loads(run("evaluate_extraction", "--brat", str(FLAT), "--format", "json")[0])
    dev, held = (s["total"] for s in data["sets"])
    assert dev["content_overlap"]["gold"] == 3
    assert held["content_overlap"]["gold"] == 3
    assert held["content_recall_by_kind"]["mixed"]["gold"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--brat", "/no/such/folder"], "no such folder"),
        (["--brat", str(FIXTURE)], "no BRAT pairs"),
        (["--brat", str(FLAT), "--split", "test"], "invalid choice"),
        (["--split", "heldout"], "--split applies to --brat only"),
        (["--brat", str(FLAT), "seeds"], "--brat takes no PATH"),
    ],
)
def test_evaluate_brat_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run("evaluate_extraction", *args)


def test_evaluate_brat_error_exits_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "evaluate_extraction", "--brat", str(tmp_path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "no BRAT pairs" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.corpus
def test_evaluate_brat_on_the_real_corpus_heldout():
    if not CORPUS.is_dir():
        message = f"the PolNeAR training corpus is not at {CORPUS}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the corpus test, but {message}.", pytrace=False)
        pytest.skip(message)
    data = json.loads(
        run("evaluate_extraction", "--brat", str(CORPUS), "--split", "heldout", "--format", "json")[
            0
        ]
    )
    (heldout,) = data["sets"]
    total = heldout["total"]
    assert heldout["name"] == "heldout"
    assert 100 < total["articles"] < 250
    assert total["content_overlap"]["gold"] > 1000
    assert 0 < total["content_overlap"]["recall"] <= 1
    assert set(total["content_recall_by_kind"]) == {"direct", "mixed", "indirect"}


# import_brat


def _attributions(article):
    return [
        (
            a.start,
            a.end,
            a.text,
            a.kind,
            a.cue,
            a.speaker_mention,
            a.source.kind if a.source else None,
            (a.source.name or a.source.description) if a.source else None,
        )
        for a in article.attributions.order_by("start")
    ]


@pytest.mark.django_db
def test_import_the_fixture():
    out, err = run("import_brat", str(FLAT))
    assert "Created 2 articles with 6 attributions" in out
    assert "1 skipped" not in out
    assert "harbour-ferry.ann:6: not a BRAT line" in err
    harbour = Article.objects.get(headline="Ferry service to resume in May")
    assert harbour.body == (FLAT / "harbour-ferry.txt").read_text(encoding="utf-8")
    assert harbour.outlet.name == "BRAT import"
    assert _attributions(harbour) == [
        (
            63,
            95,
            "the ferry would run again in May",
            "indirect",
            "said",
            "Harbour master Edda Quist",
            "person",
            "Edda Quist",
        ),
        (97, 125, "“We have fixed the engines,”", "direct", "said", "Quist", "person", "Quist"),
        (
            169,
            199,
            "repairs cost more than planned",
            "indirect",
            "said",
            "A spokesman for the port",
            "anonymous",
            "A spokesman for the port",
        ),
    ]
    quist = Source.objects.get(name="Edda Quist")
    assert quist.role == "Harbour master"
    assert quist.history.count() == 1  # written through the services, with history
    bridge = Article.objects.get(headline="Council backs new bridge")
    kinds = [(a.kind, a.source.name or a.source.description) for a in bridge.attributions.all()]
    assert sorted(kinds) == [
        ("direct", "Holt"),
        ("indirect", "the council"),
        ("mixed", "Rina Holt"),
    ]
    assert Source.objects.get(name="Rina Holt").role == "Councillor"
    # Again: everything is skipped.
    out, _ = run("import_brat", str(FLAT))
    assert "Created 0 articles" in out
    assert "2 skipped (already imported)" in out
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_import_a_headline_the_outlet_has_gets_the_file_name(tmp_path):
    ArticleFactory(
        outlet=OutletFactory(name="BRAT import"), headline="Council backs new bridge", url=""
    )
    out, _ = run("import_brat", str(FLAT))
    assert "Created 2 articles" in out
    assert Article.objects.filter(headline="Council backs new bridge (bridge-vote)").exists()


@pytest.mark.django_db
def test_import_dry_run_stores_nothing():
    out, _ = run("import_brat", str(FLAT), "--dry-run")
    assert "Dry run: nothing stored. Would create 2 articles with 6 attributions" in out
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0
    assert Outlet.objects.count() == 0


@pytest.mark.django_db
def test_import_reuses_the_outlet_and_named_sources_and_skips_stored_bodies():
    outlet = OutletFactory(name="Quellbridge Courier")
    holt = SourceFactory(name="Rina Holt")
    ArticleFactory(
        headline="Another headline",
        url="",
        body=(FLAT / "harbour-ferry.txt").read_text(encoding="utf-8"),
    )
    out, _ = run("import_brat", str(FLAT), "--outlet", "quellbridge courier", verbosity=2)
    assert "Created 1 article with 3 attributions" in out
    assert "1 already in the archive" in out
    bridge = Article.objects.get(headline="Council backs new bridge")
    assert bridge.outlet == outlet
    assert bridge.attributions.filter(source=holt).count() == 1
    assert Source.objects.filter(name="Rina Holt").count() == 1


@pytest.mark.django_db
def test_import_both_layouts_unattributed_discontinuous_and_crlf(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Dam safe, report says\r\n\r\n“It holds,” Ms. Varn said, “for now.” Tolls rose.\r\n"
    (tmp_path / "text" / "dam_2031.txt").write_bytes(text.encode("utf-8"))

    def span(ident, label, sub, occurrence=1):
        start = -1
        for _ in range(occurrence):
            start = text.index(sub, start + 1)
        return f"{ident}\t{label} {start} {start + len(sub)}\t{sub}"

    first, second = text.index("“It holds,”"), text.index("“for now.”")
    ann = "\n".join(
        [
            f"T1\tContent {first} {first + 11};{second} {second + 10}\t“It holds,” “for now.”",
            span("T2", "Source", "Ms. Varn"),
            span("T3", "Cue", "said"),
            "E1\tSource:T2 Cue:T3 Content:T1",
            span("T4", "Content", "Tolls rose"),
            span("T5", "Cue", "says"),
            "E2\tContent:T4 Cue:T5",
            "E3\tSource:T2 Cue:T3",  # no content: skipped
            "",
        ]
    )
    (tmp_path / "attributions" / "dam_2031_x1.ann").write_text(ann, encoding="utf-8")
    (tmp_path / "attributions" / "dam_2031_y2.ann").write_text("garbage\n", encoding="utf-8")
    out, err = run("import_brat", str(tmp_path))
    assert "Created 1 article with 2 attributions" in out
    assert "1 events without content skipped" in out
    assert err.count("(skipped)") == 0  # the second annotator's file is not read
    article = Article.objects.get()
    assert article.headline == "Dam safe, report says"
    assert article.body == text.replace("\r\n", "\n")
    quote, tolls = article.attributions.order_by("start")
    assert quote.text == "“It holds,” Ms. Varn said, “for now.”"  # first to last character
    assert (quote.kind, quote.speaker_mention, quote.source.name) == ("mixed", "Ms. Varn", "Varn")
    assert (tolls.text, tolls.kind, tolls.source, tolls.cue) == (
        "Tolls rose",
        "unattributed",
        None,
        "says",
    )


@pytest.mark.django_db
def test_import_a_refused_article_fails_alone(tmp_path, settings):
    settings.TRACKER_MAX_BODY_CHARS = 210
    with pytest.raises(CommandError, match="1 of 2 articles failed"):
        run("import_brat", str(FLAT))
    # bridge-vote is over the limit
    assert list(Article.objects.values_list("headline", flat=True)) == [
        "Ferry service to resume in May"
    ]


@pytest.mark.django_db
def test_import_errors(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        run("import_brat", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="nothing to import"):
        run("import_brat", str(tmp_path))


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Edda Quist", {"kind": "person", "name": "Edda Quist", "role": ""}),
        ("Mayor Ilse Varnok", {"kind": "person", "name": "Ilse Varnok", "role": "Mayor"}),
        (
            "harbour master Edda Quist",
            {"kind": "person", "name": "Edda Quist", "role": "harbour master"},
        ),
        ("Mr. Allen", {"kind": "person", "name": "Allen", "role": ""}),
        ("Quist’s", {"kind": "person", "name": "Quist", "role": ""}),
        ("Ana de la Cruz", {"kind": "person", "name": "Ana de la Cruz", "role": ""}),
        (
            "Secretary of State Jo Ames",
            {"kind": "person", "name": "Jo Ames", "role": "Secretary of State"},
        ),
        ("Harbour Mayor Jo Ames", {"kind": "person", "name": "Jo Ames", "role": "Harbour Mayor"}),
        (
            "Jo Ames, the port's director,",
            {"kind": "person", "name": "Jo Ames", "role": "the port's director"},
        ),
        ("Jo Ames (D-Quell)", {"kind": "person", "name": "Jo Ames", "role": "D-Quell"}),
        ("Neither Ames nor Quist", {"kind": "anonymous", "description": "Neither Ames nor Quist"}),
        (
            "a spokesman, who asked not to be named",
            {"kind": "anonymous", "description": "a spokesman, who asked not to be named"},
        ),
        ("a spokesman", {"kind": "anonymous", "description": "a spokesman"}),
        ("Officials", {"kind": "anonymous", "description": "Officials"}),
        ("He", {"kind": "anonymous", "description": "He"}),
        ("the council", {"kind": "anonymous", "description": "the council"}),
        ("A Spokesman", {"kind": "anonymous", "description": "A Spokesman"}),
        ("Quist and Holt", {"kind": "anonymous", "description": "Quist and Holt"}),
        ("Quist’s campaign", {"kind": "anonymous", "description": "Quist’s campaign"}),
    ],
)
def test_source_for(mention, expected):
    assert source_for(mention) == expected


# export_brat


@pytest.mark.django_db
def test_export_then_import_round_trips_the_spans(tmp_path):
    run("import_brat", str(FLAT))
    before = {a.headline: _attributions(a) for a in Article.objects.all()}
    out, _ = run("export_brat", str(tmp_path / "out"))
    assert "Wrote 2 articles with 6 attributions" in out
    exported = {d.name: d for d in read_brat_folder(tmp_path / "out")}
    assert len(exported) == 2
    harbour_name = next(name for name in exported if name.startswith("ferry-service"))
    harbour = exported[harbour_name]
    assert harbour.problems == []
    assert (tmp_path / "out" / f"{harbour_name}.txt").read_text(encoding="utf-8") == (
        FLAT / "harbour-ferry.txt"
    ).read_text(encoding="utf-8")
    # The same spans as the fixture's: content, cue and source located near the content.
    original = {d.name: d for d in read_brat_folder(FLAT)}["harbour-ferry"]

    def spans(document):
        return sorted(
            tuple((s.start, s.end) if s else None for s in (a.content, a.cue, a.source))
            for a in document.attributions
        )

    assert spans(harbour) == spans(original)
    Attribution.objects.all().delete()
    Source.objects.all().delete()
    Article.objects.all().delete()
    out, _ = run("import_brat", str(tmp_path / "out"))
    assert "Created 2 articles with 6 attributions" in out
    after = {a.headline: _attributions(a) for a in Article.objects.all()}
    assert after == before


@pytest.mark.django_db
def test_export_an_unattributed_statement_and_a_cue_not_found(tmp_path):
    article = ArticleFactory(body="Tolls rose in May. The mayor said nothing.")
    attribution_create(
        article=article, start=0, end=17, text="Tolls rose in May", kind="unattributed", cue="noted"
    )
    out, _ = run("export_brat", str(tmp_path), "--article", str(article.pk))
    assert "Wrote 1 article with 1 attributions" in out
    (document,) = read_brat_folder(tmp_path)
    (read,) = document.attributions
    assert (read.content.text, read.cue, read.source) == ("Tolls rose in May", None, None)
    assert "Attribution-no-source" in next(tmp_path.glob("*.ann")).read_text(encoding="utf-8")


@pytest.mark.django_db
def test_export_errors(tmp_path):
    with pytest.raises(CommandError, match="No articles to export"):
        run("export_brat", str(tmp_path))
    with pytest.raises(CommandError, match="No article with the id 999"):
        run("export_brat", str(tmp_path), "--article", "999")
