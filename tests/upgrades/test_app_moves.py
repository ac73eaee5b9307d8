"""A database made before the models moved into one app per concern migrates with every row.

``legacy_archive.json.gz`` holds every row of a database made with the code of commit
65970f3, when outlets, articles, corrections and metadata spans were models of ``sources``,
findings and suggestions of ``claims`` and the recheck checkpoint of ``tracker``, and API
tokens were Django REST framework's authtoken keys (``make_legacy_archive.py`` tells how
it was made). The test takes the schema back to where it stood then, writes those rows
with plain SQL into the tables as they were, runs the migrations forward, and reads
everything back through today's models: each row, each span against its article's body,
each historical record, the roles' permissions, the quote index, and the API token, which
still works though only its digest is kept.
"""

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.test import APIClient

from access import roles
from access.models import ApiToken
from articles.models import Article, Correction, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation, Review
from crosscheck import index
from crosscheck.models import Checkpoint, Finding
from sources.models import Source, SourceAlias, SourceIdentifier
from suggestions.models import Suggestion

ARCHIVE = Path(__file__).with_name("legacy_archive.json.gz")
# The last migration of each app at 65970f3 (``tracker`` is no longer an app: its tables
# belong to ``crosscheck`` and its roles migration to ``access``).
BEFORE = [
    ("sources", "0004_corrections_and_retractions"),
    ("claims", "0005_attribution_declined"),
    ("articles", None),
    ("crosscheck", None),
    ("suggestions", None),
    ("access", "0001_roles"),
]
# The table Django REST framework's authtoken app made, which a database made today does not
# have (the app is no longer installed): created by hand, as its migrations left it.
AUTHTOKEN_TABLE = """
    CREATE TABLE authtoken_token (
        {key} varchar(40) NOT NULL PRIMARY KEY,
        created timestamp NOT NULL,
        user_id integer NOT NULL UNIQUE REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED
    )
"""
# Each table of the archive and the model that reads it now.
MODELS = {
    "sources_outlet": Outlet,
    "sources_article": Article,
    "sources_correction": Correction,
    "sources_metadataspan": MetadataSpan,
    "sources_source": Source,
    "sources_sourcealias": SourceAlias,
    "sources_sourceidentifier": SourceIdentifier,
    "claims_claim": Claim,
    "claims_attribution": Attribution,
    "claims_claimrelation": ClaimRelation,
    "claims_review": Review,
    "claims_finding": Finding,
    "claims_suggestion": Suggestion,
    "tracker_checkpoint": Checkpoint,
}
HISTORY = {
    "sources_historicaloutlet": Outlet,
    "sources_historicalarticle": Article,
    "sources_historicalcorrection": Correction,
    "sources_historicalmetadataspan": MetadataSpan,
    "sources_historicalsource": Source,
    "sources_historicalsourcealias": SourceAlias,
    "sources_historicalsourceidentifier": SourceIdentifier,
    "claims_historicalclaim": Claim,
    "claims_historicalattribution": Attribution,
    "claims_historicalclaimrelation": ClaimRelation,
    "claims_historicalreview": Review,
    "claims_historicalfinding": Finding,
    "claims_historicalsuggestion": Suggestion,
}
LINKS = {
    "claims_finding_claims": ("claims", "claim_id"),
    "claims_finding_attributions": ("attributions", "attribution_id"),
    "claims_finding_sources": ("sources", "source_id"),
}


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _insert(tables: dict, memberships: list) -> None:
    """The archive's rows, in one transaction: foreign keys are checked at its end, so the
    tables can be filled in any order."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in tables.items():
            if not data["rows"]:
                continue
            columns = ", ".join(quote(c) for c in data["columns"])
            marks = ", ".join(["%s"] * len(data["columns"]))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", data["rows"]
            )
        groups = dict(Group.objects.values_list("name", "pk"))
        cursor.executemany(
            "INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
            [(user_id, groups[name]) for user_id, name in memberships],
        )
        # PostgreSQL's sequences go on after the largest id, as after a restore.
        models = [User, *MODELS.values(), *(m.history.model for m in HISTORY.values())]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@pytest.fixture
def legacy():
    data = json.loads(gzip.decompress(ARCHIVE.read_bytes()))
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(AUTHTOKEN_TABLE.format(key=connection.ops.quote_name("key")))
        # What authtoken left besides its table: its migration record and its permissions.
        MigrationRecorder(connection).record_applied("authtoken", "0004_alter_tokenproxy_options")
        authtoken = ContentType.objects.create(app_label="authtoken", model="token")
        Permission.objects.create(content_type=authtoken, codename="view_token", name="x")
        _insert(data["tables"], data["memberships"])
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        # What migrate does after the migrations: the roles get their permissions.
        roles.sync_role_permissions()
        yield data["tables"]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _rows(table: str, columns: list[str]) -> list[tuple]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} ORDER BY 1"
        )
        return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_every_row_span_and_history_record_survives_the_move(legacy):
    for table, model in MODELS.items():
        data = legacy[table]
        assert model._meta.db_table == table
        ids = [row[0] for row in data["rows"]]
        assert sorted(model.objects.values_list("pk", flat=True)) == ids, table
        # Every column of every row, as the database holds it now.
        assert len(_rows(table, data["columns"])) == len(data["rows"]), table
    for table, model in HISTORY.items():
        history = model.history.model
        assert history._meta.db_table == table
        assert history.objects.count() == len(legacy[table]["rows"]), table
    for table, (field, column) in LINKS.items():
        columns = legacy[table]["columns"]
        expected = {
            (row[columns.index("finding_id")], row[columns.index(column)])
            for row in legacy[table]["rows"]
        }
        assert expected, table
        through = getattr(Finding, field).through
        assert set(through.objects.values_list("finding_id", column)) == expected, table

    # The rows read back through the models, relations included.
    assert Article.objects.count() == 40
    spans = [*Attribution.objects.select_related("article"), *MetadataSpan.objects.all()]
    spans += list(Suggestion.objects.select_related("article"))
    anchored = [s for s in spans if s.start is not None]
    assert anchored
    for span in anchored:
        assert span.article.body[span.start : span.end] == span.text
    seed = Article.objects.get(headline__icontains="Baghouz")
    assert seed.corrections.count() == 1
    assert seed.body.startswith("CORRECTED. ")
    assert {a.source.display_name for a in seed.attributions.exclude(source=None)} >= {
        "Adnan Afrin"
    }
    assert Finding.objects.filter(state="confirmed").count() == 1
    assert Finding.objects.filter(attributions__isnull=False).distinct().exists()
    assert Suggestion.objects.filter(state="accepted", attribution__isnull=False).count() == 3
    assert Checkpoint.get("recheck") == max(Attribution.objects.values_list("pk", flat=True))

    # History: who changed what, and the history of a moved model still points at its rows.
    editor = User.objects.get(username="editor")
    assert Article.history.filter(id=seed.pk, history_user=editor).count() >= 2
    assert Finding.history.filter(history_user__username="checker").exists()
    assert Suggestion.history.filter(history_user=editor).count() >= 4
    kinds = Counter(Attribution.history.values_list("history_type", flat=True))
    assert kinds["+"]
    assert kinds["~"]

    # Users keep their roles, and the roles their permissions under the new app labels.
    checker = User.objects.get(username="checker")
    assert checker.has_perm("crosscheck.change_finding")
    assert not checker.has_perm("crosscheck.add_finding")
    assert editor.has_perm("articles.change_article")
    assert editor.has_perm("suggestions.add_suggestion")
    assert User.objects.get(username="reader").has_perm("articles.view_outlet")
    assert not ContentType.objects.filter(app_label="tracker").exists()
    assert not ContentType.objects.filter(app_label="sources", model="article").exists()

    # The API token: moved into ApiToken as a digest, its old table (keys in clear) gone,
    # and the key its holder has still works, with the holder's role.
    (old_key, _created, holder_id) = legacy["authtoken_token"]["rows"][0]
    token = ApiToken.objects.get()
    assert token.user_id == holder_id
    assert token.name == "migrated token"
    assert token.digest == hashlib.sha256(old_key.encode()).hexdigest()
    assert token.expires_at is not None
    assert str(token.created_at.date()) == _created[:10]
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="view_token").exists()
    assert not MigrationRecorder.Migration.objects.filter(app="authtoken").exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert client.get("/api/outlets/").status_code == 200
    assert client.post("/api/outlets/", {"name": "Invented Post"}).status_code == 403

    # The quote index still finds the archive's quotes.
    quote = Attribution.objects.filter(kind="direct").order_by("pk").first()
    matches = index.similar_quotes(quote.text, limit=5)
    assert quote.pk in {m.attribution_id for m in matches}


@pytest.mark.django_db(transaction=True)
def test_a_new_database_gets_every_table():
    # The test database is itself made by running every migration on an empty database.
    tables = set(connection.introspection.table_names())
    assert set(MODELS) <= tables
    assert set(HISTORY) <= tables
    assert set(LINKS) <= tables
    assert "access_apitoken" in tables
    assert "authtoken_token" not in tables
