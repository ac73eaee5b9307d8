"""Findings (from ``claims``) and the recheck checkpoint (from ``tracker``).

The tables keep their names and rows (each model sets ``db_table``), so only Django's
state changes here: no table is created, renamed or dropped."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = {("claims", "finding"), ("claims", "historicalfinding"), ("tracker", "checkpoint")}
NEW_APP = "crosscheck"


def create_checkpoint_table(apps, schema_editor):
    """The checkpoint table was made by the ``tracker`` app's own migration, which a new
    database no longer runs: create it where it is missing."""
    model = apps.get_model("crosscheck", "Checkpoint")
    if model._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(model)


def rename_content_types(apps, schema_editor):
    """Move the content types to the new app label, so that permissions, the roles that
    hold them and admin log entries follow the models. A content type already made for
    the new label (by a ``migrate`` that stopped half-way) gives way to the old one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        old = ContentType.objects.filter(app_label=app_label, model=model).first()
        if old is None:
            continue
        ContentType.objects.filter(app_label=NEW_APP, model=model).delete()
        old.app_label = NEW_APP
        old.save(update_fields=["app_label"])


def unrename_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label=NEW_APP, model=model).update(app_label=app_label)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('claims', '0006_move_findings_and_suggestions_out'),
        ('sources', '0005_move_articles_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Checkpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('position', models.BigIntegerField(default=0)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'tracker_checkpoint',
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalFinding',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('kind', models.CharField(choices=[('misattribution', 'misattribution'), ('quote_drift', 'quote drift'), ('contradiction', 'contradiction'), ('numeric_conflict', 'numeric conflict'), ('anonymous_only', 'anonymous sources only'), ('single_source', 'single source'), ('unexplained_anonymity', 'unexplained anonymity'), ('unattributed', 'unattributed statement')], max_length=24)),
                        ('key', models.CharField(db_index=True, editable=False, help_text="The engine's name for it.", max_length=255)),
                        ('summary', models.CharField(blank=True, max_length=500)),
                        ('details', models.JSONField(blank=True, default=dict, help_text='The evidence: similarity, word diff, figures.')),
                        ('state', models.CharField(choices=[('open', 'open'), ('confirmed', 'confirmed'), ('dismissed', 'dismissed')], default='open', max_length=10)),
                        ('note', models.TextField(blank=True, help_text="The fact-checker's note on the triage.")),
                        ('triaged_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('first_seen_at', models.DateTimeField(blank=True, editable=False)),
                        ('resolved_at', models.DateTimeField(blank=True, editable=False, help_text='When a recomputation stopped finding it; empty while it holds.', null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('triaged_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical finding',
                        'verbose_name_plural': 'historical findings',
                        'db_table': 'claims_historicalfinding',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Finding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('kind', models.CharField(choices=[('misattribution', 'misattribution'), ('quote_drift', 'quote drift'), ('contradiction', 'contradiction'), ('numeric_conflict', 'numeric conflict'), ('anonymous_only', 'anonymous sources only'), ('single_source', 'single source'), ('unexplained_anonymity', 'unexplained anonymity'), ('unattributed', 'unattributed statement')], max_length=24)),
                        ('key', models.CharField(editable=False, help_text="The engine's name for it.", max_length=255, unique=True)),
                        ('summary', models.CharField(blank=True, max_length=500)),
                        ('details', models.JSONField(blank=True, default=dict, help_text='The evidence: similarity, word diff, figures.')),
                        ('state', models.CharField(choices=[('open', 'open'), ('confirmed', 'confirmed'), ('dismissed', 'dismissed')], default='open', max_length=10)),
                        ('note', models.TextField(blank=True, help_text="The fact-checker's note on the triage.")),
                        ('triaged_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('first_seen_at', models.DateTimeField(auto_now_add=True)),
                        ('last_seen_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('resolved_at', models.DateTimeField(blank=True, editable=False, help_text='When a recomputation stopped finding it; empty while it holds.', null=True)),
                        ('attributions', models.ManyToManyField(blank=True, db_table='claims_finding_attributions', related_name='findings', to='claims.attribution')),
                        ('claims', models.ManyToManyField(blank=True, db_table='claims_finding_claims', related_name='findings', to='claims.claim')),
                        ('sources', models.ManyToManyField(blank=True, db_table='claims_finding_sources', related_name='findings', to='sources.source')),
                        ('triaged_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='triaged_findings', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'claims_finding',
                        'ordering': ['-id'],
                        'indexes': [models.Index(condition=models.Q(('resolved_at__isnull', True)), fields=['state', 'kind', '-id'], name='finding_triage_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(create_checkpoint_table, migrations.RunPython.noop),
        migrations.RunPython(rename_content_types, unrename_content_types),
    ]
