import json

from django.core.management import BaseCommand, CommandError

from reports.findings import acknowledgements, findings_for_report
from reports.models import Report
from reports.rules import SEVERITY_LABELS

from ._common import find_organisation



class Command(BaseCommand):
    help = "检查年度报告（如批量导入的报告），每条问题一行，带规则编号；发现错误时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="只检查这个机关（全称或简称）的报告")
        parser.add_argument("--year", type=int, help="只检查这一年度的报告")
        parser.add_argument("--json", action="store_true", dest="as_json", help="每行输出一个 JSON 对象（JSON Lines）")

    def handle(self, *args, org, year, as_json: bool, **options):
        reports = Report.objects.select_related("organisation").order_by("organisation__name", "year")
        if org:
            reports = reports.filter(organisation=find_organisation(org))
        if year:
            reports = reports.filter(year=year)
        errors = checked = 0
        for report in reports:
            checked += 1
            acks = acknowledgements(report)
            for f in findings_for_report(report):
                errors += f.severity == "error"
                acknowledged = f.severity == "warning" and f.key in acks
                if as_json:
                    self.stdout.write(_json_line(report, f.as_dict() | {"acknowledged": acknowledged}))
                else:
                    note = "（已确认）" if acknowledged else ""
                    self.stdout.write(
                        f"{report.organisation.name}\t{report.year}\t{f.rule}\t{SEVERITY_LABELS[f.severity]}{note}\t"
                        f"{','.join(f.cells)}\t{f.message}"
                    )
        summary = f"检查了 {checked} 份报告，发现 {errors} 个错误。"
        if errors:
            raise CommandError(summary, returncode=1)
        self.stderr.write(summary)


def _json_line(report: Report, finding: dict) -> str:
    row = {"report": report.pk, "org": report.organisation.name, "year": report.year, **finding}
    return json.dumps(row, ensure_ascii=False)
