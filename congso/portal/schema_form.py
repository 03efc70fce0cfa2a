"""A declarative dossier form: a Django form built from the procedure's JSON Schema.

Supported (the subset procedures use): an `object` with `properties` of type `string` (with
`format: date` / `email`, `enum`, `minLength`/`maxLength`, `pattern`), `integer` and `number`
(with `minimum`/`maximum`), `boolean`, one level of nested `object`, `title` → label,
`description` → help text, and `required`. Other types are shown as unsupported and left to the
server-side check. The form only parses; the full JSON Schema check (the `jsonschema` package)
runs on the assembled data, so what the form lets through the schema still judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import jsonschema
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

SEPARATOR = "__"


@dataclass(frozen=True)
class SchemaField:
    path: tuple[str, ...]
    schema: dict[str, Any]
    required: bool

    @property
    def name(self) -> str:
        return SEPARATOR.join(self.path)


def schema_fields(schema: dict[str, Any]) -> list[SchemaField]:
    """The leaf fields of an object schema, in declaration order (one nested level)."""
    fields: list[SchemaField] = []
    _collect(schema or {}, (), fields, depth=0)
    return fields


def _collect(
    schema: dict[str, Any], prefix: tuple[str, ...], out: list[SchemaField], depth: int
) -> None:
    required = set(schema.get("required") or [])
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        if sub.get("type") == "object" and depth == 0:
            _collect(sub, (*prefix, key), out, depth + 1)
            continue
        out.append(SchemaField(path=(*prefix, key), schema=sub, required=key in required))


def _label(field: SchemaField) -> str:
    return str(field.schema.get("title") or field.path[-1])


def _django_field(field: SchemaField) -> forms.Field:
    spec = field.schema
    common: dict[str, Any] = {
        "label": _label(field),
        "required": False,
        "help_text": spec.get("description", ""),
    }
    kind = spec.get("type")
    if "enum" in spec:
        choices = [("", "— " + _("Chọn") + " —")] + [(str(v), str(v)) for v in spec["enum"]]
        names = spec.get("enumNames") or spec.get("x-enumNames")
        if isinstance(names, list) and len(names) == len(spec["enum"]):
            choices = [("", "— " + _("Chọn") + " —")] + [
                (str(v), str(n)) for v, n in zip(spec["enum"], names, strict=True)
            ]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(
            min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common
        )
    if kind == "number":
        return forms.DecimalField(
            min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common
        )
    if kind == "string" and spec.get("format") == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            **common,
        )
    if kind == "string" and spec.get("format") == "email":
        return forms.EmailField(max_length=spec.get("maxLength"), **common)
    if kind == "string":
        validators = []
        if spec.get("pattern"):
            validators.append(
                RegexValidator(spec["pattern"], message=_("Giá trị không đúng định dạng."))
            )
        max_length = spec.get("maxLength")
        widget = forms.Textarea(attrs={"rows": 3}) if (max_length or 0) > 200 else None
        return forms.CharField(
            max_length=max_length,
            min_length=spec.get("minLength"),
            validators=validators,
            widget=widget,
            **common,
        )
    return forms.CharField(
        disabled=True,
        initial=_("(Trường này chưa hỗ trợ nhập trực tuyến)"),
        **common,
    )


class SchemaForm(forms.Form):
    """Built per procedure. `strict=True` (submitting) also enforces `required`."""

    def __init__(self, schema: dict[str, Any], *args: Any, strict: bool = False, **kwargs: Any):
        initial_data = kwargs.pop("form_data", None) or {}
        super().__init__(*args, **kwargs)
        self.schema = schema or {}
        self.strict = strict
        self.leaves = [f for f in schema_fields(self.schema) if _supported(f)]
        for leaf in schema_fields(self.schema):
            field = _django_field(leaf)
            if leaf.required:
                field.label = f"{field.label} *"
                field.widget.attrs["aria-required"] = "true"
            self.fields[leaf.name] = field
            value = _get(initial_data, leaf.path)
            if value is not None:
                self.initial[leaf.name] = value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.strict:
            for leaf in self.leaves:
                if leaf.required and _is_empty(cleaned.get(leaf.name), leaf):
                    self.add_error(leaf.name, _("Vui lòng nhập trường này."))
        return cleaned

    def form_data(self) -> dict[str, Any]:
        """The JSON object for `Dossier.form_data` (empty answers left out)."""
        data: dict[str, Any] = {}
        for leaf in self.leaves:
            value = self.cleaned_data.get(leaf.name)
            if _is_empty(value, leaf):
                continue
            _set(data, leaf.path, _to_json(value, leaf))
        return data

    def add_schema_errors(self, form_data: dict[str, Any]) -> bool:
        """Run the JSON Schema check and put its messages on the fields; True when valid."""
        validator = jsonschema.Draft202012Validator(self.schema)
        self.errors  # noqa: B018  (runs the form's own clean first; an unbound form has none)
        if not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}
        valid = True
        for error in validator.iter_errors(form_data):
            valid = False
            path = [str(part) for part in error.absolute_path]
            if error.validator == "required" and isinstance(error.validator_value, list):
                missing = [k for k in error.validator_value if k not in (error.instance or {})]
                for key in missing:
                    self._error_at((*path, key), _("Vui lòng nhập trường này."))
                continue
            self._error_at(tuple(path), _("Giá trị không hợp lệ: %(m)s") % {"m": error.message})
        return valid

    def _error_at(self, path: tuple[str, ...], message: str) -> None:
        name = SEPARATOR.join(path)
        if name in self.fields:
            if name not in self.errors:
                self.add_error(name, message)
        else:
            self.add_error(None, message)


def _supported(leaf: SchemaField) -> bool:
    return "enum" in leaf.schema or leaf.schema.get("type") in {
        "string",
        "integer",
        "number",
        "boolean",
    }


def _is_empty(value: Any, leaf: SchemaField) -> bool:
    if leaf.schema.get("type") == "boolean" and "enum" not in leaf.schema:
        return False
    return value is None or value == ""


def _to_json(value: Any, leaf: SchemaField) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if "enum" in leaf.schema:
        for option in leaf.schema["enum"]:
            if str(option) == value:
                return option
    return value


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    current: Any = data
    for key in path:
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    current = data
    for key in path[:-1]:
        current = current.setdefault(key, {})
    current[path[-1]] = value
