"""Chart text sizes, measured once per output folder instead of once per report.

matplotlib measures a text by loading each of its glyphs with FreeType (≈ 15 µs a glyph
here, however often the text was measured before); the charts of a progress report
measure ≈ 380 texts, most of them again in every report (titles fitted word by word,
unit names, month labels): ≈ 0.25 CPU-s a report, in a kernel that is a new process.

So ``cchc-report run`` names a folder inside its ``--out`` (``<out>/.cache``, in the
environment variable :data:`FOLDER_VARIABLE`, which its kernels inherit), and the sizes go
to a file there named after everything that decides them (matplotlib's and FreeType's
versions, the chart font files): one JSON line per text, appended by the process that
measured it. A process reads the file once (:func:`load`; the kernel server does, so the
kernels forked from it start knowing every size measured before the run) and again when it
is a new process (a kernel reads what the run's earlier kernels added). A size is the float
FreeType gave, written exactly (``repr``), so a chart is the same whether its texts were
measured or read. Without the variable (a notebook opened in JupyterLab, plain papermill)
sizes are kept in memory only. The file is a cache: unreadable, unwritable or damaged, it
is ignored; past :data:`MAX_BYTES` it is no longer added to, and the next process that
reads it from the start begins it again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

MAX_BYTES = 1_000_000     # ≈ 8 000 texts (≈ 50 reports of new values; read in ≈ 50 ms), then it starts again

_sizes: dict[tuple, tuple] = {}       # (text, family, style, weight, stretch, size, file) -> (width, height, descent)
_unsaved: list[str] = []              # JSON lines measured here and not yet written
_read = {"pid": None, "offset": 0}    # how far this process has read the file


FOLDER_VARIABLE = "CCHC_TEXT_SIZES_DIR"


@functools.cache
def cache_file() -> Path | None:
    """``<folder>/text-sizes-<key>.jsonl`` in the folder the run names (None: no file); the
    key changes with matplotlib, FreeType or the chart fonts (their names, sizes and times)."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        return None
    import fontpkg_be_vietnam_pro
    import matplotlib
    from matplotlib import ft2font

    fonts = sorted((Path(fontpkg_be_vietnam_pro.__file__).resolve().parent / "files").glob("*.ttf"))
    facts = [matplotlib.__version__, ft2font.__freetype_version__] + \
        [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in fonts]
    key = hashlib.sha256("\n".join(facts).encode()).hexdigest()[:16]
    return Path(folder) / f"text-sizes-{key}.jsonl"


def get(key: tuple) -> tuple | None:
    """The size of ``key`` if it was measured before (by this process, or by earlier reports of the output folder)."""
    if _read["pid"] != os.getpid():
        load()
    return _sizes.get(key)


def add(key: tuple, size: tuple) -> None:
    """Remember a size just measured (written by :func:`save`)."""
    _sizes[key] = size
    _unsaved.append(json.dumps([*key, *size], ensure_ascii=False))


def load() -> None:
    """Read the sizes added to the file since this process (or the process it was
    forked from) last read it."""
    _read["pid"] = os.getpid()
    path = cache_file()
    if path is None:
        return
    try:
        with open(path, "rb") as fh:
            if _read["offset"] == 0 and os.fstat(fh.fileno()).st_size > MAX_BYTES:
                os.unlink(path)                    # full: begin again
                return
            fh.seek(_read["offset"])
            data = fh.read()
    except OSError:
        return
    complete = data[:data.rfind(b"\n") + 1]        # a line still being written is read next time
    _read["offset"] += len(complete)
    for line in complete.splitlines():
        _remember(line)


def _remember(line: bytes) -> None:
    try:
        *key, width, height, descent = json.loads(line)
        key[1] = tuple(key[1])                     # the family list
        _sizes[tuple(key)] = (float(width), float(height), float(descent))
    except (ValueError, TypeError, IndexError):
        pass                                       # a damaged line: measured again when needed


def save() -> None:
    """Append the sizes measured since the last call, in one write (appends of
    concurrent kernels do not interleave), unless the file is full."""
    path = cache_file()
    if not _unsaved or path is None:
        _unsaved.clear()
        return
    data = ("\n".join(_unsaved) + "\n").encode("utf-8")
    _unsaved.clear()
    try:
        path.parent.mkdir(exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        return
    try:
        if os.fstat(fd).st_size < MAX_BYTES:
            os.write(fd, data)
    except OSError:
        pass
    finally:
        os.close(fd)
