"""PostgreSQL: no planner statistics on claims_attribution.text.

The quote index's candidate query is an OR of word groups, each an AND of a few
``text ILIKE '%abc%'`` conditions (crosscheck.index.postgres). To estimate each one the
planner matched its pattern against every most-common value and histogram entry kept
for the column: 5 to 13 ms of planning a query on a 1,000,000-quote archive, as much as
running it. Without them it plans in 0.1 to 1 ms and chooses the same plan (a BitmapOr
of GIN index scans): no other query filters on the text's value distribution. The
trigram frequencies the index picks its words by come from the extended statistics on
show_trgm(text) (migration 0003), which stay.

A target of 0 stops ANALYZE collecting them; statistics collected before stay until
deleted, which only a superuser may do: the deletion is tried, and skipped without one
(``DELETE FROM pg_statistic WHERE starelid = 'claims_attribution'::regclass AND
staattnum = ...`` by hand then). Nothing on SQLite.
"""

from django.db import migrations

PG_FORWARD = (
    "ALTER TABLE claims_attribution ALTER COLUMN text SET STATISTICS 0",
    """
    DO $$
    BEGIN
        DELETE FROM pg_statistic
        WHERE starelid = 'claims_attribution'::regclass
          AND staattnum = (
              SELECT attnum FROM pg_attribute
              WHERE attrelid = 'claims_attribution'::regclass AND attname = 'text'
          );
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END
    $$
    """,
)
PG_BACKWARD = ("ALTER TABLE claims_attribution ALTER COLUMN text SET STATISTICS -1",)


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, PG_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_claim_status_help"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
