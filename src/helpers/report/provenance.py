"""Where a report comes from: its parameters, the code version (the package version and, in a
checkout, the git commit) and one sha256 per input file, for the technical annex and metrics.json."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

from .. import __version__, blocks, fmt
from ..inputs import input_files, sha256, shown
from ..text import t


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus the git commit when run from a checkout."""
    root = Path(__file__).resolve().parents[3]
    rev = os.environ.get("CCHC_CODE_REVISION")
    if rev is None and (root / ".git").exists():
        try:
            rev = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            rev = ""
    return f"{__version__}" + (f" ({rev})" if rev else "")


class Provenance:
    """The provenance of :class:`helpers.report.Report` (a mixin over its model)."""

    def input_files(self) -> list[Path]:
        """The files this report reads (the one list; see :mod:`helpers.inputs`)."""
        return input_files(self.data_dir, self.period, self.unit, self.lang, self.ds.units)

    def inputs(self) -> dict[str, str]:
        """``{path relative to the data folder: sha256}`` of the input files that exist."""
        return {shown(p, self.data_dir): sha256(p) for p in self.input_files() if p.is_file()}

    def parameters(self) -> dict:
        """The parameters as the appendix shows them: the data folder by its name, never
        an absolute machine path."""
        return {"period": self.period.code, "unit": self.unit, "data_dir": self.data_dir.name,
                "language": self.lang}

    def provenance(self):
        """The technical annex: parameters, code version and one sha256 per input file."""
        L = self.lang
        params = ", ".join(f"{k}={v}" for k, v in self.parameters().items())
        facts = blocks.Facts([(t(L, "report.parameters"), params), (t(L, "report.code_version"), code_version()),
                              (t(L, "report.generated_at"), fmt.datetime(self.generated_at, L))])
        hashes = blocks.Table([blocks.Column(t(L, "report.inputs"), 0.3), blocks.Column("sha256", 0.7)],
                              [[p, h] for p, h in self.inputs().items()], css_class="cchc-provenance")
        blocks.show(blocks.Heading(t(L, "report.provenance"), 1),
                    blocks.Group([facts, hashes], keep_together=False, style="small"))
