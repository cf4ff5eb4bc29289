"""For cron: `send_reminders --days 7` emails the drafters whose report is due in 7 days and not yet submitted."""

from django.core.management import BaseCommand, CommandError
from django.core.mail import get_connection
from django.utils import timezone

from reports import tasks
from reports.county import reporting_year
from reports.reminders import due_reminders, send_reminder


class Command(BaseCommand):
    help = (
        "向年报截止日期前第 N 天仍未提交（尚未创建、草稿或已退回）的机关的填报人发送提醒邮件。"
        "同一机关同一天只发一次，可放心重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True, help="截止日期前第几天发送（0 表示截止当天）")
        parser.add_argument("--year", type=int, help="报告年度，默认为上一年")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不发送")
        parser.add_argument("--background", action="store_true",
                            help="交给后台任务发送（配置了 GKPORTAL_REDIS_URL 时由 worker 发送），本命令立即返回")

    def handle(self, *args, days: int, year: int | None, dry_run: bool, background: bool = False, **options):
        if days < 0:
            raise CommandError("--days 不能为负数：提醒在截止日期之前（或当天）发送。")
        today = timezone.localdate()
        year = year or reporting_year(today)
        if background and not dry_run:
            job = tasks.start(tasks.create_reminders_job(year=year, days=days, today=today))
            self.stdout.write(f"已交给后台任务 #{job.pk}（{job.get_status_display()}）。")
            return
        reminders = due_reminders(year, days, today)
        if not reminders:
            self.stdout.write(f"{today:%Y-%m-%d}：没有需要提醒的机关（{year}年度报告，截止日期前 {days} 天）。")
            return
        connection = get_connection()
        sent = 0
        for reminder in reminders:
            org = reminder.organisation.name
            if not reminder.recipients:
                self.stderr.write(f"未发送：{org}没有填写了电子邮件地址的填报人。")
            elif dry_run:
                self.stdout.write(f"将发送：{org}（{reminder.state_label}）→ {'、'.join(reminder.recipients)}")
            elif send_reminder(reminder, today, connection):
                sent += 1
                self.stdout.write(f"已发送：{org}（{reminder.state_label}）→ {'、'.join(reminder.recipients)}")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"共发送 {sent} 封提醒邮件。"))
