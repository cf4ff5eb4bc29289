"""Counts are non-negative, blank stays blank, sums are derived, one report per organisation and year."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from reports.models import ApplicationRow, Organisation, ProactiveCell, Report, ReviewLitigationSection
from reports.services import create_report, save_values
from reports.values import ReportValues

from .conftest import complete_values, make_org

pytestmark = pytest.mark.django_db


def test_a_new_report_has_six_sections_and_every_table3_row_blank(township):
    report = create_report(township, 2024)
    assert report.applications.rows.count() == 24
    values = report.values()
    assert values.t3("new", "natural") is None
    assert values.t3("total", "total") is None
    assert len(values.blank_cells()) == 9 + 1 + 144 + 12
    for name in ("overview", "proactive", "applications", "review_litigation", "problems", "other_matters"):
        assert getattr(report, name).revision == 0


def test_the_database_refuses_a_negative_count(township):
    report = create_report(township, 2024)
    row = report.applications.rows.get(row="new")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationRow.objects.filter(pk=row.pk).update(natural=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewLitigationSection.objects.filter(report=report).update(review_pending=-3)
    save_values(report, complete_values())
    with pytest.raises(IntegrityError), transaction.atomic():
        ProactiveCell.objects.filter(section__report=report, key="fees_10k_yuan").update(amount=Decimal("-0.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProactiveCell.objects.filter(section__report=report, key="licensing").update(number=-(10**9))


def test_model_validation_refuses_a_negative_count_with_a_message(township):
    report = create_report(township, 2024)
    row = report.applications.rows.get(row="granted")
    row.legal = -2
    with pytest.raises(ValidationError) as err:
        row.full_clean()
    assert "legal" in err.value.message_dict
    row.legal = 100_000_000
    with pytest.raises(ValidationError):
        row.full_clean()


def test_saving_values_with_a_negative_is_refused_and_stores_nothing(township):
    report = create_report(township, 2024)
    values = complete_values()
    values.table3["carry_forward"]["social"] = -1
    with pytest.raises(ValidationError):
        save_values(report, values)
    assert report.values().t3("new", "natural") is None


def test_one_report_per_organisation_and_year(township):
    create_report(township, 2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        create_report(township, 2023)
    create_report(township, 2024)
    other = make_org("郇封镇人民政府")
    create_report(other, 2023)
    assert Report.objects.count() == 3


def test_blank_is_not_zero(township):
    report = create_report(township, 2024)
    values = report.values()
    values.table3["new"]["natural"] = 0
    save_values(report, values)
    stored = Report.objects.get(pk=report.pk).values()
    assert stored.t3("new", "natural") == 0
    assert stored.t3("new", "commercial") is None
    assert stored.t3("new", "total") == 0  # the sum of what is filled in
    assert stored.t4("review", "total") is None
    assert "table3.new.natural" not in stored.blank_cells()
    assert "table3.new.commercial" in stored.blank_cells()


def test_derived_sums_equal_the_sums_of_the_entered_cells(township):
    values = complete_values()
    values.table3["new"].update(natural=3, commercial=1, research=2, social=0, legal=5, other_org=1)
    values.table3["denied_4"].update(natural=1, legal=2)
    values.table3["other_3"].update(natural=4)
    values.table4["litigation_direct"].update(maintained=2, corrected=1, other=0, pending=4)
    report = create_report(township, 2024)
    save_values(report, values)
    v = Report.objects.get(pk=report.pk).values()
    assert v.t3("new", "total") == 12
    for col in ("natural", "commercial", "research", "social", "legal", "other_org", "total"):
        expected = sum(v.t3(r.code, col) or 0 for r in v.format.table3.result_rows)
        assert v.t3("total", col) == expected
    assert v.t3("total", "natural") == 2 + 1 + 4
    assert v.t3("total", "total") == sum(v.t3("total", c.code) for c in v.format.table3.entered_columns)
    assert v.t4("litigation_direct", "total") == 7
    assert v.litigation_total() == 7
    assert v.t3_group("（三）不予公开", "total") == 3


def test_fee_keeps_the_decimals_it_was_entered_with(township):
    report = create_report(township, 2024)
    for text in ("0", "96171.6", "24252.311082", "9116.36", "12.50"):
        values = report.values()
        values.table2["fees_10k_yuan"] = Decimal(text)
        save_values(report, values)
        assert str(Report.objects.get(pk=report.pk).values().table2["fees_10k_yuan"]) == text


def test_organisation_knows_rulemaking_power_and_deadline(county, township):
    assert not township.has_rulemaking_power
    assert make_org("焦作市人民政府", Organisation.Kind.CITY_GOV).has_rulemaking_power
    assert str(township.deadline(2023)) == "2024-01-31"
    assert township.ancestors() == [county]


def test_report_title_follows_the_convention(report):
    assert report.title == "西村乡人民政府2023年政府信息公开工作年度报告"
    assert report.signed_by == "西村乡人民政府"


def test_values_round_trip_through_the_models_unchanged(township):
    values = complete_values()
    report = create_report(township, 2024)
    save_values(report, values)
    again = Report.objects.get(pk=report.pk).values()
    assert again.to_json_dict() == values.to_json_dict()
    assert again.prose == values.prose


def test_reading_values_takes_a_constant_number_of_queries(report, django_assert_max_num_queries):
    fresh = Report.objects.select_related(
        "organisation", "overview", "proactive", "applications", "review_litigation", "problems", "other_matters"
    ).get(pk=report.pk)
    with django_assert_max_num_queries(2):  # 表三's rows and 表二's cells
        fresh.values()
    assert connection.vendor in ("sqlite", "postgresql")


def test_an_organisation_cannot_be_its_own_ancestor(county, township):
    county.parent = township
    with pytest.raises(ValidationError) as err:
        county.full_clean()
    assert "上级机关不能是本机关或其下级机关" in str(err.value)
    Organisation.objects.filter(pk=county.pk).update(parent=township)  # as a raw update could
    township.refresh_from_db()
    assert township.ancestors() == [Organisation.objects.get(pk=county.pk)]  # and no endless loop
