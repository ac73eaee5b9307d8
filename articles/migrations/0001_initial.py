"""Outlets, articles, corrections and metadata spans, moved here from ``sources``.

The tables keep their names and rows (each model sets ``db_table``), so only Django's
state changes here: no table is created, renamed or dropped."""

import articles.models
import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = {("sources", "outlet"), ("sources", "article"), ("sources", "correction"), ("sources", "metadataspan"), ("sources", "historicaloutlet"), ("sources", "historicalarticle"), ("sources", "historicalcorrection"), ("sources", "historicalmetadataspan")}
NEW_APP = "articles"


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
        ('sources', '0004_corrections_and_retractions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Article',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('headline', models.CharField(max_length=500, validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('url', models.URLField(blank=True, help_text='Canonical URL. Two articles cannot share one.', max_length=2000)),
                        ('byline', models.CharField(blank=True, max_length=300, validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('last_updated_at', models.DateTimeField(blank=True, help_text="The outlet's own 'last update' time, if printed.", null=True)),
                        ('dateline', models.CharField(blank=True, help_text="Place line as printed, e.g. 'BEIRUT (AP)'.", max_length=200)),
                        ('language', models.CharField(default='en', help_text='BCP 47 code, e.g. en.', max_length=16)),
                        ('body', models.TextField(help_text='The canonical plain text. Every span points into it by character offsets; editing it re-anchors the spans, and any that cannot be found are flagged.', validators=[articles.models.validate_body_length, django.core.validators.ProhibitNullCharactersValidator()])),
                        ('content_hash', models.CharField(db_index=True, default='', editable=False, help_text='SHA-256 of the body, kept in step on every save; finds re-imported copies.', max_length=64)),
                        ('status', models.CharField(choices=[('draft', 'draft'), ('annotated', 'annotated'), ('reviewed', 'reviewed')], default='draft', max_length=12)),
                        ('notes', models.TextField(blank=True, help_text="Editors' notes; not part of the article.")),
                        ('retracted_at', models.DateTimeField(blank=True, help_text='When the outlet retracted the article. Its attributions stay visible, marked, but no longer count toward corroborating a claim.', null=True)),
                        ('retraction_note', models.TextField(blank=True, help_text='The retraction notice as published.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                    ],
                    options={
                        'db_table': 'sources_article',
                        'ordering': ['-published_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCorrection',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('published_at', models.DateTimeField(help_text='When the outlet published the correction.')),
                        ('what_changed', models.TextField(help_text="What was changed, in the editor's words.", validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('note', models.TextField(blank=True, help_text='The correction notice as published.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('changed_body', models.BooleanField(default=False, editable=False, help_text='The body was edited with this correction.')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('article', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.article')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical correction',
                        'verbose_name_plural': 'historical corrections',
                        'db_table': 'sources_historicalcorrection',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalOutlet',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('name', models.CharField(max_length=200, validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('kind', models.CharField(choices=[('wire_agency', 'wire agency'), ('newspaper', 'newspaper'), ('broadcaster', 'broadcaster'), ('online', 'online publication'), ('platform', 'platform')], default='newspaper', max_length=20)),
                        ('domain', models.CharField(blank=True, help_text='Web domain without scheme, e.g. apnews.com.', max_length=253)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical outlet',
                        'verbose_name_plural': 'historical outlets',
                        'db_table': 'sources_historicaloutlet',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Outlet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('name', models.CharField(max_length=200, validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('kind', models.CharField(choices=[('wire_agency', 'wire agency'), ('newspaper', 'newspaper'), ('broadcaster', 'broadcaster'), ('online', 'online publication'), ('platform', 'platform')], default='newspaper', max_length=20)),
                        ('domain', models.CharField(blank=True, help_text='Web domain without scheme, e.g. apnews.com.', max_length=253)),
                    ],
                    options={
                        'db_table': 'sources_outlet',
                        'ordering': ['name'],
                        'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('name'), name='outlet_name_unique_ci', violation_error_code='name', violation_error_message='An outlet with this name already exists.')],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalMetadataSpan',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('start', models.PositiveIntegerField(blank=True, help_text='Offset of the first character in the body. Leave empty to locate the text.', null=True)),
                        ('end', models.PositiveIntegerField(blank=True, help_text='Offset just past the last character.', null=True)),
                        ('text', models.TextField(blank=True, help_text='Exactly as in the body. Leave empty to take it from the offsets.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('anchor_status', models.CharField(choices=[('anchored', 'anchored'), ('moved', 'moved by a body edit'), ('fuzzy', 're-anchored to a close match: check it'), ('orphaned', 'orphaned: not found in the body')], default='anchored', editable=False, max_length=10)),
                        ('kind', models.CharField(choices=[('heading', 'heading'), ('photo_caption', 'photo caption'), ('photo_credit', 'photo credit'), ('update_line', 'update line'), ('dateline', 'dateline'), ('byline', 'byline'), ('sourcing_note', 'note on sourcing'), ('other', 'other')], max_length=20)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('article', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.article')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('outlet', models.ForeignKey(blank=True, db_constraint=False, help_text='For a credit: the outlet credited, e.g. AFP.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.outlet')),
                    ],
                    options={
                        'verbose_name': 'historical metadata span',
                        'verbose_name_plural': 'historical metadata spans',
                        'db_table': 'sources_historicalmetadataspan',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalArticle',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('headline', models.CharField(max_length=500, validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('url', models.URLField(blank=True, help_text='Canonical URL. Two articles cannot share one.', max_length=2000)),
                        ('byline', models.CharField(blank=True, max_length=300, validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('last_updated_at', models.DateTimeField(blank=True, help_text="The outlet's own 'last update' time, if printed.", null=True)),
                        ('dateline', models.CharField(blank=True, help_text="Place line as printed, e.g. 'BEIRUT (AP)'.", max_length=200)),
                        ('language', models.CharField(default='en', help_text='BCP 47 code, e.g. en.', max_length=16)),
                        ('body', models.TextField(help_text='The canonical plain text. Every span points into it by character offsets; editing it re-anchors the spans, and any that cannot be found are flagged.', validators=[articles.models.validate_body_length, django.core.validators.ProhibitNullCharactersValidator()])),
                        ('content_hash', models.CharField(db_index=True, default='', editable=False, help_text='SHA-256 of the body, kept in step on every save; finds re-imported copies.', max_length=64)),
                        ('status', models.CharField(choices=[('draft', 'draft'), ('annotated', 'annotated'), ('reviewed', 'reviewed')], default='draft', max_length=12)),
                        ('notes', models.TextField(blank=True, help_text="Editors' notes; not part of the article.")),
                        ('retracted_at', models.DateTimeField(blank=True, help_text='When the outlet retracted the article. Its attributions stay visible, marked, but no longer count toward corroborating a claim.', null=True)),
                        ('retraction_note', models.TextField(blank=True, help_text='The retraction notice as published.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('origin_outlet', models.ForeignKey(blank=True, db_constraint=False, help_text='The wire service a republished story came from, if any.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.outlet')),
                        ('outlet', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.outlet')),
                    ],
                    options={
                        'verbose_name': 'historical article',
                        'verbose_name_plural': 'historical articles',
                        'db_table': 'sources_historicalarticle',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddField(
                    model_name='article',
                    name='origin_outlet',
                    field=models.ForeignKey(blank=True, help_text='The wire service a republished story came from, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='syndicated_articles', to='articles.outlet'),
                ),
                migrations.AddField(
                    model_name='article',
                    name='outlet',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='articles.outlet'),
                ),
                migrations.CreateModel(
                    name='Correction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('published_at', models.DateTimeField(help_text='When the outlet published the correction.')),
                        ('what_changed', models.TextField(help_text="What was changed, in the editor's words.", validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('note', models.TextField(blank=True, help_text='The correction notice as published.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('changed_body', models.BooleanField(default=False, editable=False, help_text='The body was edited with this correction.')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='articles.article')),
                    ],
                    options={
                        'db_table': 'sources_correction',
                        'ordering': ['article', 'published_at', 'id'],
                        'indexes': [models.Index(fields=['article', 'published_at'], name='correction_article_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='MetadataSpan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('start', models.PositiveIntegerField(blank=True, help_text='Offset of the first character in the body. Leave empty to locate the text.', null=True)),
                        ('end', models.PositiveIntegerField(blank=True, help_text='Offset just past the last character.', null=True)),
                        ('text', models.TextField(blank=True, help_text='Exactly as in the body. Leave empty to take it from the offsets.', validators=[django.core.validators.ProhibitNullCharactersValidator()])),
                        ('anchor_status', models.CharField(choices=[('anchored', 'anchored'), ('moved', 'moved by a body edit'), ('fuzzy', 're-anchored to a close match: check it'), ('orphaned', 'orphaned: not found in the body')], default='anchored', editable=False, max_length=10)),
                        ('kind', models.CharField(choices=[('heading', 'heading'), ('photo_caption', 'photo caption'), ('photo_credit', 'photo credit'), ('update_line', 'update line'), ('dateline', 'dateline'), ('byline', 'byline'), ('sourcing_note', 'note on sourcing'), ('other', 'other')], max_length=20)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='metadata_spans', to='articles.article')),
                        ('outlet', models.ForeignKey(blank=True, help_text='For a credit: the outlet credited, e.g. AFP.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credits', to='articles.outlet')),
                    ],
                    options={
                        'db_table': 'sources_metadataspan',
                        'ordering': ['article', 'start'],
                        'abstract': False,
                        'indexes': [models.Index(fields=['article', 'start'], name='metadataspan_article_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('end__isnull', True), ('start__isnull', True)), models.Q(('end__gt', models.F('start')), ('start__isnull', False)), _connector='OR'), name='articles_metadataspan_start_before_end'), models.CheckConstraint(condition=models.Q(('start__isnull', True), ('end', django.db.models.expressions.CombinedExpression(models.F('start'), '+', django.db.models.functions.text.Length('text'))), _connector='OR'), name='articles_metadataspan_text_fills_span'), models.CheckConstraint(condition=models.Q(models.Q(('anchor_status', 'orphaned'), ('start__isnull', True)), models.Q(models.Q(('anchor_status', 'orphaned'), _negated=True), ('start__isnull', False)), _connector='OR'), name='articles_metadataspan_orphaned_has_no_offsets')],
                    },
                ),
                migrations.AddIndex(
                    model_name='article',
                    index=models.Index(fields=['-published_at', '-id'], name='article_published_idx'),
                ),
                migrations.AddIndex(
                    model_name='article',
                    index=models.Index(fields=['outlet', '-published_at'], name='article_outlet_idx'),
                ),
                migrations.AddIndex(
                    model_name='article',
                    index=models.Index(fields=['status'], name='article_status_idx'),
                ),
                migrations.AddConstraint(
                    model_name='article',
                    constraint=models.UniqueConstraint(condition=models.Q(('url', ''), _negated=True), fields=('url',), name='article_url_unique_when_given', violation_error_code='url', violation_error_message='Another article already has this URL.'),
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, unrename_content_types),
    ]
