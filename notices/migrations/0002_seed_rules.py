"""Seed the procurement rules: thresholds and minimum deadlines (DESIGN.md, "Domain").

Amounts are NOK excluding VAT. The EEA thresholds are those in force from 2024-01-01
(forskrift om endring i anskaffelsesforskriften, terskelverdier 2024); staff add the next
period in the admin when it is announced, with its own valid_from.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import migrations

FROM_2024 = datetime.date(2024, 1, 1)
FROM_2017 = datetime.date(2017, 1, 1)

THRESHOLDS = [
    # kind, buyer_type, category, amount, valid_from, source
    ("floor", "", "", "100000", FROM_2017, "FOA § 5-1 (1)"),
    ("national", "", "", "1300000", FROM_2024, "FOA § 5-1 (2)"),
    ("eea", "state", "goods_services", "1490000", FROM_2024, "FOA § 5-3 (1) a"),
    ("eea", "other", "goods_services", "2300000", FROM_2024, "FOA § 5-3 (1) b"),
    ("eea", "", "works", "57800000", FROM_2024, "FOA § 5-3 (1) c"),
    ("eea", "", "social", "7800000", FROM_2024, "FOA § 5-3 (2)"),
    ("eea", "utilities", "goods_services", "4600000", FROM_2024, "FOSA § 5-3 (1) a"),
    ("eea", "utilities", "works", "57800000", FROM_2024, "FOSA § 5-3 (1) b"),
    ("eea", "utilities", "social", "10400000", FROM_2024, "FOSA § 5-3 (2)"),
]

DEADLINES = [
    # regime, procedure_type, phase, days, reduced_days, source
    ("part3", "open", "tender", 30, 15, "FOA § 20-1"),
    ("part3", "restricted", "request", 30, 15, "FOA § 20-2 (1)"),
    ("part3", "restricted", "tender", 25, 10, "FOA § 20-2 (2)"),
    ("part3", "neg-w-call", "request", 30, 15, "FOA § 20-3 (1)"),
    ("part3", "neg-w-call", "tender", 25, 10, "FOA § 20-3 (2)"),
    ("part3", "comp-dial", "request", 30, None, "FOA § 20-4"),
    ("part3", "innovation", "request", 30, None, "FOA § 20-5"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Threshold = apps.get_model("notices", "Threshold")
    DeadlineRule = apps.get_model("notices", "DeadlineRule")
    for kind, buyer_type, category, amount, valid_from, source in THRESHOLDS:
        Threshold.objects.get_or_create(kind=kind, buyer_type=buyer_type, category=category,
                                        valid_from=valid_from,
                                        defaults={"amount": Decimal(amount), "source": source})
    for regime, procedure, phase, days, reduced, source in DEADLINES:
        DeadlineRule.objects.get_or_create(
            regime=regime, procedure_type=procedure, phase=phase, valid_from=FROM_2017,
            defaults={"days": days, "reduced_days": reduced, "source": source})


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("notices", "Threshold").objects.all().delete()
    apps.get_model("notices", "DeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
