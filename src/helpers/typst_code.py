"""Python values as Typst source: escaped string literals, expressions and function calls, the one
Typst encoder of the report blocks, the notes' Markdown and the PDF template."""

from __future__ import annotations

from dataclasses import dataclass

# backslash and quote escaped, control characters as \u{..}: one str.translate, fast on a chart's SVG
_TYPST_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_TYPST_ESCAPES.update({c: f"\\u{{{c:x}}}" for c in [*range(0x20), 0x7F] if c not in _TYPST_ESCAPES})


def typst_str(value) -> str:
    """A Typst string literal holding ``value`` verbatim: inside it nothing is markup
    (``#``, ``*``, ``_``, ``$``, ``@``, ``<``, ``[`` are just characters)."""
    return '"' + ("" if value is None else str(value)).translate(_TYPST_ESCAPES) + '"'


def typst_value(value) -> str:
    """Python data as a Typst expression: str, bool, None, numbers, lists (arrays),
    dicts (dictionaries with string keys) and blocks (content)."""
    if isinstance(value, TypstContent):
        return "[" + value.typst() + "]"
    if isinstance(value, TypstCode):
        return value.code
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return typst_str(value)
    if isinstance(value, dict):
        if not value:
            return "(:)"
        return "(" + ", ".join(f"{typst_str(k)}: {typst_value(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        items = [typst_value(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    raise TypeError(f"no Typst form for {type(value).__name__}")


class TypstContent:
    """What writes itself as Typst content (a report block): :func:`typst_value` puts it in ``[...]``."""

    def typst(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class TypstCode:
    """Typst code made here (never from data): passed through ``typst_value`` as is."""
    code: str


def typst_call(function: str, *args, **kwargs) -> str:
    """``#function(arg, key: value)`` with every value encoded by ``typst_value``."""
    parts = [typst_value(a) for a in args]
    parts += [f"{k.replace('_', '-')}: {typst_value(v)}" for k, v in kwargs.items()]
    return f"#{function}({', '.join(parts)})"
