"""`purge_jobs` deletes the rows of background tasks that ended (or were abandoned) long ago.

Every job that ends well also deletes those older than KEPT_DAYS (reports.tasks.run_job), so a site whose
tasks run needs no cron for it; this command is for another number of days, a dry run, or a quiet site.

A finished job's row holds what its page shows (a bulk import's previews with their signed tokens, which
expire after a day; a publication's link) and nothing else: the report, its versions, events and
publications are kept elsewhere and never touched here. Queued or running jobs that still show progress
are never deleted.
"""

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from reports.models.jobs import KEPT_DAYS, purgeable


class Command(BaseCommand):
    help = ("删除早已结束（或已无进展）的后台任务记录及其上传的文件。报告、版本、操作记录和公开文件不受影响；"
            "仍在进行的任务不会被删除。")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=KEPT_DAYS,
                            help=f"删除结束（或最后进展）超过 N 天的任务，默认 {KEPT_DAYS}")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要删除的任务数，不删除")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 1:
            raise CommandError("--days 至少为 1：刚结束的任务，其页面可能还有人在看。")
        jobs = purgeable(days, timezone.now())
        count = jobs.count()
        if dry_run:
            self.stdout.write(f"将删除 {count} 项结束或无进展超过 {days} 天的后台任务。")
            return
        jobs.delete()  # their uploaded files (JobFile) go with them
        self.stdout.write(self.style.SUCCESS(f"已删除 {count} 项结束或无进展超过 {days} 天的后台任务。"))
