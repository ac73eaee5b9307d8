"""Outlets, articles, corrections and metadata spans moved to ``articles``.

The tables keep their names and rows (each model sets ``db_table``), so only Django's
state changes here: no table is created, renamed or dropped."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0001_initial'),
        ('claims', '0006_move_findings_and_suggestions_out'),
        ('sources', '0004_corrections_and_retractions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalcorrection',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='historicalmetadataspan',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='metadataspan',
                    name='article',
                ),
                migrations.AlterField(
                    model_name='source',
                    name='article',
                    field=models.ForeignKey(blank=True, help_text='Anonymous sources and unnamed groups belong to the one article that describes them; merge them with another only when you know they are the same.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='local_sources', to='articles.article'),
                ),
                migrations.AlterField(
                    model_name='historicalsource',
                    name='article',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='Anonymous sources and unnamed groups belong to the one article that describes them; merge them with another only when you know they are the same.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.article'),
                ),
                migrations.RemoveField(
                    model_name='correction',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='historicalarticle',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalarticle',
                    name='origin_outlet',
                ),
                migrations.RemoveField(
                    model_name='historicalarticle',
                    name='outlet',
                ),
                migrations.RemoveField(
                    model_name='historicalcorrection',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalmetadataspan',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalmetadataspan',
                    name='outlet',
                ),
                migrations.RemoveField(
                    model_name='historicaloutlet',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='metadataspan',
                    name='outlet',
                ),
                migrations.DeleteModel(
                    name='Article',
                ),
                migrations.DeleteModel(
                    name='Correction',
                ),
                migrations.DeleteModel(
                    name='HistoricalArticle',
                ),
                migrations.DeleteModel(
                    name='HistoricalCorrection',
                ),
                migrations.DeleteModel(
                    name='HistoricalMetadataSpan',
                ),
                migrations.DeleteModel(
                    name='HistoricalOutlet',
                ),
                migrations.DeleteModel(
                    name='MetadataSpan',
                ),
                migrations.DeleteModel(
                    name='Outlet',
                ),
            ],
        ),
    ]
