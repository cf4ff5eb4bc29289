"""Everything gkportal writes out of a report, in one place.

- `document`: the official-format HTML and the PDF made from it (WeasyPrint);
- `word`: the same document as .docx;
- `excel`: one report as a workbook to fill offline, and many reports for analysts;
- `county_excel`: the county's consolidated tables;
- `data`: the JSON of spec/examples and the published JSON and CSV.

Reading documents in is `reports.importing`'s; nothing there writes.
"""
