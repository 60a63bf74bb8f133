"""A block's fields as JSON and back: the neutral form a block leaves in an executed notebook
(:data:`BLOCK_MIME`) so that an exporter without a kernel (the Word one) rebuilds the same blocks.
Only the cells that ask for it (:func:`show_with_fields`, the official report's) carry it, so the
progress report's notebooks do not grow. Images given as bytes or files stay out (Word shows
their alt text)."""

from __future__ import annotations

import dataclasses

BLOCK_MIME = "application/vnd.cchc.block+json"
KINDS: dict[str, type] = {}          # block class name -> class (every Block subclass registers itself)


def as_json(value):
    """A field's value as JSON: blocks and cells by their own ``fields()``, dataclasses field by field."""
    if callable(getattr(value, "fields", None)):
        return value.fields()
    if dataclasses.is_dataclass(value):
        return {f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if isinstance(v, (str, int, float, bool))}
    return value


def from_fields(data: dict):
    """The block that :meth:`helpers.blocks.Block.fields` described."""
    data = dict(data)
    name, module = str(data.pop("_block", "")), str(data.pop("_module", ""))
    if name not in KINDS and module.startswith("helpers."):
        import importlib
        importlib.import_module(module)          # a block class of another module registers on import
    kind = KINDS.get(name)
    if kind is None:
        raise ValueError(f"not a block: {data!r:.80}")
    return kind.from_fields(data)


def show_with_fields(*items) -> None:
    """Display each block with its fields as well, for the Word exporter."""
    from IPython.display import display
    for item in items:
        bundle = item._repr_mimebundle_()
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        display({**data, BLOCK_MIME: item.fields()}, metadata=meta or None, raw=True)
