from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self) -> None:
        from . import carryover  # noqa: F401  (connects its section_saved receiver)
        from . import tallies  # noqa: F401  (an organisation's change makes its reports' counts stale)
        from . import recount  # noqa: F401  (with a worker, stale counts are counted soon after the change)
        from . import county_sums  # noqa: F401  (a report's change deletes its stored row for the county's sums)
        # Connects the report_published receiver that freezes the published HTML and PDF.
        from . import publishing  # noqa: F401
