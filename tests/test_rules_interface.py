"""The rules module's interface: findings carry rule id, severity, cells, both sides and a message."""

from reports.rules import Finding, check, gate

from .conftest import complete_values


def test_balanced_report_has_no_balance_finding():
    assert [f for f in check(complete_values()) if f.rule == "T3-BAL"] == []


def test_unbalanced_column_is_an_error_naming_both_sides():
    values = complete_values()
    values.table3["carry_forward"]["natural"] = 1  # 4 + 0 ≠ 2 + 1
    findings = [f for f in check(values) if f.rule == "T3-BAL"]
    assert [f.cells[0] for f in findings] == ["table3.new.natural", "table3.new.total"]
    finding = findings[0]
    assert finding.severity == "error"
    assert finding.message.startswith("第（七）项总计（自然人）为 2，但 一+二−四 = 3")
    assert (finding.left, finding.right) == (4, 3)
    assert "table3.carry_forward.natural" in finding.cells


def test_gate_blocks_errors_and_unacknowledged_warnings():
    error = Finding("T3-BAL", "error", "x", ("a",))
    warning = Finding("N-S1-LEN", "warning", "y", ("prose.overview",))
    info = Finding("T2-SCOPE", "info", "z")
    assert gate([error, warning, info]) == [error, warning]
    assert gate([error, warning, info], {warning.key}) == [error]
