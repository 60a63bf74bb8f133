"""The message catalogues' upkeep with Babel: ``python scripts/messages.py`` (``make messages``).

1. extract: every message key the code uses -> ``src/helpers/locale/cchc.pot`` (with where it is used);
2. update: each ``src/helpers/locale/<lang>/LC_MESSAGES/cchc.po`` from that template (Babel's
   ``Catalog.update``, as ``pybabel update`` does): a new key appears with an empty text to write,
   a key no longer used becomes obsolete (``#~``).

``--check`` changes nothing and exits 1 when a key is missing, unused, untranslated or its
placeholders differ between languages (the tests run the same checks).

A message with plural forms (``tn``, Babel's ``ngettext``) has the key as ``msgid`` and the key
plus ``.plural`` as ``msgid_plural``, and as many texts as its language's ``Plural-Forms`` say
(Vietnamese one, English two); the template takes that from the Vietnamese catalogue.

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


def key_of(message) -> str:
    """A message's key: its ``msgid``, the singular one of a message with plural forms."""
    return message.id[0] if message.pluralizable else message.id


def forms(message) -> tuple:
    """A message's texts: one, or one per plural form."""
    return tuple(message.string) if message.pluralizable else (message.string,)


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
    prefixes = {key_of(m).split(".")[0] for m in known if m.id}
    literal, patterns = uses(prefixes)
    pot = Catalog(domain=DOMAIN, project="cchc-report", fuzzy=False)
    for key, where in sorted(literal.items()):
        pot.add(_msgid(known, key), locations=where, flags=_flags(known, key))
    for m in known:
        key = key_of(m) if m.id else None
        if not key or key in pot:
            continue
        owner = key.removesuffix(".hint")
        hits = [(where, line) for p, where, line in patterns if p.fullmatch(key)]
        if hits or (key.endswith(".hint") and owner in pot):
            pot.add(m.id, locations=hits or pot[owner].locations, flags=_flags(known, key))
    return pot


def _msgid(known: Catalog, key: str):
    """``key``, or ``(key, key + ".plural")`` for a message with plural forms in ``known``."""
    message = known.get(key)
    return message.id if message is not None and message.pluralizable else key


def _flags(known: Catalog, key: str):
    message = known.get(key)
    return ("python-brace-format",) if message and any(placeholders(f) for f in forms(message)) else ()


def placeholders(text: str) -> set:
    """``{name!r:>6}`` -> ``("name", "r", ">6")``, for each placeholder of ``text``."""
    return {(name, conv, spec) for _lit, name, spec, conv in string.Formatter().parse(text or "")
            if name is not None}


def problems(lang: str, pot: Catalog, known: Catalog) -> list[str]:
    """What is wrong with ``lang``'s catalogue against the template and the Vietnamese one."""
    cat = catalogue(lang)
    out = [f"{lang}: {k} missing" for k in (key_of(m) for m in pot if m.id) if k not in cat]
    out += [f"{lang}: {key_of(m)} unused" for m in cat if m.id and key_of(m) not in pot]
    for m in cat:
        if m.id and key_of(m) in pot:
            out += _message_problems(lang, m, pot[key_of(m)], known.get(key_of(m)), cat.num_plurals)
    return out


def _message_problems(lang: str, m, wanted, vi, num_plurals: int) -> list[str]:
    """What is wrong with one message ``m`` of ``lang``: the template's ``wanted``, the Vietnamese ``vi``."""
    key = key_of(m)
    if m.pluralizable != wanted.pluralizable:
        return [f"{lang}: {key} {'has' if m.pluralizable else 'lacks'} plural forms, unlike vi"]
    if m.fuzzy or not all(forms(m)) or (m.pluralizable and len(forms(m)) != num_plurals):
        return [f"{lang}: {key} not translated"]
    if vi is not None and any(placeholders(f) != placeholders(forms(vi)[0]) for f in forms(m)):
        return [f"{lang}: {key} placeholders differ from vi: {sorted(placeholders(forms(m)[-1]))}"]
    return []


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
                                                        if m.id and not all(forms(m))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
