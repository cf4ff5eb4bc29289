import json

from django.core.management import BaseCommand, CommandError

from reports.exports.data import report_to_json
from reports.models import Report

from ._common import find_organisation


class Command(BaseCommand):
    help = "以 JSON（spec/examples 的格式）输出一份年度报告的数据。"

    def add_arguments(self, parser):
        parser.add_argument("org", help="机关全称或简称")
        parser.add_argument("year", type=int, help="报告年度")
        parser.add_argument("--output", "-o", help="写入文件（默认输出到屏幕）")

    def handle(self, *args, org, year, output, **options):
        organisation = find_organisation(org)
        try:
            report = Report.objects.get(organisation=organisation, year=year)
        except Report.DoesNotExist:
            raise CommandError(f"{organisation.name}没有 {year} 年度的报告。") from None
        text = json.dumps(report_to_json(report), ensure_ascii=False, indent=1) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
