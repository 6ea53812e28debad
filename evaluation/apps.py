from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # The evaluation model is part of the notice: checked before publishing, and frozen
        # into every published version (and its diff) through the notices seams, so that
        # notices never imports evaluation.
        from evaluation.criteria.checks import publish_problems
        from evaluation.criteria.presentation import model_summary
        from evaluation.criteria.selectors import SNAPSHOT_KEY, snapshot_part
        from notices.fields import SnapshotPart, register_snapshot_part
        from notices.rules import publish_checks

        publish_checks.register(publish_problems)
        register_snapshot_part(SnapshotPart(
            name=SNAPSHOT_KEY, label=_("Evaluation model (award criteria and requirements)"),
            build=snapshot_part, display=model_summary))
        # evaluation.contract: an award notice's results per lot, frozen in its versions.
        from evaluation.contract.selectors import (
            AWARD_RESULTS_KEY,
            award_results_display,
            award_results_part,
        )

        register_snapshot_part(SnapshotPart(
            name=AWARD_RESULTS_KEY, label=_("Results per lot"), build=award_results_part,
            display=award_results_display))
        # The records of a procurement are retained (evaluation/protocol/retention.py).
        from evaluation.protocol import retention

        retention.connect()
        # The award-notice reminder task (evaluation/dashboard/tasks.py) registers itself.
        # The audits' notifications and corrective-action reminders (evaluation/audits).
        from evaluation.audits import tasks as audit_tasks  # noqa: F401
        from evaluation.dashboard import tasks  # noqa: F401

        # The criteria library's specification requirements and contract conditions.
        from evaluation.library import selectors as library
        from evaluation.statistics import tasks as statistics_tasks  # noqa: F401

        register_snapshot_part(SnapshotPart(
            name=library.SNAPSHOT_KEY,
            label=_("Sustainability requirements and contract conditions"),
            build=library.snapshot_part, display=library.clauses_summary))
        # Ethical trade (evaluation/ethics): the chosen terms are part of every published
        # version; the follow-up reminders register their task.
        from evaluation.ethics import selectors as ethics
        from evaluation.ethics import tasks as ethics_tasks  # noqa: F401

        register_snapshot_part(SnapshotPart(
            name=ethics.SNAPSHOT_KEY, label=_("Contract terms for ethical trade"),
            build=ethics.snapshot_part, display=ethics.terms_display))
