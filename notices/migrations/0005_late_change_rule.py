"""The late-change period as a dated rule row, and the deadline for requests to participate.

Seeded rule (DESIGN.md principle 4, "rules are data"): documents changed, or answers
published, less than 6 days before the deadline for tenders (4 in a shortened procedure)
should come with a longer deadline. In Part III this is the regulation's own rule (FOA
chapter 20, from directive 2014/24/EU art. 47 (3) a: additional information requested in good
time must be supplied at the latest six days, four in an accelerated procedure, before the
deadline, or the deadline is extended). Parts I and II set no such number; the platform uses the
same period there as guidance, so their row is marked as such. Staff change or add rows in the
admin with their own valid_from.
"""

from __future__ import annotations

import datetime

from django.db import migrations, models

FROM_2017 = datetime.date(2017, 1, 1)

LATE_CHANGE = [
    # regime ("" = any regime without a row of its own), days, reduced_days, source
    ("part3", 6, 4, "FOA ch. 20; directive 2014/24/EU art. 47 (3) a"),
    ("", 6, 4, "guidance: Parts I and II set no period; LOA § 4 equal treatment"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    LateChangeRule = apps.get_model("notices", "LateChangeRule")
    for regime, days, reduced, source in LATE_CHANGE:
        LateChangeRule.objects.get_or_create(
            regime=regime, valid_from=FROM_2017,
            defaults={"days": days, "reduced_days": reduced, "source": source})


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("notices", "LateChangeRule").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0004_following_questions'),
    ]

    operations = [
        migrations.CreateModel(
            name='LateChangeRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('regime', models.CharField(blank=True, choices=[('below', 'Below NOK 100,000 (no duty to announce)'), ('part1', 'Part I (below the national threshold)'), ('part2', 'Part II (national procedure)'), ('part3', 'Part III (EEA procedure)')], max_length=8, verbose_name='regime')),
                ('days', models.PositiveSmallIntegerField(verbose_name='days before the deadline for tenders')),
                ('reduced_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='days before the deadline in a shortened procedure')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='legal source')),
            ],
            options={
                'ordering': ['regime', '-valid_from'],
            },
        ),
        migrations.AddField(
            model_name='notice',
            name='request_deadline',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deadline for requests to participate'),
        ),
        migrations.RunPython(seed, unseed),
    ]
