"""Completion reports on corrective actions, and the reliance age limit as a dated rule row.

- CorrectiveAction: the supplier's completion report, the buyer's answer to it, a status
  "reported", and how a closed action was closed (`closed_via`; actions closed before this
  migration were closed by the buyer with a note).
- RelianceRule (DESIGN.md principle 4, "rules are data"): another authority may rely on a
  shared audit completed at most 3 years before the day it relies on it. The rule of issue 14,
  not of a regulation; seeded in force from 2017-01-01 (before any audit in Anbud). Staff add a
  row with its own valid_from when it changes; docs/audits.md gives the source.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


RELIANCE_RULES = [
    # valid_from, max_age_years, source
    (datetime.date(2017, 1, 1), 3,
     "Issue 14 (sustainable procurement): shared audits at most 3 years old; platform rule"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    RelianceRule = apps.get_model("evaluation", "RelianceRule")
    for valid_from, years, source in RELIANCE_RULES:
        RelianceRule.objects.get_or_create(valid_from=valid_from, defaults={
            "max_age_years": years, "source": source})
    CorrectiveAction = apps.get_model("evaluation", "CorrectiveAction")
    CorrectiveAction.objects.filter(status="closed", closed_via="").update(closed_via="note")


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("evaluation", "RelianceRule").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0014_audits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RelianceRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='legal source')),
                ('max_age_years', models.PositiveSmallIntegerField(verbose_name='maximum age of the audit (years)')),
            ],
            options={
                'verbose_name': 'audit reliance rule',
                'verbose_name_plural': 'audit reliance rules',
                'ordering': ['-valid_from'],
            },
        ),
        migrations.AddField(
            model_name='correctiveaction',
            name='closed_via',
            field=models.CharField(blank=True, choices=[('note', 'Closed by the buyer with a note'), ('report', "Closed on the supplier's completion report")], max_length=8, verbose_name='closed'),
        ),
        migrations.AddField(
            model_name='correctiveaction',
            name='completion_answer',
            field=models.TextField(blank=True, max_length=20000, verbose_name="the buyer's answer to the report"),
        ),
        migrations.AddField(
            model_name='correctiveaction',
            name='completion_late',
            field=models.BooleanField(default=False, verbose_name='reported after the deadline'),
        ),
        migrations.AddField(
            model_name='correctiveaction',
            name='completion_report',
            field=models.TextField(blank=True, max_length=20000, verbose_name='completion report'),
        ),
        migrations.AddField(
            model_name='correctiveaction',
            name='completion_reported_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='correctiveaction',
            name='completion_reported_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='correctiveaction',
            name='status',
            field=models.CharField(choices=[('requested', "Awaiting the supplier's plan"), ('proposed', 'Plan proposed'), ('accepted', 'Plan accepted'), ('rejected', 'Plan rejected'), ('reported', 'Reported done, awaiting the buyer'), ('closed', 'Closed')], default='requested', max_length=12, verbose_name='status'),
        ),
        migrations.RunPython(seed, unseed),
    ]
