"""The climate and environment rule (FOA § 7-9) as dated rows, and its seed.

Two rows: the rule published 2024-01-01 to 2026-06-30, and the revised rule from 2026-07-01.
The declarations each allows are the codes of the Norwegian eForms code list
award-criterion-type (anskaffelser/eforms-sdk-nor) for the period, with its labels; the
minimum weight (30 %) and the "three most important criteria" are fields of the row.
docs/evaluation.md gives the source of each row.
"""

import datetime
from decimal import Decimal

from django.db import migrations, models


def _option(code, means, justification, label_en, label_nb, paragraph):
    return {"code": code, "means": means, "justification": justification,
            "label_en": label_en, "label_nb": label_nb, "paragraph": paragraph}


RULES = [
    {
        "valid_from": datetime.date(2024, 1, 1), "valid_to": datetime.date(2026, 6, 30),
        "source": "FOA § 7-9 (endret 2023, i kraft 1.1.2024); koder: eforms-sdk-nor "
                  "award-criterion-type.no.yaml",
        "options": [
            _option("quality-nor-env-criteria", "criteria", False,
                    "Quality – climate and environmental criteria",
                    "Kvalitet – klima- og miljøkriterium", "§ 7-9 (2)–(3)"),
            _option("quality-nor-env-spec", "spec", True,
                    "Quality – climate and environmental requirements in the specifications "
                    "(justified below)",
                    "Kvalitet – klima- og miljøkrav i kravspesifikasjonen (begrunnes under)",
                    "§ 7-9 (4)"),
            _option("quality-nor-env-none", "exempt", True,
                    "Quality – negligible climate footprint and environmental impact "
                    "(justified below)",
                    "Kvalitet – uvesentlig klimaavtrykk og miljøbelastning (begrunnes under)",
                    "§ 7-9 (5)"),
        ],
    },
    {
        "valid_from": datetime.date(2026, 7, 1), "valid_to": None,
        "source": "FOA § 7-9 revidert fra 1.7.2026; koder: eforms-sdk-nor "
                  "0002-environment-codes-july-2026; 30 %/3: EFORMS-NOR-NATIONAL-EC-R001D",
        "options": [
            _option("quality-nor-env-criteria", "criteria", False,
                    "Quality – climate and environmental considerations as award criterion",
                    "Kvalitet – klima- og miljøhensyn som tildelingskriterium", "§ 7-9"),
            _option("quality-nor-env-spec", "spec", True,
                    "Quality – climate and environmental requirements form part of the "
                    "specifications",
                    "Kvalitet – klima- og miljøkrav inngår som del av kravspesifikasjonen",
                    "§ 7-9"),
            _option("quality-nor-env-exempt-insignificant", "exempt", True,
                    "Exemption: negligible climate footprint and environmental impact",
                    "Unntak: anskaffelsen har uvesentlig klimaavtrykk og miljøbelastning",
                    "§ 7-9"),
            _option("quality-nor-env-exempt-critical-interest", "exempt", True,
                    "Exemption: essential interests of health, safety or emergency "
                    "preparedness",
                    "Unntak: vesentlige interesser innen helse, sikkerhet eller beredskap",
                    "§ 7-9"),
            _option("quality-nor-env-exempt-national-minimum", "exempt", True,
                    "Exemption: mandatory standardised minimum requirements for climate "
                    "footprint or environmental impact",
                    "Unntak: lovpålagte standardiserte minimumskrav til klimaavtrykk eller "
                    "miljøbelastning", "§ 7-9"),
        ],
    },
]


def seed(apps, schema_editor):
    ClimateRule = apps.get_model("evaluation", "ClimateRule")
    for row in RULES:
        ClimateRule.objects.create(min_value=Decimal("100000"), min_weight=Decimal("30"),
                                   top_priorities=3, **row)


def unseed(apps, schema_editor):
    apps.get_model("evaluation", "ClimateRule").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0002_lot_evaluation'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClimateRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='legal source')),
                ('min_value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='applies from (NOK, excl. VAT)')),
                ('min_weight', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='minimum weight of climate and environment (%)')),
                ('top_priorities', models.PositiveSmallIntegerField(verbose_name='or among this many most important criteria, where criteria are ranked')),
                ('options', models.JSONField(default=list, verbose_name='declarations allowed')),
            ],
            options={
                'ordering': ['-valid_from'],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
