"""Bulk import: JSON Lines, plain text and HTML. Every article, outlet and person here is
invented (the town of Quellbridge and its people)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.anchoring import AnchorStatus
from articles.models import Article, Outlet
from claims.models import Attribution
from crosscheck.models import Finding
from interchange.importing import ImportFile, Status, files_from_paths, import_files
from interchange.importing.documents import parse_html, parse_text
from interchange.importing.records import RecordError, parse_record
from sources.models import Source
from tests.factories import ArticleFactory, OutletFactory, SourceAliasFactory, SourceFactory

BODY = (
    "Mayor Ilse Varnok said on Monday that the river bridge would reopen in June. "
    "“We will not rush it,” Varnok said. A council engineer, who asked not to be named, "
    "said the repairs were behind schedule."
)


def record(n: int, **fields) -> dict:
    data = {
        "headline": f"Invented bridge story {n}",
        "outlet": "Quellbridge Courier",
        "url": f"https://courier.example/{n}",
        "published_at": "2024-05-02T09:30:00+02:00",
        "body": f"Story {n}. {BODY}",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def write_jsonl(path, *lines) -> str:
    with open(path, "wb") as f:
        for line in lines:
            if isinstance(line, bytes):
                f.write(line + b"\n")
            elif isinstance(line, str):
                f.write(line.encode() + b"\n")
            else:
                f.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    return str(path)


def run(path, **options):
    return import_files(files_from_paths([path], "auto"), **options)


# --- JSON Lines -----------------------------------------------------------------------


def test_jsonl_creates_articles_and_matches_outlets_in_any_case(db, tmp_path):
    OutletFactory(name="Quellbridge Courier")
    path = write_jsonl(
        tmp_path / "a.jsonl",
        record(1),
        record(2, outlet="QUELLBRIDGE courier"),
        record(3, outlet="Northmere Wire", url=None),
    )
    report = run(path)
    assert (report.created, report.failed, report.records) == (3, 0, 3)
    assert report.outlets_created == ["Northmere Wire"]
    courier = Outlet.objects.get(name="Quellbridge Courier")
    assert courier.articles.count() == 2
    article = Article.objects.get(url="https://courier.example/1")
    assert article.headline == "Invented bridge story 1"
    assert article.published_at.isoformat() == "2024-05-02T07:30:00+00:00"
    assert article.history.count() == 1


def test_second_run_skips_everything(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", record(1), record(2), record(3, url=None))
    run(path)
    again = run(path)
    assert (again.created, again.updated, again.failed, again.conflicts) == (0, 0, 0, 0)
    assert again.skipped_total == 3
    assert Article.objects.count() == 3


def test_same_body_without_url_is_skipped_even_under_another_headline(db, tmp_path):
    run(write_jsonl(tmp_path / "a.jsonl", record(1, url=None)))
    report = run(write_jsonl(tmp_path / "b.jsonl", record(1, url=None, headline="Other")))
    assert report.created == 0
    assert list(report.skipped) == ["no URL, and an article with the same body is already stored"]


def test_same_url_with_other_fields_changed_is_skipped_unless_update(db, tmp_path):
    run(write_jsonl(tmp_path / "a.jsonl", record(1)))
    changed = write_jsonl(tmp_path / "b.jsonl", record(1, headline="Corrected headline"))
    assert run(changed).skipped_total == 1
    assert Article.objects.get().headline == "Invented bridge story 1"
    assert run(changed, update=True).updated == 1
    assert Article.objects.get().headline == "Corrected headline"


def test_same_url_with_another_body_is_a_conflict_and_changes_nothing(db, tmp_path):
    run(write_jsonl(tmp_path / "a.jsonl", record(1)))
    stored = Article.objects.get()
    report = run(write_jsonl(tmp_path / "b.jsonl", record(1, body="A different body.")))
    assert (report.conflicts, report.updated, report.created) == (1, 0, 0)
    [problem] = report.problems
    assert problem.status == Status.CONFLICT
    assert problem.line == 1
    assert problem.article_id == stored.pk
    assert "different body" in problem.messages[0]
    assert "--update" in problem.messages[0]
    stored.refresh_from_db()
    assert stored.body == record(1)["body"]
    assert stored.history.count() == 1


def test_a_conflict_or_skip_creates_no_outlet(db, tmp_path):
    run(write_jsonl(tmp_path / "a.jsonl", record(1)))
    path = write_jsonl(
        tmp_path / "b.jsonl",
        record(1, body="A different body.", outlet="Northmere Wire"),
        record(1, outlet="Vale Broadcaster"),
    )
    report = run(path)
    assert (report.conflicts, report.skipped_total) == (1, 1)
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Quellbridge Courier"]
    run(path, update=True)
    assert Article.objects.get().outlet.name == "Vale Broadcaster"


def test_update_replaces_the_body_and_reanchors_spans(db, tmp_path):
    quote = "We will not rush it"
    first = record(1, attributions=[{"text": quote, "kind": "direct", "source": "Ilse Varnok"}])
    run(write_jsonl(tmp_path / "a.jsonl", first))
    attribution = Attribution.objects.get()
    old_start = attribution.start
    new_body = "QUELLBRIDGE (Invented Wire) — " + first["body"]
    report = run(write_jsonl(tmp_path / "b.jsonl", record(1, body=new_body)), update=True)
    assert (report.updated, report.conflicts) == (1, 0)
    article = Article.objects.get()
    assert article.body == new_body
    attribution.refresh_from_db()
    assert attribution.start == old_start + len("QUELLBRIDGE (Invented Wire) — ")
    assert article.body[attribution.start : attribution.end] == quote
    assert attribution.anchor_status == AnchorStatus.MOVED
    assert article.history.count() == 2
    assert report.notes == [f"{tmp_path / 'b.jsonl'}:1: article #{article.pk}: Spans: 1 moved."]


def test_a_bad_line_in_the_middle_fails_alone_with_its_line_number(db, tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        record(1),
        record(2, headline=""),
        "",
        record(4),
    )
    report = run(path)
    assert (report.created, report.failed) == (2, 1)
    [problem] = report.problems
    assert (problem.line, problem.status) == (2, Status.FAILED)
    assert problem.messages == ["headline: This field cannot be blank."]
    assert set(Article.objects.values_list("url", flat=True)) == {
        "https://courier.example/1",
        "https://courier.example/4",
    }


def test_a_record_the_database_refuses_rolls_back_only_itself(db, tmp_path, monkeypatch):
    """A failure after the article row was written (here in an attribution) leaves no
    half-written article, and the next record is still stored."""
    quote = "We will not rush it"
    path = write_jsonl(
        tmp_path / "a.jsonl",
        record(1, attributions=[{"text": quote, "kind": "direct", "source": "Ilse Varnok"}]),
        record(2),
    )
    from interchange.importing import service

    def refuse(**kwargs):
        raise ValidationError({"text": "refused for the test"})

    monkeypatch.setattr(service, "attribution_create", refuse)
    report = run(path)
    assert (report.created, report.failed) == (1, 1)
    assert report.problems[0].messages == ["attributions[0]: text: refused for the test"]
    assert list(Article.objects.values_list("url", flat=True)) == ["https://courier.example/2"]
    assert not Source.objects.filter(name="Ilse Varnok").exists()
    assert not Outlet.objects.exclude(name="Quellbridge Courier").exists()


def test_wrong_encoding_is_reported_with_line_and_byte(db, tmp_path):
    good = json.dumps(record(1)).encode()
    bad = json.dumps(record(2, headline="Caf\u00e9")).encode().replace(b"\\u00e9", b"\xe9")
    report = run(write_jsonl(tmp_path / "a.jsonl", good, bad))
    assert report.created == 1
    [problem] = report.problems
    assert problem.line == 2
    position = bad.index(b"\xe9")
    assert problem.messages == [
        f"not UTF-8: byte 0xe9 at byte {position + 1} of the line "
        f"(byte {len(good) + 1 + position} of the file); save the file as UTF-8"
    ]


def test_a_utf8_byte_order_mark_is_accepted_and_utf16_refused(db, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(record(1)).encode() + b"\n")
    assert run(str(path)).created == 1
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(json.dumps(record(2)).encode("utf-16"))
    report = run(str(utf16))
    assert report.created == 0
    assert "UTF-16" in report.problems[0].messages[0]


def test_truncated_json_fails_that_line_only(db, tmp_path):
    cut = json.dumps(record(2))[:60]
    path = tmp_path / "a.jsonl"
    path.write_bytes((json.dumps(record(1)) + "\n" + cut).encode())
    report = run(str(path))
    assert report.created == 1
    [problem] = report.problems
    assert problem.line == 2
    assert problem.messages[0].startswith("not valid JSON: Unterminated string")
    assert problem.messages[0].endswith("(the line looks cut off)")


def test_missing_and_unknown_fields_are_named(db, tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        {"url": "https://courier.example/x", "headine": "typo"},
        ["not", "an", "object"],
    )
    report = run(path)
    first, second = report.problems
    assert first.messages == [
        "unknown field 'headine' (the fields are: headline, body, outlet, url, byline, "
        "published_at, dateline, language, attributions)",
        "headline: missing",
        "body: missing",
        "outlet: missing (give it in the record, or a default outlet)",
    ]
    assert second.messages == ["expected a JSON object, got a list"]


def test_default_outlet_applies_to_records_without_one(db, tmp_path):
    report = run(write_jsonl(tmp_path / "a.jsonl", record(1, outlet=None)), outlet="Northmere")
    assert report.created == 1
    assert Article.objects.get().outlet.name == "Northmere"


def test_bad_field_values_are_reported_by_field(db):
    with pytest.raises(RecordError) as error:
        parse_record(record(1, url="not a url", published_at="2024-05-02T09:30"))
    assert error.value.messages == [
        "url: Enter a valid URL.",
        "published_at: give the time with its UTC offset, e.g. +00:00",
    ]


# --- Attributions in records ------------------------------------------------------------


def test_attributions_by_quote_text_and_by_offsets(db, tmp_path):
    varnok = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=varnok, name="Mayor Varnok")
    body = record(1)["body"]
    start = body.index("the river bridge")
    end = start + len("the river bridge would reopen in June")
    attributions = [
        {"text": "We will not rush it", "kind": "direct", "source": "mayor varnok", "cue": "said"},
        {
            "start": start,
            "end": end,
            "kind": "indirect",
            "source": "Ilse Varnok",
            "claim": "The invented bridge reopens in June.",
        },
        {
            "text": "the repairs were behind schedule",
            "kind": "indirect",
            "source": {
                "kind": "anonymous",
                "description": "a council engineer",
                "anonymity_reason": "asked not to be named",
            },
        },
    ]
    report = run(write_jsonl(tmp_path / "a.jsonl", record(1, attributions=attributions)))
    assert (report.created, report.attributions, report.failed) == (1, 3, 0)
    article = Article.objects.get()
    rows = list(article.attributions.order_by("start"))
    assert [article.body[a.start : a.end] for a in rows] == [
        "the river bridge would reopen in June",
        "We will not rush it",
        "the repairs were behind schedule",
    ]
    assert rows[0].source == varnok
    assert rows[1].source == varnok
    assert rows[0].claim.text == "The invented bridge reopens in June."
    anonymous = rows[2].source
    assert (anonymous.kind, anonymous.article) == (Source.Kind.ANONYMOUS, article)
    assert Source.objects.filter(name__iexact="Ilse Varnok").count() == 1


def test_a_new_source_name_creates_a_person(db, tmp_path):
    attributions = [{"text": "We will not rush it", "kind": "direct", "source": "Juno Aalt"}]
    run(write_jsonl(tmp_path / "a.jsonl", record(1, attributions=attributions)))
    assert Source.objects.get(name="Juno Aalt").kind == Source.Kind.PERSON


@pytest.mark.parametrize(
    ("attribution", "message"),
    [
        (
            {"text": "Varnok", "kind": "direct", "source": "Ilse Varnok"},
            "attributions[0]: text occurs 2 times in the body (at 20, 109); give start",
        ),
        (
            {"text": "We will build it", "kind": "direct", "source": "Ilse Varnok"},
            "attributions[0]: text does not occur in the body: “We will build it”",
        ),
        (
            {"start": 5, "end": 500, "kind": "direct", "source": "Ilse Varnok"},
            "attributions[0]: start and end must be whole numbers with 0 ≤ start < end ≤ 207 "
            "(the body's length); got 5 and 500",
        ),
        (
            {"text": "We will not rush it", "kind": "shouted", "source": "Ilse Varnok"},
            "attributions[0]: kind: unknown kind 'shouted'; expected one of: direct, indirect, ",
        ),
        (
            {"text": "We will not rush it", "kind": "direct", "source": {"kind": "anonymous"}},
            "attributions[0]: source: give a name or a description",
        ),
    ],
)
def test_attribution_problems_fail_the_record_with_a_clear_message(
    db, tmp_path, attribution, message
):
    report = run(write_jsonl(tmp_path / "a.jsonl", record(1, attributions=[attribution])))
    assert report.failed == 1
    # The list of kinds may grow: the start of the message is what matters.
    assert [m for m in report.problems[0].messages if m.startswith(message)]
    assert not Article.objects.exists()


def test_a_name_fitting_sources_of_two_kinds_is_refused(db, tmp_path):
    SourceFactory(name="Quellbridge Council", kind=Source.Kind.PERSON)
    SourceFactory(name="Quellbridge Council", kind=Source.Kind.ORGANIZATION, role="")
    body = "The Quellbridge Council said the bridge would reopen."
    attributions = [
        {"text": "the bridge would reopen", "kind": "indirect", "source": "Quellbridge Council"}
    ]
    report = run(write_jsonl(tmp_path / "a.jsonl", record(1, body=body, attributions=attributions)))
    assert report.failed == 1
    assert "fits sources of different kinds" in report.problems[0].messages[0]
    assert not Article.objects.exists()


# --- Plain text and HTML --------------------------------------------------------------


def test_text_file_first_line_is_the_headline():
    data = f"Invented bridge to reopen\n\n{BODY}\n\nSecond paragraph.\n".encode()
    parsed = parse_text(data, name="bridge.txt", default_outlet="Quellbridge Courier")
    assert parsed.headline == "Invented bridge to reopen"
    assert parsed.body == f"{BODY}\n\nSecond paragraph."
    assert parsed.outlet == "Quellbridge Courier"


def test_text_file_without_a_title_line_takes_the_file_name():
    parsed = parse_text(BODY.encode(), name="quellbridge_bridge-reopens.txt", default_outlet="X")
    assert parsed.headline == "quellbridge bridge reopens"
    assert parsed.body == BODY


def test_text_file_header_gives_metadata():
    data = (
        "Title: Invented bridge to reopen\nAuthor: Mara Lind\nDate: 2024-05-02\n"
        "URL: https://courier.example/bridge\nOutlet: Quellbridge Courier\n\n" + BODY
    ).encode()
    parsed = parse_text(data, name="a.txt")
    assert (parsed.headline, parsed.byline, parsed.url, parsed.outlet) == (
        "Invented bridge to reopen",
        "Mara Lind",
        "https://courier.example/bridge",
        "Quellbridge Courier",
    )
    assert parsed.published_at.isoformat() == "2024-05-02T00:00:00+00:00"
    assert parsed.body == BODY


def test_text_file_in_another_encoding_is_refused_with_its_position():
    data = "Title line\n\nCaf\u00e9 owners said.".encode("latin-1")
    with pytest.raises(RecordError) as error:
        parse_text(data, name="a.txt", default_outlet="X")
    assert error.value.messages == [
        "not UTF-8: byte 0xe9 at line 3, byte 4 of the line (byte 15 of the file); "
        "save the file as UTF-8"
    ]


PARAGRAPHS = (
    "<p>Mayor Ilse Varnok said on Monday that the river bridge would reopen in June.</p>"
    "<p>“We will not rush it,” Varnok said. <b>A council engineer</b>, who asked not to be "
    "named, said the repairs were behind schedule.</p>"
)
EXPECTED_BODY = (
    "Mayor Ilse Varnok said on Monday that the river bridge would reopen in June.\n\n"
    "“We will not rush it,” Varnok said. A council engineer, who asked not to be named, "
    "said the repairs were behind schedule."
)


def test_html_with_meta_tags_and_canonical_link():
    html = f"""<!doctype html><html lang="en-GB"><head>
    <title>Bridge to reopen | Quellbridge Courier</title>
    <meta property="og:title" content="Invented bridge to reopen in June">
    <meta property="og:site_name" content="Quellbridge Courier">
    <meta property="article:published_time" content="2024-05-02T09:30:00+02:00">
    <meta name="author" content="Mara Lind">
    <link rel="canonical" href="https://courier.example/bridge">
    </head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
    <article><h1>Invented bridge to reopen in June</h1>{PARAGRAPHS}</article>
    <footer>Copyright 2024 Quellbridge Courier. All rights reserved.</footer>
    </body></html>"""
    parsed = parse_html(html.encode(), name="page.html")
    assert parsed.headline == "Invented bridge to reopen in June"
    assert parsed.byline == "Mara Lind"
    assert parsed.url == "https://courier.example/bridge"
    assert parsed.outlet == "Quellbridge Courier"
    assert parsed.language == "en-gb"
    assert parsed.published_at.isoformat() == "2024-05-02T09:30:00+02:00"
    assert parsed.body == EXPECTED_BODY


def test_html_with_json_ld_only():
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Invented bridge to reopen",
        "datePublished": "2024-05-02T09:30:00Z",
        "author": [{"@type": "Person", "name": "Mara Lind"}],
        "publisher": {"@type": "Organization", "name": "Northmere Wire"},
    }
    html = (
        '<html><head><script type="application/ld+json">'
        f"{json.dumps(ld)}</script></head><body><article>{PARAGRAPHS}</article></body></html>"
    )
    parsed = parse_html(html.encode(), name="page.html")
    assert (parsed.headline, parsed.byline, parsed.outlet) == (
        "Invented bridge to reopen",
        "Mara Lind",
        "Northmere Wire",
    )
    assert parsed.published_at.isoformat() == "2024-05-02T09:30:00+00:00"
    assert parsed.body == EXPECTED_BODY


def test_html_time_element_gives_the_date():
    html = (
        "<html><head><title>Invented bridge</title></head><body><article>"
        '<h1>Invented bridge</h1><time datetime="2023-01-05T10:00:00+01:00">5 Jan</time>'
        f"{PARAGRAPHS}<ul><li>Reopening: June</li><li>Cost: unknown</li></ul>"
        "</article></body></html>"
    )
    parsed = parse_html(html.encode(), name="page.html", default_outlet="Quellbridge Courier")
    assert parsed.published_at.isoformat() == "2023-01-05T10:00:00+01:00"
    assert parsed.outlet == "Quellbridge Courier"
    assert parsed.body == EXPECTED_BODY + "\n\nReopening: June\nCost: unknown"


def test_html_without_metadata_takes_the_file_name_and_needs_an_outlet():
    html = f"<html><body><div>{PARAGRAPHS}</div></body></html>".encode()
    parsed = parse_html(html, name="bridge-reopens.html", default_outlet="Quellbridge Courier")
    assert parsed.headline == "bridge reopens"
    assert (parsed.url, parsed.byline, parsed.published_at) == ("", "", None)
    assert parsed.body == EXPECTED_BODY
    with pytest.raises(RecordError) as error:
        parse_html(html, name="bridge-reopens.html")
    assert error.value.messages == ["outlet: the page names no publisher; give a default outlet"]


def test_html_in_a_declared_charset_is_read_and_an_undeclared_one_refused():
    html = (
        '<html><head><meta charset="windows-1252"><title>Caf\u00e9 reopens</title></head>'
        f"<body><article>{PARAGRAPHS}</article></body></html>"
    )
    parsed = parse_html(html.encode("cp1252"), name="a.html", default_outlet="X")
    assert parsed.headline == "Café reopens"
    undeclared = html.replace('<meta charset="windows-1252">', "").encode("cp1252")
    with pytest.raises(RecordError) as error:
        parse_html(undeclared, name="a.html", default_outlet="X")
    assert error.value.messages[0].startswith("not UTF-8: byte 0xe9 at line 1")


def test_html_without_text_is_refused():
    with pytest.raises(RecordError) as error:
        parse_html(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", name="a.html")
    assert error.value.messages == ["no article text found in the page"]


def test_a_folder_of_text_and_html_files_imports_each(db, tmp_path):
    (tmp_path / "one.txt").write_text(f"Invented bridge to reopen\n\n{BODY}", encoding="utf-8")
    (tmp_path / "two.html").write_text(
        f"<html><head><title>Invented bridge story two</title></head><body>"
        f"<article><p>Story two.</p>{PARAGRAPHS}</article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    report = run(str(tmp_path), outlet="Quellbridge Courier")
    assert (report.files, report.created, report.failed) == (2, 2, 0)
    assert set(Article.objects.values_list("headline", flat=True)) == {
        "Invented bridge to reopen",
        "Invented bridge story two",
    }


# --- Options and hooks -------------------------------------------------------------------


def test_dry_run_checks_everything_and_stores_nothing(db, tmp_path):
    ArticleFactory(url="https://courier.example/2", body="An older, different body.")
    path = write_jsonl(tmp_path / "a.jsonl", record(1), record(2), record(3, body=""))
    report = run(path, dry_run=True)
    assert (report.created, report.conflicts, report.failed) == (1, 1, 1)
    assert Article.objects.count() == 1
    assert not Outlet.objects.filter(name="Quellbridge Courier").exists()


def test_recheck_runs_the_cross_check_on_what_was_imported(db, tmp_path, settings):
    settings.TRACKER_CROSSCHECK_ON_SAVE = False
    statement = "the repairs were behind schedule"
    attributions = [{"text": statement, "kind": "unattributed"}]
    path = write_jsonl(tmp_path / "a.jsonl", record(1, attributions=attributions))
    run(path)
    assert not Finding.objects.exists()
    other = write_jsonl(tmp_path / "b.jsonl", record(2, attributions=attributions))
    report = run(other, run_recheck=True)
    assert report.rechecked is not None
    assert report.rechecked.created >= 1
    finding = Finding.objects.get(kind=Finding.Kind.UNATTRIBUTED)
    assert finding.attributions.get().article.url == "https://courier.example/2"


def test_hooks_run_for_each_written_article_and_can_fail_one(db, tmp_path):
    seen = []

    def hook(article, outcome):
        seen.append((article.url, outcome.status))
        if article.url.endswith("/2"):
            raise ValidationError("the hook refused it")

    path = write_jsonl(tmp_path / "a.jsonl", record(1), record(2), record(3))
    report = import_files(files_from_paths([path], "auto"), after_write=[hook])
    assert (report.created, report.failed) == (2, 1)
    assert report.problems[0].messages == ["the hook refused it"]
    assert len(seen) == 3
    assert not Article.objects.filter(url="https://courier.example/2").exists()


def test_a_file_whose_format_cannot_be_told_is_reported(db, tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text("headline,body\n", encoding="utf-8")
    report = import_files([ImportFile.from_path(path)])
    assert report.failed == 1
    assert report.problems[0].messages[0].startswith("cannot tell the format from the name (.csv)")


# --- The command ------------------------------------------------------------------------


def test_command_exits_0_and_prints_the_summary(db, tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", record(1), record(2))
    call_command("import_articles", path)
    out = capsys.readouterr().out
    assert "Imported 2 records from 1 file: 2 created, 0 updated, 0 skipped" in out
    call_command("import_articles", path)
    out = capsys.readouterr().out
    assert "Skipped 2: unchanged: an article with this URL and body is already stored." in out


def test_command_exits_1_and_writes_the_errors_file(db, tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", record(1), "{", record(3, body=None))
    errors = tmp_path / "errors.jsonl"
    with pytest.raises(CommandError) as error:
        call_command("import_articles", path, "--errors", str(errors))
    assert error.value.returncode == 1
    assert "2 records failed" in str(error.value)
    out = capsys.readouterr().out
    assert f"{path}:2: failed: not valid JSON" in out
    assert f"{path}:3: failed: body: missing" in out
    lines = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(e["line"], e["status"]) for e in lines] == [(2, "failed"), (3, "failed")]
    assert Article.objects.count() == 1


def test_command_refuses_a_missing_path(db, tmp_path):
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("import_articles", str(tmp_path / "nope.jsonl"))
