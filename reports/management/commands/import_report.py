from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from reports.importing import ReadError, max_upload_bytes, read_document, too_large_message
from reports.importing.apply import mark_imported
from reports.importing.result import prose_name
from reports.findings import organisation_context
from reports.rules import RULE_INFO, check
from reports.services import save_values
from reports.writing import How, writing

from ._common import find_organisation, report_to_overwrite


class Command(BaseCommand):
    help = "导入一份已有的年度报告文档（.txt/.html/.docx/.pdf/.xlsx/.json），显示读到的内容和校验结果。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="报告文档")
        parser.add_argument("--org", required=True, help="机关全称或简称")
        parser.add_argument("--year", type=int, required=True, help="报告年度")
        parser.add_argument("--dry-run", action="store_true", help="只显示读到的内容和校验结果，不保存")
        parser.add_argument("--replace", action="store_true", help="覆盖该机关该年度已有草稿的数据")
        parser.add_argument("--year-as-given", action="store_true",
                            help="文档标题中的年度与 --year 不同时，仍按 --year 导入")
        parser.add_argument("--verbose-cells", action="store_true", help="逐个列出每个数及其在原文中的位置")

    def handle(self, *args, file, org, year, dry_run, replace, verbose_cells, year_as_given=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        size = path.stat().st_size
        if size > max_upload_bytes():
            raise CommandError(too_large_message(size))
        organisation = find_organisation(org)
        context = organisation_context(organisation, year)
        try:
            # Last year's report settles a 表二 row whose numbers ran together, where exactly one reading fits it.
            result = read_document(path.name, path.read_bytes(), previous=context.previous)
        except ReadError as exc:
            raise CommandError(f"{path}：{exc}") from None
        self._print(result, verbose_cells)
        findings = check(result.values, context) if result.ok else []
        other_year = result.year is not None and result.year != year
        if other_year:
            # The text's years are then right and --year wrong, more often than not: say that, not S-PERIOD.
            self.stdout.write(self.style.WARNING(
                f"注意：文档标题是 {result.year} 年度的报告，而 --year 是 {year}。是不是年度填错了？"
                f"应为 --year {result.year}？（文中年份与 --year 不同的提示未列出。）"))
            findings = [f for f in findings if f.rule != "S-PERIOD"]
        self.stdout.write(f"校验结果：{len(findings)} 项" if findings else "校验结果：通过")
        for f in findings:
            info = RULE_INFO.get(f.rule)
            self.stdout.write(f"  [{info.title if info else f.rule}] {f.message}（{f.rule}）")
        if not result.ok:
            unread = "".join(f"\n  {u.message}" for u in result.unread_rows)
            unread += "".join(f"\n  {o.message}" for o in result.open_rows)
            refusal = result.refusal()
            if result.choosable:  # no choosing here: the browser's preview offers the readings
                refusal = (f"有 {len(result.open_rows)} 行表格的数字连在一起，有不止一种读法都符合格式，为免存入猜测的数，"
                           "未导入。"
                           "请在网页的导入预览中对照原文选择读法，或把这一行的数字用制表符分开后重试。")
            raise CommandError(f"{path}：{refusal}{unread}")
        if other_year and not dry_run and not year_as_given:
            raise CommandError(f"未导入：文档是 {result.year} 年度的报告，--year 却是 {year}。请改正 --year；"
                               f"如确实要作为 {year} 年度导入，请加 --year-as-given。")
        if dry_run:
            self.stdout.write("（--dry-run：没有保存任何内容）")
            return
        self._save(organisation, year, result, replace)

    def _print(self, result, verbose_cells: bool) -> None:
        out = self.stdout.write
        out(f"文件：{result.filename}（{result.kind}）")
        if result.title:
            out(f"文档标题：{result.title}")
        cells = result.cells()
        entered = [c for c in cells if not c["derived"]]
        filled = [c for c in entered if c["value"] is not None]
        out(f"读到 {len(filled)} 个数，{len(entered) - len(filled)} 个单元格为空。")
        if verbose_cells:
            for c in cells:
                value = "空" if c["value"] is None else c["value"]
                out(f"  {c['name']} = {value}" + ("（合计）" if c["derived"] else f"  ← {c['where']}"))
        else:
            for c in entered:
                if c["value"] is not None and c["value"] != 0:
                    out(f"  {c['name']} = {c['value']}  ← {c['where']}")
        for d in result.differences():
            printed = "空" if d["printed"] is None else d["printed"]
            derived = "空" if d["derived"] is None else d["derived"]
            out(f"与原文合计不一致：{d['name']} 原文 {printed}，各项相加 {derived}（{d['where']}）")
        for b in result.blank_cells():
            out(f"空白：{b['name']}" + (f"（{b['where']}）" if b["where"] else ""))
        if result.prose_found:
            out("文字部分：" + "、".join(prose_name(result.values.format, k) for k in result.prose_found))
        if result.unread_rows:
            out(f"未能从原文读出的行（{len(result.unread_rows)} 行）：")
            for u in result.unread_rows:
                out(f"  {u.message}")
        if result.open_rows:
            out(f"有几种读法、无法确定的行（{len(result.open_rows)} 行）：")
            for o in result.open_rows:
                out(f"  {o.message}")
        for n in result.notes:
            label = {"error": "错误", "warning": "请核对", "info": "说明"}[n.severity]
            where = f"（{'、'.join(n.where[:8])}{' 等' if len(n.where) > 8 else ''}）" if n.where else ""
            out(f"[{label}] {n.message}{where}")

    def _save(self, organisation, year, result, replace: bool) -> None:
        values = result.values
        with transaction.atomic():
            report = report_to_overwrite(organisation, year, format_version=values.format_version, replace=replace,
                                         source="文档")
            with writing(report, by=None, how=How.COMMAND) as report:
                current = report.values().prose
                for name, text in current.items():
                    if name not in result.prose_found:
                        values.prose[name] = text
                save_values(report, values, prose=True)
                mark_imported(report, (result.signature_name, result.signature_date))
        self.stdout.write(self.style.SUCCESS(f"已导入 {report.title}"))
