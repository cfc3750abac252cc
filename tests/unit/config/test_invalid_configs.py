"""One invalid config per failure mode under tests/data/configs/invalid/.

Each case states what it expects in comments, `# expect: line N at PATH: MESSAGE`, in the file the
error must point at. A case passes when the loader reports exactly those problems (file, line,
path, message) and nothing else, all in one run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.config.load import load_desired
from reconciler.diagnostics import Diagnostic
from reconciler.errors import ConfigError

INVALID = Path(__file__).resolve().parents[2] / "data" / "configs" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir())
EXPECT = re.compile(r"#\s*expect: line (\d+)(?: at (.+?))?: (.+)$")


def expectations(case: Path) -> list[tuple[str, int, str, str]]:
    files = sorted(case.rglob("*.yaml")) if case.is_dir() else [case]
    found = []
    for file in files:
        for line in file.read_text().splitlines():
            match = EXPECT.match(line.strip())
            if match:
                message = match.group(3).replace("{dir}", case.as_posix())
                found.append((file.as_posix(), int(match.group(1)), match.group(2) or "", message))
    return found


def matches(diagnostic: Diagnostic, expected: tuple[str, int, str, str]) -> bool:
    file, line, path, message = expected
    loc = diagnostic.location
    return (loc.file, loc.line, diagnostic.path) == (file, line, path) and message in str(
        diagnostic.message)


def test_there_are_at_least_thirty_failure_modes() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", CASES)
def test_invalid_config_reports_exactly_the_expected_problems(name: str) -> None:
    case = INVALID / name
    expected = expectations(case)
    assert expected, f"{name} states no expectation"
    with pytest.raises(ConfigError) as caught:
        load_desired(case)
    found = list(caught.value.diagnostics)
    missing = [e for e in expected if not any(matches(d, e) for d in found)]
    assert not missing, f"not reported: {missing}\nreported:\n" + "\n".join(map(str, found))
    assert len(found) == len(expected), "unexpected extra problems:\n" + "\n".join(map(str, found))
