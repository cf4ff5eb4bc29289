from pathlib import Path

from django.core.management import BaseCommand, CommandError

from reports.exports.word import render_docx
from reports.models import Report
from reports.publishing import latest_publication
from reports.exports.document import MissingFontsError, html_to_pdf_pages, is_draft, render_html

from ._common import find_organisation


class Command(BaseCommand):
    help = (
        "输出一份年度报告的正式文本：PDF、HTML、Word。已发布的报告输出发布时冻结的 PDF 和 HTML（逐字节相同）；"
        "未发布的报告按草稿生成，带“草稿”水印。"
    )

    def add_arguments(self, parser):
        parser.add_argument("org", help="机关全称或简称")
        parser.add_argument("year", type=int, help="报告年度")
        parser.add_argument("--pdf", metavar="FILE", help="写入 PDF 文件")
        parser.add_argument("--html", metavar="FILE", help="写入 HTML 文件（自带样式，可离线打开）")
        parser.add_argument("--docx", metavar="FILE", help="写入 Word 文件")

    def handle(self, *args, org, year, pdf, html, docx, **options):
        if not (pdf or html or docx):
            raise CommandError("请至少指定一个输出：--pdf 文件、--html 文件或 --docx 文件。")
        organisation = find_organisation(org)
        try:
            report = Report.objects.select_related("organisation").get(organisation=organisation, year=year)
        except Report.DoesNotExist:
            raise CommandError(f"{organisation.name}没有 {year} 年度的报告。") from None
        draft = is_draft(report)
        publication = None if draft else latest_publication(report)
        state = f"第{publication.number}版（已发布，冻结文本）" if publication else ("草稿" if draft else "正式文本")
        try:
            if publication is not None:
                html_text, pdf_bytes, pages = publication.html, bytes(publication.pdf), publication.pdf_pages
            else:
                html_text = render_html(report, draft=draft)
                pdf_bytes, pages = html_to_pdf_pages(html_text) if pdf else (b"", 0)
        except MissingFontsError as exc:
            raise CommandError(str(exc)) from None
        if pdf:
            self._write(pdf, pdf_bytes, f"PDF，{pages} 页")
        if html:
            self._write(html, html_text.encode("utf-8"), "HTML")
        if docx:
            self._write(docx, render_docx(report, draft=draft), "Word")
        self.stdout.write(self.style.SUCCESS(f"{report.title}：{state}"))

    def _write(self, path: str, data: bytes, what: str) -> None:
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from None
        self.stdout.write(f"已写入 {path}（{what}，{len(data):,} 字节）")
