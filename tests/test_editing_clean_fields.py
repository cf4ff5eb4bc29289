"""The section forms clean their cells without a BoundField per field (SectionForm._clean_fields): the same
cleaned data and the same errors, cell for cell, as Django's own Form._clean_fields, for every section of both
formats and whatever a clerk (or a script) posts."""

from __future__ import annotations

import copy
import random
import types

import pytest
from django import forms
from django.http import QueryDict

from reports.forms import SECTION_FORMS

from .conftest import make_report

pytestmark = pytest.mark.django_db

TYPED = ["", " ", "0", "12", "１２", "1,234", "12,345,678", "-3", "1.5", "abc", "一百", "\u30007", "99999999999",
         "0.01", "12.345", "1e3", "٣", "\x00", "<b>", "x" * 3000, "第一条。" * 40, "None"]


def posts(rng: random.Random, texts: dict[str, str], n: int) -> list[QueryDict]:
    """The stored texts with some cells typed over, some left out, some sent twice, stray keys added."""
    out = []
    for _ in range(n):
        rate = rng.choice([0, 0.02, 0.3])  # a clean post, a slip or two, a mess
        data = QueryDict(mutable=True)
        for key, text in texts.items():
            roll = rng.random()
            if roll < rate / 6:
                continue  # not sent at all
            data.setlist(key, [rng.choice(TYPED) if roll < rate else text]
                         + ([rng.choice(TYPED)] if rng.random() < rate / 10 else []))
        data["revision"] = rng.choice(["", "0", "3", "-1", "x"]) if rate else "3"
        if rng.random() < rate:
            data["stray.key"] = "1"
        out.append(data)
    return out


def outcome(form: forms.Form) -> tuple:
    form.is_valid()
    return form.cleaned_data, form.errors.get_json_data()


@pytest.mark.parametrize("version", ["2021", "2019"])
@pytest.mark.parametrize("section", sorted(SECTION_FORMS))
def test_the_cells_clean_as_djangos_loop_cleans_them(section, version):
    report = make_report(year=2023 if version == "2021" else 2020, format_version=version)
    cls = SECTION_FORMS[section]
    texts = cls.texts(report.values(), report)
    rng = random.Random(f"clean-{section}-{version}")
    errors = 0
    for data in posts(rng, texts, 60):
        ours = cls(report, data, rules=False)
        django_way = cls(report, data, rules=False)
        django_way._clean_fields = types.MethodType(forms.Form._clean_fields, django_way)
        got, expected = outcome(ours), outcome(django_way)
        assert got == expected
        errors += bool(got[1])
    assert 0 < errors < 60  # refused cells and clean posts are both among them


def test_a_disabled_field_is_read_from_its_initial_value_as_django_does(report):
    cls = SECTION_FORMS["applications"]
    data = QueryDict(mutable=True)
    data.update({**cls.texts(report.values(), report), "table3.new.natural": "999", "revision": "1"})
    form = cls(report, data, rules=False)
    # The cell fields are shared between forms (SectionForm._field_cache): this form gets its own copy to disable.
    form.fields["table3.new.natural"] = copy.deepcopy(form.fields["table3.new.natural"])
    form.fields["table3.new.natural"].disabled = True
    form.is_valid()
    assert form.cleaned_data["table3.new.natural"] == report.values().table3["new"]["natural"]  # not 999
