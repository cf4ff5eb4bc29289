"""After a deploy that changed the rules: count every report's findings ahead of the county pages.

A rules release makes every stored count stale (tallies.stamp); the county dashboard counts the stale
reports it shows when it is first opened, which for a province of 20,000 organisations is most of a
minute. Run this once after `migrate` (the site can stay up: pages count whatever is still stale)."""

from django.core.management import BaseCommand
from django.db.models import Q

from reports import tallies
from reports.models import Report

CHUNK = 500  # reports counted and stored at a time (one bulk read, one bulk write)


class Command(BaseCommand):
    help = ("预先统计所有计数已过期的报告的错误、提示数（校验规则更新后部署时运行一次，省去报送进度页首次打开时的统计）。"
            "网站可照常运行。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只处理这一年度的报告")

    def handle(self, *args, year: int | None, **options):
        reports = Report.objects.filter(~Q(tally_stamp=tallies.stamp()) | Q(tally_errors__isnull=True))
        if year:
            reports = reports.filter(year=year)
        ids = list(reports.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), CHUNK):
            # refresh_stale reads each chunk again: a report counted meanwhile by a page is not counted twice.
            done += tallies.refresh_stale(Report.objects.filter(pk__in=ids[start:start + CHUNK]))
            if len(ids) > CHUNK:
                self.stdout.write(f"已统计 {min(start + CHUNK, len(ids))} / {len(ids)} 份……")
        self.stdout.write(self.style.SUCCESS(f"已统计 {done} 份报告的检查结果数（计数已是最新的报告未重复统计）。"))
