"""The archive export and its lossless round trip; filtered parts; bad files.

The generated corpus is invented (invented outlets, people and town); the seed test uses
the seed article.
"""

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from articles.models import Article, Correction, MetadataSpan, Outlet
from articles.services import article_correct, article_update, article_update_body
from claims.models import Attribution, Claim, Review
from claims.services import attribution_create, review_create
from crosscheck.index import similar_quotes
from crosscheck.models import Finding
from crosscheck.services import Scope, finding_triage, recheck
from interchange.exporting import ArchiveError, export_archive, import_archive
from interchange.exporting.registry import archive_models, is_history_model
from sources.models import Source, SourceIdentifier
from sources.services import source_add_identifier, source_update
from suggestions.models import Suggestion
from suggestions.services import suggest_attributions, suggestion_reject
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    OutletFactory,
    SourceAliasFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


# Helpers


def export_text(**options) -> str:
    stream = io.StringIO()
    export_archive(stream, **options)
    return stream.getvalue()


def import_text(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_archive(io.BytesIO(data))


def rows_of(text: str) -> list[str]:
    """The row lines, without the header (which holds the export time)."""
    return text.splitlines()[1:]


def header_of(text: str) -> dict:
    return json.loads(text.splitlines()[0])


def snapshot() -> dict:
    """Every archived row, field by field (users by username), and every many-to-many
    link, by model."""
    usernames = dict(User.objects.values_list("pk", "username"))
    state = {}
    for model in archive_models(with_history=True):
        rows = []
        for obj in model._base_manager.order_by("pk"):
            row = {}
            for field in model._meta.local_concrete_fields:
                value = field.value_from_object(obj)
                if field.is_relation and field.related_model is User and value is not None:
                    value = usernames.get(value, value)
                row[field.attname] = value
            for field in model._meta.local_many_to_many:
                row[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
            rows.append(row)
        state[model._meta.label_lower] = rows
    return state


def empty_archive_tables() -> None:
    """Delete every archived row (and many-to-many link), as if the database were new.
    Plain DELETEs in reverse dependency order: no signals, and the quote index's triggers
    take the rows out of the index."""
    models = archive_models(with_history=True)
    tables = []
    for model in reversed(models):
        tables += [f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many]
        tables.append(model._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        # Id sequences back at their start, as in a new database (PostgreSQL).
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    assert all(not m._base_manager.exists() for m in models)


@pytest.fixture
def corpus(invented_archive, editor, factchecker):
    """The invented archive, grown: an organisation with members, aliases, an anonymous
    source with its reason, metadata spans, reviews (one published with a URL, one
    without, one draft, one unproven), findings after a recheck (one triaged), a body
    edit (so the article's history has several versions) and an orphaned span."""
    rows = invented_archive
    first = rows["varnok_quote"].article
    council = OrganizationFactory(name="Quellbridge Town Council")
    varnok = rows["varnok_quote"].source
    varnok.affiliation = council
    varnok.save()
    SourceAliasFactory(source=varnok, name="Varnok")
    SourceAliasFactory(source=varnok, name="Mayor Varnok")
    first.published_at = datetime(2031, 3, 4, 9, 30, 15, 123456, tzinfo=UTC)
    first.save()
    quiet = ArticleFactory(
        outlet=first.outlet,
        published_at=datetime(2031, 4, 1, 12, tzinfo=UTC),
        body="An engineer on the invented bridge, who asked not to be named because she was "
        "not authorised to speak, said the pillars were cracked. (Invented Photo Agency)",
    )
    engineer = AnonymousSourceFactory(article=quiet, description="an engineer on the bridge")
    attribution_create(
        article=quiet,
        source=engineer,
        kind="indirect",
        text="the pillars were cracked",
        cue="said",
        said_on=date(2031, 3, 31),
        said_when_text="on Monday",
        user=editor,
        is_reviewed=True,
    )
    MetadataSpanFactory(
        article=quiet,
        kind=MetadataSpan.Kind.PHOTO_CREDIT,
        text="(Invented Photo Agency)",
        outlet=OutletFactory(name="Invented Photo Agency", kind=Outlet.Kind.WIRE_AGENCY),
    )
    MetadataSpanFactory(article=quiet, kind=MetadataSpan.Kind.SOURCING_NOTE, text="asked not")
    rebuild = rows["varnok_quote"].claim
    review_create(
        claim=rebuild,
        rating=Review.Rating.MOSTLY_FALSE,
        summary="Invented: the council has no budget for it.",
        published_at=datetime(2031, 5, 2, 8, tzinfo=UTC),
        url="https://checks.example/reviews/bridge",
        user=factchecker,
    )
    review_create(
        claim=rows["brenn_injured"].claim,
        rating=Review.Rating.UNPROVEN,
        summary="Invented: the figures differ.",
        published_at=datetime(2031, 5, 3, 8, tzinfo=UTC),
        user=factchecker,
    )
    review_create(claim=rebuild, rating=Review.Rating.FALSE, summary="Invented draft.")
    recheck(
        Scope(
            attribution_ids=set(Attribution.objects.values_list("id", flat=True)),
            claim_ids=set(Claim.objects.values_list("id", flat=True)),
        )
    )
    checker = UserFactory(username="former_checker")
    finding_triage(
        finding=Finding.objects.order_by("pk").first(), state="confirmed", note="ok", user=checker
    )
    third = rows["molder_closed"].article
    article_update_body(
        article=third,
        body=third.body.replace("Opposition leader", "The invented opposition leader").replace(
            "until next year", "for good"
        ),
        user=editor,
    )
    # Identifiers, a role type, suggestions (one accepted), a correction and a retraction.
    source_add_identifier(source=varnok, scheme="wikidata", value="Q99999991", user=editor)
    source_add_identifier(source=council, scheme="website", value="https://council.example/")
    source_update(source=varnok, role_type="official", user=editor)
    harbour = ArticleFactory(
        outlet=first.outlet,
        body="“The invented ferry will run again in May,” harbour master Odil Renck said. "
        "Renck said two invented ferries were damaged in the storm.",
    )
    suggest_attributions(article=harbour, user=editor)
    assert Suggestion.objects.exists()
    pending = Suggestion.objects.filter(state="pending").order_by("pk")
    suggestion_reject(suggestion=pending.first(), note="Invented: not speech.", user=editor)
    article_correct(
        article=quiet,
        published_at=datetime(2031, 4, 2, 7, tzinfo=UTC),
        what_changed="Invented: the engineer's employer was corrected.",
        note="An earlier version misnamed the firm.",
        body=quiet.body.replace("the invented bridge", "the invented river bridge"),
        user=editor,
    )
    article_update(
        article=rows["molder_quote"].article,
        retracted_at=datetime(2031, 6, 1, 12, tzinfo=UTC),
        retraction_note="Invented: the interview did not take place.",
        user=editor,
    )
    assert Attribution.objects.filter(anchor_status="orphaned").exists()
    assert Finding.objects.exists()
    return rows


# The round trip


def assert_round_trip(*, with_history: bool) -> str:
    before = snapshot()
    first = export_text(with_history=with_history)
    empty_archive_tables()

    report = import_text(first)

    after = snapshot()
    if not with_history:
        before = {k: v for k, v in before.items() if not k.split(".")[1].startswith("historical")}
        after = {k: v for k, v in after.items() if not k.split(".")[1].startswith("historical")}
    assert after == before
    second = export_text(with_history=with_history)
    assert rows_of(second) == rows_of(first)
    assert header_of(second)["counts"] == header_of(first)["counts"]
    assert sum(report.created.values()) == len(rows_of(first))
    return first


def test_the_seed_survives_the_round_trip_unchanged(seed):
    text = assert_round_trip(with_history=True)

    article = Article.objects.get(pk=seed.pk)
    assert article.body == seed.body
    assert article.content_hash == seed.content_hash
    assert header_of(text)["counts"]["claims.attribution"] == seed.attributions.count()


def test_a_generated_corpus_survives_the_round_trip_unchanged(corpus):
    edited = corpus["molder_closed"].article
    assert edited.history.count() >= 2
    quote = corpus["varnok_quote"]

    assert_round_trip(with_history=True)

    assert Article.objects.get(pk=edited.pk).history.count() >= 2
    assert SourceIdentifier.objects.filter(normalized="Q99999991").exists()
    assert Suggestion.objects.filter(state="rejected").count() == 1
    assert Correction.objects.get().changed_body
    assert Article.objects.filter(retracted_at__isnull=False).count() == 1
    finding = Finding.objects.order_by("pk").first()
    assert (finding.state, finding.triaged_by.username) == ("confirmed", "former_checker")
    found = similar_quotes(quote.text, min_similarity=90)
    assert quote.pk in [match.attribution_id for match in found]
    # New rows get ids past the imported ones.
    imported = Outlet.objects.aggregate(top=Max("pk"))["top"]
    assert OutletFactory().pk > imported


def test_users_missing_from_the_database_are_created_inactive_without_a_password(corpus):
    text = export_text(with_history=True)
    empty_archive_tables()
    User.objects.filter(username="former_checker").delete()

    report = import_text(text)

    assert report.users_created == ["former_checker"]
    user = User.objects.get(username="former_checker")
    assert not user.is_active
    assert not user.has_usable_password()
    assert Finding.objects.filter(triaged_by=user).exists()


def test_without_history_the_archive_holds_the_current_rows_only(corpus):
    text = export_text()

    labels = {json.loads(line)["model"] for line in rows_of(text)}
    assert not any(label.split(".")[1].startswith("historical") for label in labels)
    assert header_of(text)["with_history"] is False
    assert_round_trip(with_history=False)


def test_every_archived_model_is_exported_and_history_follows_its_model():
    models = archive_models(with_history=True)
    labels = [m._meta.label_lower for m in models]

    for model in models:
        if is_history_model(model):
            assert labels.index(model._meta.label_lower) > labels.index(
                model.instance_type._meta.label_lower
            )
    for label in ("articles.outlet", "articles.article", "crosscheck.finding", "claims.review"):
        assert label in labels
    assert labels.index("articles.outlet") < labels.index("articles.article")
    assert labels.index("articles.article") < labels.index("claims.attribution")
    assert labels.index("claims.attribution") < labels.index("crosscheck.finding")
    assert "crosscheck.checkpoint" not in labels


def test_rows_carry_ids_natural_keys_and_full_precision_times(corpus):
    lines = [json.loads(line) for line in rows_of(export_text())]

    outlet = next(line for line in lines if line["model"] == "articles.outlet")
    assert outlet["natural_key"] == [outlet["fields"]["name"]]
    article = next(
        line
        for line in lines
        if line["model"] == "articles.article"
        and line["fields"]["published_at"]
        and line["fields"]["published_at"].startswith("2031-03-04")
    )
    assert article["fields"]["published_at"] == "2031-03-04T09:30:15.123456Z"
    assert "natural_key" not in article
    reviewed = next(
        line
        for line in lines
        if line["model"] == "claims.attribution" and line["fields"]["reviewed_by"]
    )
    assert reviewed["fields"]["reviewed_by"] == ["editor"]


def test_importing_an_archive_again_changes_nothing(corpus):
    text = export_text(with_history=True)
    before = snapshot()

    report = import_text(text)

    assert snapshot() == before
    assert sum(report.created.values()) == 0
    assert sum(report.unchanged.values()) == len(rows_of(text))


# A part of the archive


def test_a_filtered_export_is_self_contained_and_imports_alone(corpus):
    first = corpus["varnok_quote"].article
    text = export_text(article_ids=[first.pk], with_history=True)
    empty_archive_tables()

    import_text(text)

    assert list(Article.objects.values_list("pk", flat=True)) == [first.pk]
    assert set(Attribution.objects.values_list("pk", flat=True)) == {
        corpus[key].pk for key in ("varnok_quote", "brenn_injured", "varnok_reopen")
    }
    varnok = Source.objects.get(name="Ilse Varnok")
    assert varnok.affiliation.name == "Quellbridge Town Council"
    assert sorted(varnok.aliases.values_list("name", flat=True)) == ["Mayor Varnok", "Varnok"]
    # The claim it contradicts comes along (the relation needs it), without what was said
    # of it in another article.
    closed = Claim.objects.get(pk=corpus["molder_closed"].claim_id)
    assert not closed.attributions.exists()
    assert Review.objects.filter(claim=corpus["varnok_quote"].claim).count() == 2
    for finding in Finding.objects.all():
        assert set(finding.attributions.values_list("article", flat=True)) <= {first.pk}
    assert not Source.objects.filter(name="Kasia Molder").exists()
    assert Article.history.filter(id=first.pk).exists()


def test_filters_by_outlet_and_publication_dates(corpus):
    first = corpus["varnok_quote"].article

    by_outlet = header_of(export_text(outlets=["quellbridge courier"]))["counts"]
    by_dates = header_of(export_text(since=date(2031, 3, 4), until=date(2031, 3, 4)))["counts"]

    courier = Article.objects.filter(outlet__name="Quellbridge Courier").count()
    assert by_outlet["articles.article"] == courier
    assert by_dates["articles.article"] == 1
    assert first.pk in [
        json.loads(line)["pk"]
        for line in rows_of(export_text(since=date(2031, 3, 4), until=date(2031, 3, 4)))
        if json.loads(line)["model"] == "articles.article"
    ]


def test_an_unknown_outlet_is_an_error(corpus):
    with pytest.raises(ArchiveError, match="No outlet"):
        export_text(outlets=["Nonexistent Invented Outlet"])


# Bad files


def _edit(text: str, model: str, change) -> str:
    """The archive with the first row of ``model`` changed by ``change(row)``."""
    lines = text.splitlines()
    for index, line in enumerate(lines[1:], start=1):
        row = json.loads(line)
        if row["model"] == model:
            change(row)
            lines[index] = json.dumps(row, ensure_ascii=False)
            return "\n".join(lines) + "\n", index + 1
    raise AssertionError(model)


def _line_of(text: str, model: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if number > 1 and json.loads(line)["model"] == model:
            return number
    raise AssertionError(model)


def bad_files(text: str) -> dict[str, tuple[bytes, int | None, str]]:
    """Each bad file, the line its message must name (None: the whole file) and a part of
    the message."""
    lines = text.splitlines()
    source_line = _line_of(text, "sources.source")
    cases = {}
    # As a Windows editor would save it.
    windows = "\n".join(lines).replace("Quellbridge", "Quellbrïdge").encode("cp1252", "replace")
    first_accent = next(
        n for n, line in enumerate(windows.split(b"\n"), start=1) if max(line) >= 0x80
    )
    cases["wrong encoding"] = (windows, first_accent, "not UTF-8")
    cases["utf-16"] = (text.encode("utf-16"), 1, "UTF-16")
    cut = "\n".join(lines[:source_line])[:-15]
    cases["truncated json"] = (cut.encode(), source_line, "is the file truncated?")
    cases["truncated lines"] = (("\n".join(lines[:-3]) + "\n").encode(), None, "truncated")
    unknown, number = _edit(text, "sources.source", lambda r: r.update(model="sources.speaker"))
    cases["unknown model"] = (unknown.encode(), number, "unknown model")
    missing, number = _edit(text, "articles.article", lambda r: r["fields"].pop("body"))
    cases["missing field"] = (missing.encode(), number, "lacks the field body")
    extra, number = _edit(text, "claims.claim", lambda r: r["fields"].update(mood="grim"))
    cases["unknown field"] = (extra.encode(), number, "has no field mood")
    dangling, number = _edit(
        text, "claims.attribution", lambda r: r["fields"].update(source=987654)
    )
    cases["reference to a missing row"] = (dangling.encode(), number, "987654")
    wrong_span, number = _edit(
        text,
        "claims.attribution",
        lambda r: r["fields"].update(text="X" * len(r["fields"]["text"])),
    )
    cases["span not in the body"] = (wrong_span.encode(), number, "body")
    hashed, number = _edit(text, "articles.article", lambda r: r["fields"].update(body="Edited."))
    cases["body edited without its hash"] = (hashed.encode(), number, "content_hash does not match")
    bad_date, number = _edit(
        text, "claims.attribution", lambda r: r["fields"].update(said_on="2031-13-45")
    )
    cases["invalid value"] = (bad_date.encode(), number, "2031-13-45")
    twice = "\n".join([*lines, lines[source_line - 1]]) + "\n"
    cases["row twice"] = (twice.encode(), len(lines) + 1, "appears twice")
    cases["no header"] = (("\n".join(lines[1:]) + "\n").encode(), 1, "not an archive header")
    cases["empty"] = (b"", None, "empty")
    return cases


CASES = [
    "wrong encoding",
    "utf-16",
    "truncated json",
    "truncated lines",
    "unknown model",
    "missing field",
    "unknown field",
    "reference to a missing row",
    "span not in the body",
    "body edited without its hash",
    "invalid value",
    "row twice",
    "no header",
    "empty",
]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_file_is_refused_whole_with_its_line_number(case, corpus):
    text = export_text(with_history=True)
    content, line, words = bad_files(text)[case]
    empty_archive_tables()
    bystander = OutletFactory(name="Invented Bystander Weekly")
    before = snapshot()

    with pytest.raises(ArchiveError) as raised:
        import_text(content)

    assert words in str(raised.value)
    assert raised.value.line == line
    if line is not None:
        assert str(raised.value).startswith(f"line {line}: ")
    assert snapshot() == before
    assert Outlet.objects.get(pk=bystander.pk).name == "Invented Bystander Weekly"


def test_a_row_stored_with_other_data_is_not_overwritten(corpus):
    outlet = Outlet.objects.get(name="Quellbridge Courier")
    text, number = _edit(
        export_text(),
        "articles.outlet",
        lambda r: r["fields"].update(domain="edited.example"),
    )
    before = snapshot()

    with pytest.raises(ArchiveError, match="already stored with different data") as raised:
        import_text(text)

    assert raised.value.line == number
    assert snapshot() == before
    assert Outlet.objects.get(pk=outlet.pk).domain == outlet.domain


def test_an_outlet_stored_under_another_id_is_a_conflict(corpus):
    text = export_text()
    empty_archive_tables()
    OutletFactory(name="QUELLBRIDGE COURIER")

    with pytest.raises(ArchiveError, match="already stored with the id"):
        import_text(text)

    assert Outlet.objects.count() == 1


# The commands


def test_the_commands_write_and_read_an_archive_file(corpus, tmp_path):
    path = tmp_path / "archive.jsonl"
    call_command("export_archive", output=str(path), with_history=True, verbosity=0)
    empty_archive_tables()

    out = io.StringIO()
    call_command("import_archive", str(path), stdout=out)

    assert "rows imported" in out.getvalue()
    assert Attribution.objects.count() == len(corpus) + 1
    assert path.read_text(encoding="utf-8").startswith('{"format":"claim-tracker-archive"')


def test_export_to_standard_output_writes_one_row_per_line(corpus):
    out = io.StringIO()

    call_command("export_archive", "--article", str(corpus["varnok_quote"].article_id), stdout=out)

    lines = out.getvalue().splitlines()
    assert header_of(out.getvalue())["filters"]["articles"] == [corpus["varnok_quote"].article_id]
    assert all(json.loads(line)["model"] for line in lines[1:])
    assert len(lines) - 1 == sum(header_of(out.getvalue())["counts"].values())


def test_the_import_command_fails_with_the_message_and_stores_nothing(corpus, tmp_path):
    path = tmp_path / "bad.jsonl"
    text = export_text()
    path.write_text(text.replace('"model":"claims.claim"', '"model":"claims.rumour"', 1))
    empty_archive_tables()

    with pytest.raises(CommandError, match=r"line \d+: unknown model 'claims.rumour'"):
        call_command("import_archive", str(path))

    assert not Outlet.objects.exists()


def test_the_header_tells_the_format_counts_and_schema(corpus):
    header = header_of(export_text())

    assert (header["format"], header["version"]) == ("claim-tracker-archive", 1)
    assert header["counts"]["articles.article"] == Article.objects.count()
    assert header["schema"]["claims"].startswith("0")
    assert datetime.fromisoformat(header["exported_at"]) <= timezone.now()


def test_an_archive_written_before_the_apps_moved_is_read(corpus, tmp_path):
    """Archives name models by app label; before outlets and articles moved to ``articles``,
    findings to ``crosscheck`` and suggestions to ``suggestions``, they named the old apps."""
    from interchange.exporting.importing import LEGACY_LABELS

    path = tmp_path / "archive.jsonl"
    call_command("export_archive", output=str(path), with_history=True, verbosity=0)
    text = path.read_text(encoding="utf-8")
    old_label = {new: old for old, new in LEGACY_LABELS.items()}
    for new, old in old_label.items():
        text = text.replace(f'"{new}"', f'"{old}"')
    assert '"sources.article"' in text
    assert '"articles.article"' not in text
    path.write_text(text, encoding="utf-8")
    before = Article.objects.count(), Attribution.objects.count(), Finding.objects.count()
    empty_archive_tables()

    call_command("import_archive", str(path), stdout=io.StringIO())

    assert (Article.objects.count(), Attribution.objects.count(), Finding.objects.count()) == before
