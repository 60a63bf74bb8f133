"""The analysts' notes (commentary), resolved and made safe before any renderer sees them.

Which file a report shows:

- ``notes/<period>.md``: the top unit's commentary (the unit without a parent in the data);
- ``notes/<period>/<unit>.md``: a sub-unit's own (a district report never shows the province's);
- ``<period>`` is the report's own period code: ``2023-10``, ``2023-Q3``, ``2023-H1``, ``2023``;
- the English edition reads ``<name>.en.md``; without one it shows no commentary and one sentence
  saying that the commentary is in the Vietnamese edition.

What a note may reach: images inside the data folder (PNG, JPEG or GIF, within the size limits) or
``data:`` URIs of those. Remote URLs (``http:``, ``https:``, ``//host``, ``file:`` …), absolute paths,
``..`` and links that leave the data folder are removed from the text, each with a warning naming
the reference; raw HTML images likewise. A notes file that is a symlink leaving the data folder, one
over :data:`MAX_NOTE_BYTES` or one that is not UTF-8 is an error. Nothing here opens a network
connection: references are judged by their text and local files by their headers.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .errors import DataError
from .files import regular_input, unreadable
from .findings import ERROR, WARNING, Finding
from .images import MIME_TYPES, data_uri, decode_base64, decode_problem, image_kind, image_size
from .text import Msg

MAX_NOTE_BYTES = 200_000            # a page or two of commentary is a few KB
MAX_IMAGE_BYTES = 5_000_000
MAX_IMAGE_SIDE = 4000               # pixels, each side
MAX_IMAGES = 30
MAX_NOTE_IMAGE_BYTES = 10_000_000    # every image of one note, together (embedded in each HTML and PDF)

# Linear-time patterns: every part that repeats stops at the next ``[`` (or ``<``), where the next
# image could begin, so a note of 200 KB of ``![a](`` is scanned once, not from every ``![``.
_DESTINATION = r"(?:[^()\s\[\]<]|\([^()\s\[\]<]*\))++"        # one level of balanced parentheses
_INLINE_IMAGE = re.compile(r"!\[(?P<alt>(?:\\.|[^\[\]\\])*+)\]\(\s*(?P<ref><[^<>\n]*+>|" + _DESTINATION + r")"
                           r"(?:\s+(?:\"[^\"\[\]]*+\"|'[^'\[\]]*+'|\([^()\[\]]*+\)))?\s*\)")
_REF_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\[\]\n]+)\]:\s*(?P<ref><[^<>\n]*+>|\S++)(?P<rest>.*)$", re.M)
_HTML_IMAGE = re.compile(r"<\s*(?:img|image|svg|object|embed|iframe|video|audio|source|link)\b[^<>]*+>", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class Note:
    """A report's commentary after resolution and sanitising.

    ``text``: Markdown safe to render (``None``: no commentary for this report); ``images``: every
    image reference left in ``text`` that is a file, mapped to its resolved path inside the data
    folder, under its name as written and as a Markdown parser spells it (``a b.png`` and
    ``a%20b.png``; ``data:`` URIs stay in the text as they are); ``source``: the file read, relative to the
    data folder; ``findings``: what was refused (warnings) or made the note unusable (errors);
    ``missing_sentence``: the one sentence to print instead when ``text`` is ``None``."""

    text: Optional[str]
    images: dict = field(default_factory=dict)
    source: Optional[str] = None
    findings: list = field(default_factory=list)
    missing_sentence: Optional[str] = None
    lang: str = "vi"

    @property
    def warnings(self) -> list[str]:
        return [f.line(self.lang) for f in self.findings]


def _missing(lang: str) -> str:
    from .text import t
    return t(lang, "report.no_narrative")


# -- which file ----------------------------------------------------------------------------
def is_top_unit(unit: str, units, period=None) -> bool:
    """The unit without a parent in the report's data (the province, in the sample), as it is in
    the period's last month."""
    month = None if period is None else _end_month(period)
    u = (units.get(unit, month) if month else None) or units.get(unit)
    return u is None or not u.parent or u.parent not in units


def _end_month(period) -> str | None:
    from .periods import Period
    try:
        return Period.parse(getattr(period, "code", str(period))).end.code
    except Exception:
        return None


def note_path(data_dir, period, unit: str, units, lang: str = "vi") -> Path:
    """Where the note of ``unit`` for ``period`` would be (it may not exist)."""
    code = getattr(period, "code", str(period))
    suffix = ".en.md" if lang == "en" else ".md"
    folder = Path(data_dir) / "notes"
    if is_top_unit(unit, units, period):
        return folder / f"{code}{suffix}"
    return folder / code / f"{unit}{suffix}"


def for_report(data_dir, period, unit: str, units, lang: str = "vi") -> Note:
    """The commentary a report of ``unit`` for ``period`` in ``lang`` shows."""
    from .text import t
    lang = "en" if lang == "en" else "vi"
    data_dir = Path(data_dir)
    if not _safe_name(unit):
        return Note(None, missing_sentence=_missing(lang), lang=lang)
    path = note_path(data_dir, period, unit, units, lang)
    if not _exists(path):
        if lang == "en" and _exists(note_path(data_dir, period, unit, units, "vi")):
            return Note(None, missing_sentence=t("en", "report.narrative_in_vietnamese"), lang=lang)
        return Note(None, missing_sentence=_missing(lang), lang=lang)
    note = read_note(path, data_dir, period=getattr(period, "code", str(period)),
                     unit=None if is_top_unit(unit, units, period) else unit)
    note.lang = lang
    if note.text is None:
        note.missing_sentence = _missing(lang)
    return note


def _safe_name(unit: str) -> bool:
    return bool(unit) and "/" not in unit and "\\" not in unit and not unit.startswith(".") and "\x00" not in unit


def _exists(path: Path) -> bool:
    """Something is there (a file, a link, a FIFO, a folder …): reading it says what it is."""
    return os.path.lexists(path)


# -- reading and sanitising -----------------------------------------------------------------
def read_note(path: Path, data_dir: Path, *, period=None, unit=None,
              shown: Callable[[Path], str] | None = None) -> Note:
    """Read one notes file and sanitise it; problems become findings (never exceptions)."""
    data_dir = Path(data_dir)
    root = data_dir.resolve()
    source = _relative(path, data_dir)
    where = dict(file=shown(path) if shown else source, period=period, unit=unit)
    problem = _file_problem(path, root)
    if problem:
        return Note(None, source=source, findings=[Finding(ERROR, "note_refused", problem, **where)])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Note(None, source=source, findings=[Finding(ERROR, "note_refused", unreadable(path, exc).msg, **where)])
    text, problem = _decode(raw)
    if problem:
        msg, line = problem
        return Note(None, source=source, findings=[Finding(ERROR, "encoding", msg, row=line, **where)])
    text, images, refused = sanitise(text, path.resolve().parent, root)
    findings = [Finding(severity, "note_reference" if severity == WARNING else "note_image", msg, row=line, **where)
                for msg, line, severity in refused]
    return Note(text if text.strip() else None, images=_normalized(images), source=source, findings=findings)


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return Path(path).relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)


def _file_problem(path: Path, root: Path):
    """a ``Msg`` when the file must not be read: not a regular file inside the data folder
    (:func:`helpers.files.regular_input`), or too large."""
    try:
        regular_input(path, root)
    except DataError as exc:
        return exc.msg
    size = path.stat().st_size
    if size > MAX_NOTE_BYTES:
        return Msg("finding.notes.too_large", kb=size // 1000,
                   max_kb=MAX_NOTE_BYTES // 1000)
    return None


def _decode(raw: bytes):
    """``(text, None)`` or ``(None, (message, line))``."""
    from . import textfile
    return textfile.decode(raw, "text")


def sanitise(text: str, base: Path, root: Path):
    """``(text, images, refused)``: the Markdown with every image that may not be shown removed,
    the images kept (reference -> path inside ``root``), and ``(message, line, severity)`` per
    removal: a warning for what a note may not show, an error for an image file that is broken.

    Each image file is shown once, whatever the reference spells it (``img.png``, ``./img.png``,
    ``img.png?1``), and all of them together within :data:`MAX_NOTE_IMAGE_BYTES`."""
    kept = _KeptImages()
    judged: dict = {}
    refused: list = []
    line_of = _LineIndex(text)                # removals keep their newlines: lines do not move

    def judge(ref: str, line: int) -> bool:
        verdict = _judge_reference(ref, base, root, judged)
        if isinstance(verdict, Broken):
            refused.append((Msg("finding.notes.image_broken", ref=ref, why=verdict.why), line, ERROR))
            return False
        if isinstance(verdict, Msg):
            refused.append(_refusal(ref, verdict, line))
            return False
        why = kept.refusal(ref, verdict, line)
        if why:
            refused.append(_refusal(ref, why, line))
            return False
        return True

    def reference(m: re.Match) -> str:
        keep = judge(_unbracket(m.group("ref")), line_of(m.start()))
        return m.group(0) if keep else "\n" * m.group(0).count("\n")

    def html_image(m: re.Match) -> str:
        shown = m.group(0) if len(m.group(0)) <= 80 else m.group(0)[:77] + "…"
        refused.append(_refusal(shown, Msg("finding.notes.html_tag"), line_of(m.start())))
        return "\n" * m.group(0).count("\n")

    for pattern, replace in ((_INLINE_IMAGE, reference), (_REF_DEFINITION, reference), (_HTML_IMAGE, html_image)):
        text = pattern.sub(replace, text)
        line_of = _LineIndex(text)
    text, guarded = _last_guard(text, kept.files)
    refused = sorted(refused + ([guarded] if guarded else []), key=lambda r: r[1])
    return text, kept.files, refused


class _LineIndex:
    """The line (from 1) of a character offset of ``text``, by bisection: linear in all."""

    def __init__(self, text: str):
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) + 1


class _KeptImages:
    """The images a note shows: each file once, at most :data:`MAX_IMAGES` files and
    :data:`MAX_NOTE_IMAGE_BYTES` in all (data: URIs included, each as often as written)."""

    def __init__(self):
        self.files: dict = {}          # reference -> path
        self.first: dict = {}          # path -> line it is first shown on
        self.total = 0

    def refusal(self, ref: str, verdict, line: int) -> Optional[Msg]:
        """Why ``ref`` (a judged path, or ``None`` for an allowed data: URI) is not shown, or None (kept)."""
        if verdict in self.first:
            return Msg("finding.notes.image_repeated", first=self.first[verdict])
        if verdict is not None and len(self.first) >= MAX_IMAGES:
            return Msg("finding.notes.too_many_images", max_images=MAX_IMAGES)
        size = verdict.stat().st_size if verdict is not None else len(ref) * 3 // 4
        if self.total + size > MAX_NOTE_IMAGE_BYTES:
            return Msg("finding.notes.images_too_large", max_mb=MAX_NOTE_IMAGE_BYTES // 1_000_000)
        self.total += size
        if verdict is not None:
            self.files[ref] = verdict
            self.first[verdict] = line
        return None


def _unbracket(ref: str) -> str:
    ref = ref.strip()
    return ref[1:-1].strip() if ref.startswith("<") and ref.endswith(">") else ref


def _refusal(ref: str, why: Msg, line: int):
    return Msg("finding.notes.image_removed", ref=ref, why=why), line, WARNING


@dataclass(frozen=True)
class Broken:
    """A verdict on an image file that is there and allowed but cannot be used (unreadable,
    damaged): an error, where a reference the note may not make is a warning."""

    why: Msg


def _judge_reference(ref: str, base: Path, root: Path, judged: dict | None = None):
    """A ``Path`` inside ``root`` (allowed file), ``None`` (allowed data: URI), a ``Msg`` why not,
    or a :class:`Broken` when the file is there but cannot be used. ``judged`` keeps the verdict
    on each file (by its real path), so that many references to one file read it once."""
    low = ref.lower()
    if low.startswith("data:"):
        return _judge_data_uri(ref)
    if ref.startswith(("//", "\\\\")) or _SCHEME.match(ref) and not re.match(r"^[a-zA-Z]:[\\/]", ref):
        return Msg("finding.notes.remote_image")
    parts = re.split(r"[\\/]", ref)
    if ref.startswith(("/", "\\", "~")) or re.match(r"^[a-zA-Z]:", ref) or ".." in parts:
        return Msg("finding.notes.image_path_outside")
    from urllib.parse import unquote
    path = base / unquote(ref.split("#", 1)[0].split("?", 1)[0])
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Msg("finding.notes.image_missing")
    if not real.is_relative_to(root):
        return Msg("finding.notes.image_link_outside")
    judged = {} if judged is None else judged
    if real not in judged:
        judged[real] = _judge_image_file(real)
    return judged[real]


def _judge_image_file(real: Path):
    """``real`` when the file is an image a note may show, else a ``Msg`` or a :class:`Broken`."""
    if not real.is_file():
        return Msg("finding.notes.image_not_a_file")
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return Msg("finding.notes.image_too_large_file", mb=size / 1000000.0,
                   max_mb=MAX_IMAGE_BYTES // 1000000)
    try:
        with open(real, "rb") as fh:
            raw = fh.read(min(size, MAX_IMAGE_BYTES))
    except OSError as exc:
        return Broken(unreadable(real, exc).msg)
    return _judge_image(raw) or real


def _judge_data_uri(ref: str):
    uri = data_uri(ref)
    if uri is None or uri.mime not in MIME_TYPES.values():
        return Msg("finding.notes.data_uri_type")
    try:
        raw = decode_base64(uri.data)
    except ValueError:
        return Msg("finding.notes.image_base64_broken")
    return _judge_image(raw)


def _judge_image(raw: bytes):
    """``None`` for a PNG/JPEG/GIF within the limits, else a ``Msg`` (a :class:`Broken` when it is damaged)."""
    kind = image_kind(raw)
    if kind is None:
        return Msg("finding.notes.image_type")
    size = image_size(raw)
    if size is None:
        return Broken(Msg("finding.notes.image_size_unreadable"))
    w, h = size
    if w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE:
        return Msg("finding.notes.image_too_large_pixels", w=w, h=h, max_image_side=MAX_IMAGE_SIDE)
    problem = decode_problem(raw)
    if problem:
        return Broken(Msg("finding.notes.image_damaged", kind=kind.upper(), problem=problem))
    return None


def _last_guard(text: str, images: dict):
    """``(text, refusal or None)``. Whatever image syntax the patterns above missed (odd escapes,
    nesting), or an image file shown again through one reference definition: if the Markdown
    parser still finds an image that is not allowed or an image file twice, every image becomes
    plain text, and the refusal ``(message, line, severity)`` says so."""
    from markdown_it import MarkdownIt
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(text)
    allowed = _normalized(images)
    shown = set()
    for tok in tokens:
        for child in tok.children or []:
            if child.type != "image":
                continue
            src = child.attrGet("src") or ""
            data_ok = src.lower().startswith("data:") and _judge_data_uri(src) is None
            if (src not in allowed and not data_ok) or (src in allowed and allowed[src] in shown):
                line = tok.map[0] + 1 if tok.map else 1
                return text.replace("![", "["), (Msg("finding.notes.images_as_text", ref=src[:80]), line, WARNING)
            if src in allowed:
                shown.add(allowed[src])
    return text, None


def _normalized(images: dict) -> dict:
    """The references as the Markdown parser spells them (``a b.png`` -> ``a%20b.png``)."""
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark")
    return {md.normalizeLink(k): v for k, v in images.items()} | dict(images)


# -- the whole folder (for validate) --------------------------------------------------------------
def note_files(data_dir) -> list[tuple[str, Optional[str], Path]]:
    """``(period code, unit or None, path)`` of every notes file: ``notes/<period>[.en].md`` and
    ``notes/<period>/<unit>[.en].md``; other files are not notes. A folder that cannot be
    listed is a DataError naming it."""
    from .periods import Period
    folder = Path(data_dir) / "notes"
    if not folder.is_dir():
        return []
    out = []

    def period_of(name: str) -> Optional[str]:
        try:
            return Period.parse(name).code
        except Exception:
            return None

    for path in _listing(folder):
        if path.suffix == ".md" and _exists(path):
            code = period_of(path.name.removesuffix(".md").removesuffix(".en"))
            if code:
                out.append((code, None, path))
        elif path.is_dir() and not path.is_symlink() and period_of(path.name):
            for sub in _listing(path):
                if sub.suffix == ".md" and _exists(sub):
                    out.append((period_of(path.name), sub.name.removesuffix(".md").removesuffix(".en"), sub))
    return out


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        raise unreadable(folder, exc) from None


def check_folder(data_dir, shown: Callable[[Path], str] | None = None) -> list[Finding]:
    """Findings for every notes file of the data folder (the same checks a report makes)."""
    try:
        listed = note_files(data_dir)
    except DataError as exc:
        return [Finding(ERROR, "note_refused", exc.msg, file=shown(Path(exc.file)) if shown else exc.file)]
    out = []
    for period, unit, path in listed:
        out.extend(read_note(path, Path(data_dir), period=period, unit=unit, shown=shown).findings)
    return out
