"""Findings moved to ``crosscheck``, suggestions to ``suggestions``.

The tables keep their names and rows (each model sets ``db_table``), so only Django's
state changes here: no table is created, renamed or dropped."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0001_initial'),
        ('claims', '0005_attribution_declined'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalfinding',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalfinding',
                    name='triaged_by',
                ),
                migrations.RemoveField(
                    model_name='historicalsuggestion',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='historicalsuggestion',
                    name='attribution',
                ),
                migrations.RemoveField(
                    model_name='historicalsuggestion',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalsuggestion',
                    name='reviewed_by',
                ),
                migrations.RemoveField(
                    model_name='historicalsuggestion',
                    name='source',
                ),
                migrations.RemoveField(
                    model_name='suggestion',
                    name='article',
                ),
                migrations.RemoveField(
                    model_name='suggestion',
                    name='attribution',
                ),
                migrations.RemoveField(
                    model_name='suggestion',
                    name='reviewed_by',
                ),
                migrations.RemoveField(
                    model_name='suggestion',
                    name='source',
                ),
                migrations.AlterField(
                    model_name='attribution',
                    name='article',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attributions', to='articles.article'),
                ),
                migrations.AlterField(
                    model_name='attribution',
                    name='recipient',
                    field=models.ForeignKey(blank=True, help_text="The outlet it was said to: 'told The Associated Press'.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='received_attributions', to='articles.outlet'),
                ),
                migrations.AlterField(
                    model_name='historicalattribution',
                    name='article',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.article'),
                ),
                migrations.AlterField(
                    model_name='historicalattribution',
                    name='recipient',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text="The outlet it was said to: 'told The Associated Press'.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.outlet'),
                ),
                migrations.DeleteModel(
                    name='Finding',
                ),
                migrations.DeleteModel(
                    name='HistoricalFinding',
                ),
                migrations.DeleteModel(
                    name='HistoricalSuggestion',
                ),
                migrations.DeleteModel(
                    name='Suggestion',
                ),
            ],
        ),
    ]
