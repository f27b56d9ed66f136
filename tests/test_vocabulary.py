"""vocabulary.py is the one description of the format and of the configuration: the pydantic
models (and their JSON Schema) and the fast paths without pydantic must all say what it says.

Each check of plain.py is compared with the pydantic annotation of the same field and with the
JSON Schema `metricspec schema` writes; a choice or a field added on one side only fails here
(the other tests would stay green: generated input rarely hits a new choice like `p95`).
"""

from __future__ import annotations

import copy
import sys
import typing
from pathlib import Path

import pytest

from metricspec import config, config_model, model, plain
from metricspec import vocabulary as v

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [(cls, getattr(model, cls.__name__)) for cls in plain.CLASSES]
IDS = [cls.__name__ for cls in plain.CLASSES]
SCHEMA = model.json_schema()


def _choices_of(annotation) -> tuple | None:
    """The values of the Literal inside Optional[...] / Annotated[...], or None if there is none."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Literal:
            return typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union:
            (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        else:
            return None


def _schema_enum(node) -> list | None:
    """The `enum` (or `const`) of a property of the JSON Schema, wherever its anyOf puts it."""
    if "enum" in node:
        return node["enum"]
    if "const" in node:
        return [node["const"]]
    for option in node.get("anyOf", []):
        found = _schema_enum(option)
        if found is not None:
            return found
    return None


def _plan(cls):
    return {name: (default, check, required) for name, default, check, required in plain._PLAN[cls]}


@pytest.mark.parametrize("light, schema", PAIRS, ids=IDS)
def test_both_sides_have_the_vocabularys_fields_in_order_with_its_defaults(light, schema):
    names = [field.name for field in v.CLASSES[light.__name__]]
    assert list(light.model_fields) == list(schema.model_fields) == list(_plan(light)) == names
    published = SCHEMA["$defs"].get(light.__name__, SCHEMA)
    assert list(published["properties"]) == names
    for name, (default, _, required) in _plan(light).items():
        assert required == schema.model_fields[name].is_required() == (name in published.get("required", [])), name
        if required:
            continue
        expected = schema.model_fields[name].get_default(call_default_factory=True)
        if isinstance(expected, list):
            assert default is plain._LIST and expected == [], name
        else:
            assert default == expected == published["properties"][name]["default"], name


def test_the_node_base_classes_agree():
    assert list(plain._Node.model_fields) == list(model._Node.model_fields) == [field.name for field in v.NODE]


@pytest.mark.parametrize("light, schema", PAIRS, ids=IDS)
def test_every_choice_is_the_same_for_plain_pydantic_and_the_json_schema(light, schema):
    properties = SCHEMA["$defs"][light.__name__]["properties"] if light is not plain.Document else SCHEMA["properties"]
    for name, (_, check, _) in _plan(light).items():
        pydantic_choices = _choices_of(schema.model_fields[name].annotation)
        if name == "metricspec":  # the version: `"1"` is read as 1 before the Literal[1] sees it
            assert pydantic_choices == (1,) and _schema_enum(properties[name]) == [1]
            continue
        plain_choices = getattr(check, "choices", None)
        assert (plain_choices is None) == (pydantic_choices is None), name
        if plain_choices is None:
            continue
        field = next(field for field in v.CLASSES[light.__name__] if field.name == name)
        assert set(plain_choices) == set(pydantic_choices) == set(field.choices), name
        assert _schema_enum(properties[name]) == list(pydantic_choices) == list(field.choices), name


def test_each_choice_takes_the_fast_path_and_comes_out_as_pydantic_makes_it():
    """Every choice of every field, and `p95`, which is none: the fast path takes exactly the
    choices (else it leaves the value to pydantic), and pydantic makes the same of them."""
    metric = {"id": "m", "name": "M", "target": {}}
    document = {"metricspec": "1", "goals": [{"id": "g", "title": "G", "metrics": [metric]}]}
    where_is = {"Document": (), "Goal": ("goals", 0), "Metric": ("goals", 0, "metrics", 0),
                "Target": ("goals", 0, "metrics", 0, "target")}
    choices = [(path, field) for name, path in where_is.items() for field in v.CLASSES[name] if field.form == v.CHOICE]
    tried = 0
    for path, field in choices:
        for value in (*field.choices, "p95"):
            data = copy.deepcopy(document)
            where = data
            for step in path:
                where = where[step]
            where[field.name] = value
            fast = plain.validate(copy.deepcopy(data))
            try:
                slow = plain.from_pydantic(model.Document.model_validate(copy.deepcopy(data)))
            except ValueError:  # pydantic's ValidationError
                slow = None
            assert fast == slow, (field.name, value)
            assert (fast is None) == (value not in field.choices), (field.name, value)
            tried += 1
    assert tried > 30


def test_levels_are_the_vocabularys():
    assert [key for key, _ in plain.LEVELS] == list(v.LEVEL_KEYS)
    assert [cls.__name__ for _, cls in plain.LEVELS] == [v.level_class(level) for level in range(4)]
    for level, key in enumerate(v.LEVEL_KEYS[1:]):
        held = getattr(model, v.level_class(level)).model_fields[key].annotation
        assert typing.get_args(held) == (getattr(model, v.level_class(level + 1)),)


def test_the_patterns_are_the_vocabularys():
    assert SCHEMA["$defs"]["Metric"]["properties"]["id"]["anyOf"][0]["pattern"] == v.SLUG_PATTERN
    assert plain._SLUG.pattern == v.SLUG and plain._DATE.pattern == v.DATE


def test_rules_know_every_cadence():
    from metricspec.vocabulary import CADENCE_DAYS

    assert tuple(CADENCE_DAYS) == v.CADENCES  # a new cadence needs its length in days (G-rules)


# -- the configuration ---------------------------------------------------------------------------


def _tables():
    """(settings, plain object, schema model class) for the top level and each table."""
    yield v.SETTINGS, config.Config(), config_model.Config
    for setting in v.SETTINGS:
        if setting.form == v.TABLE:
            schema = config_model.Config.model_fields[setting.attribute].annotation
            yield setting.holds, getattr(config.Config(), setting.attribute), schema
            for held in setting.holds:
                if held.form == v.TABLES_BY_GLOB:  # `per-metric`: a table of these per glob
                    inner = schema.model_fields[held.attribute].annotation.__args__[1]
                    yield held.holds, config._HELD[held.key](), inner


@pytest.mark.parametrize("settings, light, schema", list(_tables()), ids=lambda item: getattr(item, "__name__", ""))
def test_configuration_keys_and_defaults_are_the_vocabularys(settings, light, schema):
    names = [setting.attribute for setting in settings]
    assert list(schema.model_fields) == names
    assert [info.alias for info in schema.model_fields.values()] == [setting.key for setting in settings]
    where_read = {"source"} if isinstance(light, config.Config) else set()  # the config file's path
    assert set(vars(light)) - where_read == set(names)
    assert list(type(light).__annotations__) == names  # what config.py tells its readers
    defaults = schema()
    for setting in settings:
        if setting.form == v.TABLE:
            continue
        value = getattr(light, setting.attribute)
        assert (value, type(value)) == (getattr(defaults, setting.attribute), type(setting.default)), setting.key
        assert value == setting.default, setting.key


def test_severities_are_the_same_for_the_plain_reader_and_the_schema():
    assert _choices_of(config_model.Config.model_fields["fail_on"].annotation) == v.SEVERITIES
    for severity in v.SEVERITIES:
        assert config._plain({"fail-on": severity, "severity": {"T001": severity}}).fail_on == severity
    for wrong in ("fatal", "Error"):
        for data in ({"fail-on": wrong}, {"severity": {"T001": wrong}}):
            with pytest.raises(config._Defer):
                config._plain(data)
            with pytest.raises(ValueError):
                config_model.Config.model_validate(data)


# -- the documentation -------------------------------------------------------------------------


def test_the_format_documentation_names_every_field_and_every_choice_in_order():
    text = " ".join((ROOT / "docs" / "format.md").read_text(encoding="utf-8").split())
    for name, fields in v.CLASSES.items():
        for field in fields:
            assert f"`{field.name}`" in text, f"docs/format.md: {name}.{field.name}"
            if field.choices:
                assert ", ".join(f"`{choice}`" for choice in field.choices) in text, f"docs/format.md: {field.name}"


def test_the_readmes_every_key_block_has_every_key_and_the_default_thresholds():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    table = tomllib.loads(block)["tool"]["metricspec"]
    assert list(table) == [setting.key for setting in v.SETTINGS]
    for setting in v.SETTINGS:
        if setting.form == v.TABLE:
            assert list(table[setting.key]) == [held.key for held in setting.holds], setting.key
    assert table["thresholds"] == {setting.key: setting.default for setting in v.THRESHOLDS}
