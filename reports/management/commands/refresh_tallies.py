"""After a deploy that changed the rules: count every report's findings ahead of the county pages.

A rules release makes every stored count stale (tallies.stamp); the county dashboard counts the stale
reports it shows when it is first opened, which for a province of 20,000 organisations is most of a
minute. Run this once after `migrate` (the site can stay up: pages count whatever is still stale). Chunks of
reports are counted by one process a core (`--jobs`, default all of them; `--jobs 1` leaves the site its share
of the machine)."""

from django.core.management import BaseCommand, CommandError
from django.db.models import Q

from reports import tallies
from reports.models import Report
from reports.parallel import default_jobs, in_turn

CHUNK = 500  # reports counted and stored at a time (one bulk read, one bulk write), by one process of --jobs


class Command(BaseCommand):
    help = ("预先统计所有计数已过期的报告的错误、提示数（校验规则更新后部署时运行一次，省去报送进度页首次打开时的统计）。"
            "网站可照常运行。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只处理这一年度的报告")
        parser.add_argument("--jobs", type=int, default=default_jobs(),
                            help=f"同时统计的进程数，每个进程读取、校验并保存一批报告（默认 {default_jobs()}，即本机全部处理器核心）")

    def handle(self, *args, year: int | None, jobs: int, **options):
        if jobs < 1:
            raise CommandError("--jobs 至少为 1。")
        reports = Report.objects.filter(~Q(tally_stamp=tallies.stamp()) | Q(tally_errors__isnull=True))
        if year:
            reports = reports.filter(year=year)
        ids = list(reports.order_by("pk").values_list("pk", flat=True))
        done = 0
        # Each chunk is read again (tallies.refresh_ids): a report counted meanwhile by a page is not counted
        # twice. With several jobs, each worker process reads, checks and stores whole chunks.
        chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
        for i, counted in enumerate(in_turn(tallies.refresh_ids, chunks, jobs)):
            done += counted
            if len(ids) > CHUNK:
                self.stdout.write(f"已统计 {min((i + 1) * CHUNK, len(ids))} / {len(ids)} 份……")
        self.stdout.write(self.style.SUCCESS(f"已统计 {done} 份报告的检查结果数（计数已是最新的报告未重复统计）。"))
