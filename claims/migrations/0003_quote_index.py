"""The quote index behind crosscheck.index: near-duplicate quote candidates.

PostgreSQL: the pg_trgm extension (trusted: a database owner may create it); a GIN
trigram index on claims_attribution.text, partial on kind <> 'unattributed'
(unattributed statements are not quotes); extended statistics on show_trgm(text), which
ANALYZE fills with how many rows hold each common trigram, to pick a query's rarest ones.

SQLite: an FTS5 table with the trigram tokenizer over claims_attribution(text) as
external content; an fts5vocab table over it (rows per trigram, for the same purpose);
triggers that keep it in step with inserts, updates and deletes; and a rebuild for the
rows already there.

None of it is in Django's model state (a GinIndex in Meta.indexes would be created on
SQLite too, and FTS5 tables are no model), so makemigrations has nothing to say about
it. The SQL is written out here rather than imported, as migrations are history;
crosscheck.index keeps the same SQLite statements to put the triggers back after
a later migration remakes the table, and a test checks that the two agree.
"""

from django.db import migrations

PG_INDEX = "claims_attribution_text_trgm"
PG_STATISTICS = "claims_attribution_text_trgm_stats"
FTS = "claims_attribution_quote_fts"
VOCAB = "claims_attribution_quote_fts_vocab"
TRIGGERS = ("claims_attribution_quote_fts_ai", "claims_attribution_quote_fts_ad", "claims_attribution_quote_fts_au")

# django.contrib.postgres's TrigramExtension is not used: its reverse queries pg_extension
# on every backend. The index is built inside the migration's transaction; on a large
# table, build it CONCURRENTLY by hand first (same name and definition) and this skips it.
PG_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON claims_attribution "
    "USING gin (text gin_trgm_ops) WHERE kind <> 'unattributed'",
    # A target of 500 keeps the frequencies of about 5,000 trigrams (the default of 100,
    # only the 1,000 commonest); ANALYZE then reads up to 150,000 rows, about 3 s of
    # show_trgm for 100,000 quotes.
    f"CREATE STATISTICS IF NOT EXISTS {PG_STATISTICS} ON (show_trgm(text)) FROM claims_attribution",
    f"ALTER STATISTICS {PG_STATISTICS} SET STATISTICS 500",
    "ANALYZE claims_attribution",
)
# The extension stays: other apps' indexes may use it, and it costs nothing unused.
PG_DROP = (f"DROP STATISTICS IF EXISTS {PG_STATISTICS}", f"DROP INDEX IF EXISTS {PG_INDEX}")

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "text, content='claims_attribution', content_rowid='id', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({FTS}, row)",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[0]} AFTER INSERT ON claims_attribution BEGIN "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[1]} AFTER DELETE ON claims_attribution BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[2]} AFTER UPDATE ON claims_attribution "
    "WHEN old.text IS NOT new.text OR old.id IS NOT new.id BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
)
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP TABLE IF EXISTS {VOCAB}",
    f"DROP TABLE IF EXISTS {FTS}",
)


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def create_quote_index(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_CREATE, "sqlite": SQLITE_CREATE})


def drop_quote_index(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0002_finding"),
    ]

    operations = [
        migrations.RunPython(create_quote_index, drop_quote_index, elidable=False),
    ]
