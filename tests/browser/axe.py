"""axe-core in the browser tests: the engine ships in the axe-playwright-python wheel (PyPI), so no
download happens at test time; we inject it ourselves and keep our own report of what it finds."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import axe_playwright_python

# What GB/T 37668-2019 asks of a web page is WCAG 2.1 A and AA; best practices are reported too.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")


@cache
def _axe_source() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    page.evaluate(_axe_source())
    # The draft watermark is decoration (aria-hidden, WCAG 1.4.3 exempts it): faint on purpose.
    result = page.evaluate("options => axe.run({exclude: ['.doc-watermark']}, options)",
                           {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return result["violations"]


def describe(url: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                            for n in v["nodes"][:4])
        lines.append(f"{url}: {v['impact']} {v['id']} ({len(v['nodes'])}): {v['help']} — {targets}")
    return lines


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]
