"""Suggested attributions, moved here from ``claims``.

The tables keep their names and rows (each model sets ``db_table``), so only Django's
state changes here: no table is created, renamed or dropped."""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = {("claims", "suggestion"), ("claims", "historicalsuggestion")}
NEW_APP = "suggestions"


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
        ('articles', '0001_initial'),
        ('claims', '0006_move_findings_and_suggestions_out'),
        ('sources', '0005_move_articles_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalSuggestion',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('start', models.PositiveIntegerField(blank=True, help_text='Offset of the first character in the body. Leave empty to locate the text.', null=True)),
                        ('end', models.PositiveIntegerField(blank=True, help_text='Offset just past the last character.', null=True)),
                        ('text', models.TextField(blank=True, help_text='Exactly as in the body. Leave empty to take it from the offsets.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('anchor_status', models.CharField(choices=[('anchored', 'anchored'), ('moved', 'moved by a body edit'), ('fuzzy', 're-anchored to a close match: check it'), ('orphaned', 'orphaned: not found in the body')], default='anchored', editable=False, max_length=10)),
                        ('kind', models.CharField(choices=[('direct', 'direct quote'), ('indirect', 'indirect (reported speech)'), ('mixed', 'mixed (partial quote)')], max_length=12)),
                        ('cue', models.CharField(blank=True, help_text='The cue as written: said, told.', max_length=60)),
                        ('cue_start', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                        ('speaker_mention', models.CharField(blank=True, help_text='How the article names the speaker here.', max_length=300)),
                        ('speaker_start', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                        ('proposed_source', models.JSONField(blank=True, default=dict, help_text='The speaker the extractor proposes when the archive does not hold them: kind, name, description, role, affiliation, anonymity reason, aliases. Accepting the suggestion creates this source.')),
                        ('proposed_key', models.CharField(blank=True, editable=False, help_text='Names the proposed source; suggestions of one speaker share it.', max_length=100)),
                        ('channel', models.CharField(choices=[('interview', 'interview'), ('statement', 'statement'), ('social_media_post', 'social media post'), ('press_conference', 'press conference'), ('document', 'document'), ('broadcast', 'broadcast'), ('unknown', 'unknown')], default='unknown', max_length=20)),
                        ('recipient_name', models.CharField(blank=True, help_text='The outlet it was said to, as written.', max_length=200)),
                        ('said_when_text', models.CharField(blank=True, max_length=200)),
                        ('confidence', models.FloatField(default=0.0, editable=False)),
                        ('state', models.CharField(choices=[('pending', 'pending review'), ('accepted', 'accepted'), ('rejected', 'rejected')], default='pending', max_length=10)),
                        ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('note', models.TextField(blank=True, help_text='Why it was rejected or changed.')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('article', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.article')),
                        ('attribution', models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The attribution accepting it created.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.attribution')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('source', models.ForeignKey(blank=True, db_constraint=False, help_text='The speaker, when the archive already holds them.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source')),
                    ],
                    options={
                        'verbose_name': 'historical suggestion',
                        'verbose_name_plural': 'historical suggestions',
                        'db_table': 'claims_historicalsuggestion',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Suggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('start', models.PositiveIntegerField(blank=True, help_text='Offset of the first character in the body. Leave empty to locate the text.', null=True)),
                        ('end', models.PositiveIntegerField(blank=True, help_text='Offset just past the last character.', null=True)),
                        ('text', models.TextField(blank=True, help_text='Exactly as in the body. Leave empty to take it from the offsets.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('anchor_status', models.CharField(choices=[('anchored', 'anchored'), ('moved', 'moved by a body edit'), ('fuzzy', 're-anchored to a close match: check it'), ('orphaned', 'orphaned: not found in the body')], default='anchored', editable=False, max_length=10)),
                        ('kind', models.CharField(choices=[('direct', 'direct quote'), ('indirect', 'indirect (reported speech)'), ('mixed', 'mixed (partial quote)')], max_length=12)),
                        ('cue', models.CharField(blank=True, help_text='The cue as written: said, told.', max_length=60)),
                        ('cue_start', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                        ('speaker_mention', models.CharField(blank=True, help_text='How the article names the speaker here.', max_length=300)),
                        ('speaker_start', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                        ('proposed_source', models.JSONField(blank=True, default=dict, help_text='The speaker the extractor proposes when the archive does not hold them: kind, name, description, role, affiliation, anonymity reason, aliases. Accepting the suggestion creates this source.')),
                        ('proposed_key', models.CharField(blank=True, editable=False, help_text='Names the proposed source; suggestions of one speaker share it.', max_length=100)),
                        ('channel', models.CharField(choices=[('interview', 'interview'), ('statement', 'statement'), ('social_media_post', 'social media post'), ('press_conference', 'press conference'), ('document', 'document'), ('broadcast', 'broadcast'), ('unknown', 'unknown')], default='unknown', max_length=20)),
                        ('recipient_name', models.CharField(blank=True, help_text='The outlet it was said to, as written.', max_length=200)),
                        ('said_when_text', models.CharField(blank=True, max_length=200)),
                        ('confidence', models.FloatField(default=0.0, editable=False)),
                        ('state', models.CharField(choices=[('pending', 'pending review'), ('accepted', 'accepted'), ('rejected', 'rejected')], default='pending', max_length=10)),
                        ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('note', models.TextField(blank=True, help_text='Why it was rejected or changed.')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='articles.article')),
                        ('attribution', models.OneToOneField(blank=True, editable=False, help_text='The attribution accepting it created.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='suggestion', to='claims.attribution')),
                        ('reviewed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reviewed_suggestions', to=settings.AUTH_USER_MODEL)),
                        ('source', models.ForeignKey(blank=True, help_text='The speaker, when the archive already holds them.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='suggestions', to='sources.source')),
                    ],
                    options={
                        'db_table': 'claims_suggestion',
                        'ordering': ['article', 'start', 'id'],
                        'abstract': False,
                        'indexes': [models.Index(fields=['article', 'state', 'start'], name='suggestion_queue_idx'), models.Index(fields=['state', '-id'], name='suggestion_state_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('end__isnull', True), ('start__isnull', True)), models.Q(('end__gt', models.F('start')), ('start__isnull', False)), _connector='OR'), name='suggestions_suggestion_start_before_end'), models.CheckConstraint(condition=models.Q(('start__isnull', True), ('end', django.db.models.expressions.CombinedExpression(models.F('start'), '+', django.db.models.functions.text.Length('text'))), _connector='OR'), name='suggestions_suggestion_text_fills_span'), models.CheckConstraint(condition=models.Q(models.Q(('anchor_status', 'orphaned'), ('start__isnull', True)), models.Q(models.Q(('anchor_status', 'orphaned'), _negated=True), ('start__isnull', False)), _connector='OR'), name='suggestions_suggestion_orphaned_has_no_offsets'), models.UniqueConstraint(condition=models.Q(('start__isnull', False)), fields=('article', 'start', 'end'), name='suggestion_one_per_span', violation_error_code='start', violation_error_message='The article already has a suggestion for this span.'), models.CheckConstraint(condition=models.Q(('state', 'accepted'), ('attribution__isnull', True), _connector='OR'), name='suggestion_attribution_only_when_accepted')],
                    },
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, unrename_content_types),
    ]
