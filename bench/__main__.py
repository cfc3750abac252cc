"""`python -m bench [NAME ...] [OPTIONS]`: run the named benchmarks, or all of them.

A benchmark is any module of this package with a `main(argv)` function; each writes its own
section of docs/performance.md. Discovering them keeps this dispatcher untouched when one is added.
Options after the names go to each named benchmark (`python -m bench plan --tenants 10000`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def benchmarks() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])]
    return sorted(n for n in names if not n.startswith("_")
                  and callable(getattr(importlib.import_module(f"bench.{n}"), "main", None)))


def main(argv: list[str]) -> int:
    available = benchmarks()
    split = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    names, options = argv[:split] or available, argv[split:]
    unknown = [n for n in names if n not in available]
    if unknown:
        sys.stderr.write(f"unknown benchmark(s): {', '.join(unknown)}; "
                         f"available: {', '.join(available)}\n")
        return 2
    for name in names:
        importlib.import_module(f"bench.{name}").main(options)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
