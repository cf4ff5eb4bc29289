"""Signals that let one part of gkportal react to another without importing it.

- section_saved(sender=Report, report, section, by): after an editor's save of one section, inside its
  transaction (the carry-over part drops the marks of edited text; reports.writing keeps the version);
  also with section="" after a write by command, admin or county prefill (reports.writing), which may
  have changed any prose.
- report_published(sender=Report, report, by, correction_note): inside the publish transaction
  (the rendering part freezes the HTML and PDF; an exception rolls the publication back).
- counts_stale(sender=Report, report, following_only=False, touched=None): the report's values, marks or
  acknowledgements changed (or, following_only, its state changed), so its stored finding counts and
  next year's (which compare with it) are stale (reports.tallies); `touched`, a time: its data was written
  then (reports.writing), and its `updated_at` is set to it by the same statement.
"""

from django.dispatch import Signal

section_saved = Signal()
report_published = Signal()
counts_stale = Signal()
