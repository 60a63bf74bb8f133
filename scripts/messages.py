"""The message catalogues' upkeep with Babel: ``python scripts/messages.py`` (``make messages``).

1. extract: every message key the code uses -> ``src/helpers/locale/cchc.pot`` (with where it is used);
2. update: each ``src/helpers/locale/<lang>/LC_MESSAGES/cchc.po`` from that template (Babel's
   ``Catalog.update``, as ``pybabel update`` does): a new key appears with an empty text to write,
   a key no longer used becomes obsolete (``#~``).

``--check`` changes nothing and exits 1 when a key is missing, unused, untranslated or its
placeholders differ between languages (the tests run the same checks).

A key is a string literal of the package (or of the notebooks' code cells) that names a
catalogue message, e.g. ``t(lang, "report.title")``, ``DataError("error.units.missing_column", ...)``,
``Msg("finding.duplicate", ...)``. A key built in an f-string (``f"status.{status}"``) uses every
message it can name. ``K.hint`` belongs to ``K``. pybabel's own extractors look for gettext calls,
not keys, hence this script (it uses Babel's catalogue, template and .po reader/writer)."""

from __future__ import annotations

import ast
import io
import json
import re
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "helpers"
LOCALE = PACKAGE / "locale"
DOMAIN = "cchc"
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
FILE_SUFFIXES = {"csv", "html", "json", "md", "pdf", "py", "xlsx", "yaml"}      # index.html is a file, not a key


def catalogue(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, abort_invalid=True)


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _sources():
    """``(path, python source)`` of the package and the notebooks' code cells."""
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield path, "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))


def uses(prefixes) -> tuple[dict, list]:
    """``({key: [(file, line)]}, [(pattern, file, line)])``: the literal keys (strings whose first
    part is one of ``prefixes``) and the patterns of keys built in f-strings."""
    literal, patterns = {}, []
    for path, source in _sources():
        where = str(path.relative_to(ROOT))
        tree = ast.parse(source)
        parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts \
                    and KEY.fullmatch(node.value) and node.value.split(".")[0] in prefixes \
                    and node.value.rsplit(".", 1)[1] not in FILE_SUFFIXES:
                literal.setdefault(node.value, []).append((where, node.lineno))
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and node.values[0].value.split(".")[0] in prefixes and "." in node.values[0].value:
                pattern = "".join(re.escape(v.value) if isinstance(v, ast.Constant) else r"[a-z0-9_]+"
                                  for v in node.values)
                patterns.append((re.compile(pattern), where, node.lineno))
    return literal, patterns


def template(known: Catalog) -> Catalog:
    """The template: the keys used, each with where, and the catalogue's messages they reach."""
    prefixes = {m.id.split(".")[0] for m in known if m.id}
    literal, patterns = uses(prefixes)
    pot = Catalog(domain=DOMAIN, project="cchc-report", fuzzy=False)
    for key, where in sorted(literal.items()):
        pot.add(key, locations=where, flags=_flags(known, key))
    for m in known:
        if not m.id or m.id in pot:
            continue
        owner = m.id.removesuffix(".hint")
        hits = [(where, line) for p, where, line in patterns if p.fullmatch(m.id)]
        if hits or (m.id.endswith(".hint") and owner in pot):
            pot.add(m.id, locations=hits or pot[owner].locations, flags=_flags(known, m.id))
    return pot


def _flags(known: Catalog, key: str):
    message = known.get(key)
    return ("python-brace-format",) if message and placeholders(message.string) else ()


def placeholders(text: str) -> set:
    """``{name!r:>6}`` -> ``("name", "r", ">6")``, for each placeholder of ``text``."""
    return {(name, conv, spec) for _lit, name, spec, conv in string.Formatter().parse(text or "")
            if name is not None}


def problems(lang: str, pot: Catalog, known: Catalog) -> list[str]:
    """What is wrong with ``lang``'s catalogue against the template and the Vietnamese one."""
    cat = catalogue(lang)
    out = [f"{lang}: {k} missing" for k in (m.id for m in pot if m.id) if k not in cat]
    out += [f"{lang}: {m.id} unused" for m in cat if m.id and m.id not in pot]
    for m in cat:
        if not m.id or m.id not in pot:
            continue
        if not m.string or m.fuzzy:
            out.append(f"{lang}: {m.id} not translated")
        elif known.get(m.id) and placeholders(m.string) != placeholders(known[m.id].string):
            out.append(f"{lang}: {m.id} placeholders differ from vi: {sorted(placeholders(m.string))}")
    return out


def _write(path: Path, cat: Catalog, **options) -> None:
    """Write ``cat`` to ``path`` unless only its creation date would change."""
    out = io.BytesIO()
    write_po(out, cat, width=120, sort_output=True, **options)
    dated = re.compile(rb'^"POT-Creation-Date: .*$', re.M)
    if not path.is_file() or dated.sub(b"", path.read_bytes()) != dated.sub(b"", out.getvalue()):
        path.write_bytes(out.getvalue())


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    known = catalogue("vi")
    pot = template(known)
    if "--check" in argv:
        found = [p for lang in languages() for p in problems(lang, pot, known)]
        print("\n".join(found) or f"{len(pot)} messages, {', '.join(languages())}: all present and translated")
        return 1 if found else 0
    _write(LOCALE / f"{DOMAIN}.pot", pot)
    for lang in languages():
        cat = catalogue(lang)
        cat.update(pot, no_fuzzy_matching=True)
        _write(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po", cat, no_location=True)
        print(f"{lang}: {len(cat)} messages" + "".join(f"\n  new, to translate: {m.id}" for m in cat
                                                        if m.id and not m.string))
    return 0


if __name__ == "__main__":
    sys.exit(main())
