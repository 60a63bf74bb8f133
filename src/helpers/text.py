"""All user-facing wording, one gettext catalogue per language.

The catalogues are ``locale/<lang>/LC_MESSAGES/cchc.po`` beside this module: msgids are
stable dotted keys (``report.title``, ``error.units.missing_column``), msgstrs the text,
with ``{name}`` placeholders filled by :meth:`str.format`. A translation is one file
(copy ``en/LC_MESSAGES/cchc.po``, translate the msgstrs). Babel reads a catalogue the
first time its language is asked for (a few ms); an unknown language, or a message a
catalogue lacks, is Vietnamese.

:func:`t` renders a key now, :func:`tn` a message with plural forms (``msgid_plural`` in the
catalogue, chosen by Babel's ``ngettext`` for a count: "1 error", "2 errors"; Vietnamese has one
form); :class:`Msg` is a key with its parameters, rendered in a language later (errors and
findings carry one; a plural message's count is its parameter ``n``). A parameter whose text depends on the
language is a :class:`PerLanguage` call: ``PerLanguage(period.label, LANG)`` renders as
``period.label(lang)``."""

from __future__ import annotations

import functools
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "cchc"
DEFAULT = "vi"
PLURAL_SUFFIX = ".plural"        # a plural message's msgid_plural is its key and this


def catalogue_path(lang: str, locale_dir=None) -> Path:
    return Path(locale_dir or LOCALE_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _catalogue(lang: str, locale_dir=None):
    """``lang``'s catalogue (Babel), or the Vietnamese one for a language without a catalogue."""
    path = catalogue_path(lang, locale_dir)
    if not path.is_file():
        if lang == DEFAULT:
            raise FileNotFoundError(path)
        return _catalogue(DEFAULT, locale_dir)
    return _read_po(path)


@functools.lru_cache(maxsize=None)
def _read_po(path: Path):
    from babel.messages.pofile import read_po
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


@functools.lru_cache(maxsize=None)
def messages(lang: str, locale_dir=None) -> dict[str, str]:
    """``{key: text}`` of ``lang``'s catalogue in ``locale_dir`` (default :data:`LOCALE_DIR`), or
    the Vietnamese one for a language without a catalogue (messages with plural forms: :func:`tn`)."""
    found = {m.id: m.string for m in _catalogue(lang, locale_dir)
             if m.id and m.string and not m.fuzzy and not m.pluralizable}
    if lang != DEFAULT:                          # a message not yet translated is Vietnamese
        found = {**messages(DEFAULT, locale_dir), **found}
    return found


def plurals(lang: str, locale_dir=None):
    """``lang``'s catalogue as Babel ``Translations`` (what ``ngettext`` reads), falling back on the
    Vietnamese one for a message not yet translated."""
    return _translations(lang, Path(locale_dir or LOCALE_DIR))


@functools.lru_cache(maxsize=None)
def _translations(lang: str, locale_dir: Path):
    import io

    from babel.messages.mofile import write_mo
    from babel.support import Translations
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(lang, locale_dir))
    compiled.seek(0)
    found = Translations(compiled, domain=DOMAIN)
    if lang != DEFAULT:
        found.add_fallback(_translations(DEFAULT, locale_dir))
    return found


def is_plural(key: str) -> bool:
    """Whether ``key`` is a message with plural forms (``msgid_plural``)."""
    message = _catalogue(DEFAULT).get(key)
    return message is not None and message.pluralizable


def tn(lang: str, key: str, count: int, **kw) -> str:
    """The text of the plural message ``key`` in ``lang``, in the form for ``count`` (Babel's
    ``ngettext``), its placeholders filled from ``kw`` (``n``: ``count`` unless ``kw`` gives
    it, e.g. as a formatted number)."""
    text = plurals(lang).ngettext(key, key + PLURAL_SUFFIX, count)
    return text.format(**{"n": count, **kw})


def languages(locale_dir=None) -> list[str]:
    """The languages with a catalogue."""
    return sorted(p.parent.parent.name for p in Path(locale_dir or LOCALE_DIR).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def t(lang: str, key: str, **kw) -> str:
    """The text of ``key`` in ``lang``, its placeholders filled from ``kw``."""
    s = messages(lang)[key]
    return s.format(**kw) if kw else s


class _Lang:
    """Where a :class:`PerLanguage` call takes the language."""

    def __repr__(self):
        return "LANG"

    def __reduce__(self):
        return "LANG"


LANG = _Lang()


class PerLanguage:
    """A message parameter computed in the language of the message: ``fn(*args)`` with
    :data:`LANG` replaced by the language."""

    __slots__ = ("fn", "args")

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def text(self, lang: str) -> str:
        return self.fn(*(lang if a is LANG else a for a in self.args))

    def __repr__(self):
        return f"PerLanguage({getattr(self.fn, '__qualname__', self.fn)}, {', '.join(map(repr, self.args))})"


class Msg:
    """A message key and its parameters, rendered by :meth:`text` in any language. A key
    ``K`` with a ``K.hint`` entry renders as ``text — hint``."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def values(self, lang: str) -> dict:
        return {k: v.text(lang) if isinstance(v, (Msg, PerLanguage)) else v for k, v in self.params.items()}

    def main(self, lang: str = DEFAULT) -> str:
        if is_plural(self.key):
            return tn(lang, self.key, self.params["n"], **self.values(lang))
        text = messages(lang).get(self.key)
        return self.key if text is None else text.format(**self.values(lang))   # not a key: a plain text

    def hint(self, lang: str = DEFAULT) -> str | None:
        key = self.key + ".hint"
        if key in messages(lang):
            return messages(lang)[key].format(**self.values(lang))
        return None if self.key in messages(lang) or is_plural(self.key) else self.params.get("hint")

    def text(self, lang: str = DEFAULT) -> str:
        hint = self.hint(lang)
        return f"{self.main(lang)} — {hint}" if hint else self.main(lang)

    def __eq__(self, other):
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return f"Msg({self.key!r}{''.join(f', {k}={v!r}' for k, v in self.params.items())})"

    def __str__(self):
        return self.text(DEFAULT)
