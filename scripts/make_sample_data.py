#!/usr/bin/env python3
"""Generate the sample data folder: Lào Cai, January 2022 to October 2026, across the July 2025 merger.

Writes, under ``--out`` (default: ``data/`` in the repository root):

* ``units.csv``: the official lists for the new province ``15`` with the units before the
  merger (``cchc-report units --province 15 --legacy``): old Lào Cai ``10`` and old Yên Bái
  ``15`` with their departments and districts (ending 2025-06-30, their ``successor``
  links leading into the new province's units), the new Lào Cai ``15`` with its
  departments and communes. Written only when the folder has none (an edited units.csv is
  never replaced). Four departments of old Lào Cai that the 2022–2023 figures do not cover
  (``JOINED_2024``) start reporting, and so begin, on 2024-01-01;
* 2022-01 … 2023-12 (:mod:`sample_2022_2023`): old Lào Cai, calibrated so that the
  province's January–October 2023 reproduces the reference article exactly (its
  1.989 ≠ 1.899 included), with one Excel month and one CSV with a byte-order mark;
* 2024-01 … 2026-10 (:mod:`sample_2024_2026`): both old provinces to June 2025, the new
  province from July 2025;
* 2026-09 as the units' own workbooks (``periods/2026-09/<unit>.xlsx``) with the intake register
  (``received/2026-09/register.jsonl``), assembled as units send them (:mod:`sample_per_unit`:
  ``collect``, filled with openpyxl, ``intake`` on 3 October 2026, before the deadline) with the same
  figures the generator gives that month; the fixed collection key (``SAMPLE_KEY``) is not shipped;
* ``targets.csv`` (both parts' targets) and the notes of 2023-09, 2023-10 and 2026-10;
* ``document.yaml``: who issues the official report (the province, a department and a ward),
  written only when the folder has none.

Fixed seeds, a fixed order, a fixed key, clock and time zone for the intake and fixed workbook
timestamps: two runs give the same files (the same bytes, but for the zip layout of an xlsx, which
follows the installed openpyxl). No other file is written and nothing is deleted but the key and the
blank workbooks the assembly made itself. At the end the script reads back what it wrote, checks the
article's figures and loads the folder with the package; it
exits with an error if anything is off."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_2022_2023 as first  # noqa: E402
import sample_2024_2026 as second  # noqa: E402
import sample_per_unit as per_unit  # noqa: E402

PROVINCE = "15"
JOINED_2024 = {"10-SKHCN", "10-SVHTTDL", "10-BDT", "10-TTT"}
JOINED_ON = dt.date(2024, 1, 1)
SAMPLE_KEY = hashlib.sha256(b"cchc-report sample data folder").digest()    # public: the sample only
RECEIVED_AT = "1791021600"          # 2026-10-03 10:00 UTC: the units' files came in before 5 October
TIME_ZONE = "Asia/Ho_Chi_Minh"


def output_folder(argv) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=first.REPO / "data",
                    help="data folder to write into (default: data/ in the repository)")
    out: Path = ap.parse_args(argv).out
    (out / "periods").mkdir(parents=True, exist_ok=True)
    (out / "notes").mkdir(parents=True, exist_ok=True)
    return out


def write_units(out: Path) -> None:
    from helpers import unit_lists
    if (out / "units.csv").exists():
        return
    units = [dataclasses.replace(u, valid_from=JOINED_ON) if u.code in JOINED_2024 else u
             for u in unit_lists.build_units(PROVINCE, legacy=True)]
    unit_lists.write_units(out / "units.csv", units)


DOCUMENT = """\
# Who issues the official report (Báo cáo, Nghị định 30/2020): read by `cchc-report run`.
# A list item with a colon or comma goes in double quotes ("Lưu: VT, CCHC"), else YAML reads a mapping.
issuing_body: ỦY BAN NHÂN DÂN TỈNH LÀO CAI
symbol: BC-UBND                              # Số: …/BC-UBND
place: Lào Cai
addressed_to: [Ban Chỉ đạo cải cách hành chính của Chính phủ, Bộ Nội vụ]   # optional: Kính gửi
signer: {authority: [TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH], title: PHÓ CHỦ TỊCH, name: Nguyễn Văn A}
recipients: [Như trên, Thường trực Tỉnh ủy, Chủ tịch và các Phó Chủ tịch UBND tỉnh, "Lưu: VT, CCHC"]   # Nơi nhận
units:                                       # a department's or commune's own issuer
  15-SNV:
    parent_body: UBND TỈNH LÀO CAI
    issuing_body: SỞ NỘI VỤ
    symbol: BC-SNV
    place: Lào Cai
    addressed_to: [Ủy ban nhân dân tỉnh]
    signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Trần Thị B}
    recipients: [Như trên, Giám đốc Sở, "Lưu: VT, CCHC"]
  "02647":
    parent_body: UBND TỈNH LÀO CAI
    issuing_body: ỦY BAN NHÂN DÂN PHƯỜNG LÀO CAI
    symbol: BC-UBND
    place: Lào Cai
    addressed_to: [Ủy ban nhân dân tỉnh, Sở Nội vụ]
    signer: {authority: TM. ỦY BAN NHÂN DÂN, title: CHỦ TỊCH, name: Lê Văn C}
    recipients: [Như trên, "Lưu: VT"]
"""


def write_document(out: Path) -> None:
    path = out / "document.yaml"
    if not path.exists():
        path.write_text(DOCUMENT, encoding="utf-8")


def main(argv=None) -> int:
    out = output_folder(argv)
    write_units(out)
    write_document(out)
    old = first.write(out)
    later = second.write(out)
    month = first.ym(*second.PER_UNIT)
    refused = per_unit.assemble_sample(out, month, second.per_unit_figures(later), SAMPLE_KEY, RECEIVED_AT,
                                       TIME_ZONE)
    for verdict in refused:
        print(verdict.line("en"), file=sys.stderr)
    if refused:
        print(f"SAMPLE DATA CHECK FAILED: {len(refused)} workbooks of {month} refused", file=sys.stderr)
        return 1
    first.write_targets(out / "targets.csv", first.TARGETS + second.TARGETS)
    try:
        first.run_checks(out, old)
    except AssertionError as exc:
        print(f"SAMPLE DATA CHECK FAILED: {exc}", file=sys.stderr)
        return 1
    return second.check(out)


if __name__ == "__main__":
    sys.exit(main())
