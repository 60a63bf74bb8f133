"""The data folder's small YAML settings files (``reporting.yaml``, ``document.yaml``): read as
untrusted input. A file over its size cap, or with anchors, aliases or tags, is refused before it
is parsed; a key given twice is refused; every plain scalar stays the text written (``number: 05``
is ``"05"``, ``yes`` is ``"yes"``); a plain ``~``/``null`` or nothing is None. Errors are
:class:`~helpers.errors.DataError` naming the file and row."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import DataError

MAX_SETTINGS_BYTES = 64 * 1024


class _Refused(yaml.YAMLError):
    def __init__(self, key: str, row: int, **params):
        super().__init__(key)
        self.key, self.row, self.params = key, row, params


class _Loader(yaml.SafeLoader):
    """Mappings with text keys, given once; scalars as text."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    out = {}
    for key_node, value_node in node.value:
        row = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused("error.settings.key_not_text", row)
        if key_node.value in out:
            raise _Refused("error.settings.duplicate_key", row, name=key_node.value)
        out[key_node.value] = loader.construct_object(value_node, deep=True)
    return out


def _scalar(loader: _Loader, node: yaml.ScalarNode):
    if node.style is None and loader.resolve(yaml.ScalarNode, node.value, (True, False)) == "tag:yaml.org,2002:null":
        return None
    return node.value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
for _tag in ("str", "int", "float", "bool", "null", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar)


def _refuse_references(text: str) -> None:
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
            raise _Refused("error.settings.yaml_anchors", token.start_mark.line + 1)


def read_settings(path, max_bytes: int = MAX_SETTINGS_BYTES) -> dict:
    """The YAML mapping in ``path`` (values: text, None, lists and mappings of them).
    An empty file is ``{}``."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError("error.settings.too_large", file=path, kb=-(-size // 1024), max_kb=max_bytes // 1024)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        _refuse_references(text)
        data = yaml.load(text, Loader=_Loader)
    except _Refused as exc:
        raise DataError(exc.key, file=path, row=exc.row, **exc.params) from None
    except UnicodeDecodeError:
        raise DataError("error.settings.not_utf8", file=path) from None
    except RecursionError:
        raise DataError("error.settings.not_a_mapping", file=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise DataError("error.settings.unreadable", file=path, problem=problem,
                        row=None if mark is None else mark.line + 1) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError("error.settings.not_a_mapping", file=path)
    return data
