"""GitHub Actions workflow commands: one `::error file=…,line=…,col=…::` line per diagnostic,
which GitHub shows as an annotation on that line of the pull request's diff."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.diagnostics import Diagnostic


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    where = diagnostic.location
    props = []
    if where.file:
        props.append(f"file={_property(where.file)}")
        if where.line:
            props.append(f"line={where.line}")
            if where.col:
                props.append(f"col={where.col}")
    props.append("title=ses-reconciler")
    level = "warning" if diagnostic.severity == "warning" else "error"
    message = f"{diagnostic.path}: {diagnostic.message}" if diagnostic.path else diagnostic.message
    return f"::{level} {','.join(props)}::{_data(message)}"


def render_annotations(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(annotation(d) + "\n" for d in diagnostics)
