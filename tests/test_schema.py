"""The JSON Schema for editors: generated from the models, committed, pointed to by every content file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import tomli

from game import model
from game.cli import main
from game.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "content.schema.json"
SHIPPED = sorted((ROOT / "content").rglob("*.toml")) + sorted((ROOT / "docs" / "example-pack").rglob("*.toml"))


def _validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "") -> list[str]:
    """A small JSON Schema checker for the keywords the generated schema uses."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _validate(value, root["$defs"][name], root, path)
    if "anyOf" in schema:
        branches = [_validate(value, option, root, path) for option in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{path}: matches no allowed form"]
    errors: list[str] = []
    kind = schema.get("type")
    checks = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str) or (schema.get("format") == "date" and isinstance(value, dt.date)),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }
    if kind is not None and not checks[kind]:
        return [f"{path}: expected {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: not one of {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: does not match {schema['pattern']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: too long")
    if checks["number"]:
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: above {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        for i, item in enumerate(value):
            errors += _validate(item, schema.get("items", {}), root, f"{path}[{i}]")
    if isinstance(value, dict) and kind == "object":
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing {key}")
        for key, item in value.items():
            if key in properties:
                errors += _validate(item, properties[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unknown field {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += _validate(item, schema["additionalProperties"], root, f"{path}.{key}")
    return errors


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(schema_text())
    return result


def test_committed_schema_matches_the_models() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "docs/content.schema.json is out of date: run `redline schema > docs/content.schema.json`"
    )


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"].startswith("https://json-schema.org/")
    assert set(printed["properties"]) == set(model.field_names(model.ContentFile))


def test_schema_describes_every_field_of_every_model(schema: dict[str, Any]) -> None:
    for cls in model.FORMAT_MODELS:
        name = cls.__name__
        if cls is model.ContentFile:
            continue
        definition = schema["$defs"][name]
        assert set(definition["properties"]) == set(model.field_names(cls)), name
        assert definition["additionalProperties"] is False, f"{name} must reject unknown fields"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_content_files_point_editors_to_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"#:schema (\S+)", first)
    assert match, f"{path.name} must start with a '#:schema' line"
    assert (path.parent / match.group(1)).resolve() == COMMITTED.resolve()


@pytest.mark.parametrize("path", SHIPPED + sorted((ROOT / "tests" / "fixtures" / "mini").rglob("*.toml")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_schema_accepts_real_content(schema: dict[str, Any], path: Path) -> None:
    data = tomli.loads(path.read_text(encoding="utf-8"))
    assert _validate(data, schema, schema) == []


def test_schema_flags_what_an_editor_should_underline(schema: dict[str, Any]) -> None:
    data = tomli.loads(
        '[[event]]\nid = "Bad Id"\ntitle = "T"\nbrief = "B"\nweight = true\n'
        '[[event.choice]]\nid = "a"\nlabel = "A"\nposture = 9\nlable = "typo"\n'
    )
    errors = _validate(data, schema, schema)
    assert any("event[0].id" in e and "does not match" in e for e in errors)
    assert any("event[0].weight" in e for e in errors)
    assert any("posture" in e and "above 3" in e for e in errors)
    assert any("unknown field lable" in e for e in errors)


def test_every_class_of_the_format_is_listed() -> None:
    defined = {cls for cls in vars(model).values()
               if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__}
    assert defined - {model.Limits, model.Exact} == set(model.FORMAT_MODELS)
