from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from reports.importing.jsonfile import read_report_json
from reports.services import save_values
from reports.writing import How, writing
from reports.values import ValuesError

from ._common import find_organisation, report_to_overwrite


class Command(BaseCommand):
    help = "从 JSON 文件（spec/examples 的格式）读入一份年度报告的数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON 文件")
        parser.add_argument("--org", required=True, help="机关全称或简称")
        parser.add_argument("--year", type=int, help="报告年度（默认取文件中的 year）")
        parser.add_argument("--replace", action="store_true", help="覆盖该机关该年度已有草稿的数据")

    def handle(self, *args, file, org, year, replace, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"找不到文件 {path}。") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} 不是 UTF-8 编码的文本文件。") from None
        try:
            data, values = read_report_json(text)
        except ValuesError as exc:
            raise CommandError(f"{path}：{exc}") from None
        organisation = find_organisation(org)
        year = year or data.get("year")
        if not isinstance(year, int) or not 2008 <= year <= 2100:
            raise CommandError("请用 --year 指定报告年度（文件中没有有效的 year）。")

        with transaction.atomic():
            report = report_to_overwrite(organisation, year, format_version=values.format_version, replace=replace)
            with writing(report, by=None, how=How.COMMAND) as report:
                save_values(report, values, prose="prose" in data)
        blanks = len(values.blank_cells())
        self.stdout.write(self.style.SUCCESS(
            f"已读入 {report.title}" + (f"（{blanks} 个单元格为空）" if blanks else "")
        ))
