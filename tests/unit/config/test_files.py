"""Finding and reading config files: directories, encodings, limits."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from reconciler.config import load as load_module
from reconciler.config import yaml_loader
from reconciler.config.load import load, load_desired, load_desired_texts
from reconciler.errors import ConfigError


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def messages(err: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return [str(d) for d in err.value.diagnostics]


def test_a_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path, {"b/t.yml": "tenants: {B: {}}\n", "a.yaml": "tenants: {A: {}}\n",
                     "notes.txt": "tenants: {", ".hidden/x.yaml": "tenants: {", "README.md": "x"})
    loaded = load(tmp_path)
    assert loaded.files == ((tmp_path / "a.yaml").as_posix(), (tmp_path / "b/t.yml").as_posix())
    assert sorted(loaded.desired.tenants) == ["A", "B"]


def test_a_single_file_can_be_loaded(tmp_path: Path) -> None:
    write(tmp_path, {"one.yaml": "tenants: {A: {}}\n"})
    assert list(load_desired(tmp_path / "one.yaml").tenants) == ["A"]


def test_a_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_desired(tmp_path / "nope")
    assert messages(err) == [f"{tmp_path / 'nope'}: no such file or directory"]


def test_a_directory_without_yaml_files_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_desired(tmp_path)
    assert "no *.yaml or *.yml files found" in messages(err)[0]


def test_a_file_that_is_not_utf8_is_reported_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"tenants:\n  \xff\xfe: {}\n")
    with pytest.raises(ConfigError) as err:
        load_desired(tmp_path)
    assert messages(err) == [f"{(tmp_path / 'bad.yaml').as_posix()}:1:1: not UTF-8 text: "
                             "invalid start byte"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_FILE_BYTES", 1024)
    write(tmp_path, {"big.yaml": "tenants:\n" + "  # padding\n" * 200})
    with pytest.raises(ConfigError) as err:
        load_desired(tmp_path)
    assert messages(err) == [f"{(tmp_path / 'big.yaml').as_posix()}:1:1: file is larger than "
                             "the 1024 bytes limit"]


def test_an_in_memory_text_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_loader, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    with pytest.raises(ConfigError) as err:
        load_desired_texts({"big.yaml": "#" * (3 * 1024 * 1024)})
    assert messages(err) == ["big.yaml:1:1: file is larger than the 2 MiB limit"]


def test_problems_in_several_files_are_all_reported_in_one_run() -> None:
    files = {"a.yaml": "tenants:\n  A: {tier: nope}\n", "b.yaml": "tenants:\n  B: {protect: 1}\n",
             "c.yaml": "settings: [\n"}
    with pytest.raises(ConfigError) as err:
        load_desired_texts(files)
    assert [d.location.file for d in err.value.diagnostics] == ["a.yaml", "b.yaml", "c.yaml"]


def test_loading_restores_the_garbage_collector_state() -> None:
    assert gc.isenabled()
    load_desired_texts({"a.yaml": "tenants: {A: {}}\n"})
    assert gc.isenabled()
