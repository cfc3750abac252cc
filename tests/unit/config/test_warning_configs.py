"""Lint warnings under tests/data/configs/warnings/: said with file, line and path, never fatal.

Each case states `# warn: line N at PATH: MESSAGE`; it passes when the config loads and
exactly those warnings come back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.config.load import load

ROOT = Path(__file__).resolve().parents[3]
WARNINGS = ROOT / "tests" / "data" / "configs" / "warnings"
CASES = sorted(p.name for p in WARNINGS.iterdir())
WARN = re.compile(r"#\s*warn: line (\d+) at (.+?): (.+)$")


def _expected(case: Path) -> list[tuple[int, str, str]]:
    return [(int(m.group(1)), m.group(2), m.group(3)) for m in
            (WARN.match(line.strip()) for line in case.read_text().splitlines()) if m]


@pytest.mark.parametrize("name", CASES)
def test_a_lint_case_loads_with_exactly_the_expected_warnings(name: str) -> None:
    case = WARNINGS / name
    expected = _expected(case)
    assert expected, f"{name} states no warning"
    found = load(case).warnings
    assert all(d.severity == "warning" and d.location.file == case.as_posix() for d in found)
    got = [(d.location.line, d.path, d.message) for d in found]
    assert len(got) == len(expected), "\n".join(map(str, found))
    for line, path, message in expected:
        assert any((n, p) == (line, path) and message in m for n, p, m in got), (
            f"not warned: line {line} at {path}: {message}\n" + "\n".join(map(str, found)))


def test_the_example_config_has_no_warnings() -> None:
    assert load(ROOT / "configs" / "example").warnings == ()
