"""Store (or store again) each counted report's row for the county's sums (reports.county_sums)."""

from django.core.management import BaseCommand

from reports import county_sums
from reports.models import Report, ReportSums


class Command(BaseCommand):
    help = ("为已审核通过或已公开发布的报告预先存好汇总用的数据（部署后运行一次，省去省、市级汇总表首次打开时的计算）；"
            "加 --rebuild 则先删除已存的全部数据再重新计算。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只处理这一年度的报告")
        parser.add_argument("--rebuild", action="store_true", help="先删除已存的汇总用数据，全部重新计算")

    def handle(self, *args, year, rebuild: bool, **options):
        reports = Report.objects.filter(status__in=county_sums.COUNTED)
        if year:
            reports = reports.filter(year=year)
        if rebuild:
            ReportSums.objects.filter(report__in=reports).delete()
        have = set(ReportSums.objects.filter(layout=county_sums.LAYOUT).values_list("report_id", flat=True))
        stored = 0
        by_format: dict[str, list[int]] = {}
        for pk, version in reports.order_by("pk").values_list("pk", "format_version"):
            if pk not in have:
                by_format.setdefault(version, []).append(pk)
        for version, ids in by_format.items():
            stored += county_sums.store(ids, version)
        self.stdout.write(f"已存好 {stored} 份报告的汇总用数据（此前已存 {len(have)} 份）。")
