"""Administrative units (``units.csv``) and their hierarchy. Codes are strings:
official codes keep their leading zeros (``080``)."""

from __future__ import annotations

import csv
import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .errors import DataError

LEVELS = ("province", "department", "district", "commune")
REQUIRED_COLUMNS = ("code", "name_vi", "name_en", "level", "parent")


@dataclass(frozen=True)
class Unit:
    code: str
    name_vi: str
    name_en: str
    level: str
    parent: Optional[str] = None
    valid_from: Optional[_dt.date] = None
    valid_to: Optional[_dt.date] = None
    successor: Optional[str] = None     # the unit this one merged into (e.g. July 2025)

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_vi


class Units:
    """All units of a data folder, with parent/child look-ups."""

    def __init__(self, units: list[Unit], source: str = "units.csv"):
        self.source = source
        self._by_code = {u.code: u for u in units}
        self._children: dict[str, list[str]] = {}
        self._predecessors: dict[str, list[str]] = {}
        for u in units:
            if u.parent:
                self._children.setdefault(u.parent, []).append(u.code)
            if u.successor:
                self._predecessors.setdefault(u.successor, []).append(u.code)

    def __contains__(self, code) -> bool:
        return str(code) in self._by_code

    def __getitem__(self, code) -> Unit:
        return self._by_code[str(code)]

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self):
        return len(self._by_code)

    def get(self, code) -> Optional[Unit]:
        return self._by_code.get(str(code))

    @property
    def codes(self) -> list[str]:
        return list(self._by_code)

    def children(self, code) -> list[Unit]:
        return [self._by_code[c] for c in self._children.get(str(code), [])]

    def predecessors(self, code) -> list[Unit]:
        """Units that merged into ``code`` (their ``successor`` column names it)."""
        return [self._by_code[c] for c in self._predecessors.get(str(code), [])]

    def descendants(self, code) -> list[Unit]:
        out = []
        for child in self.children(code):
            out.append(child)
            out.extend(self.descendants(child.code))
        return out

    def roots(self) -> list[Unit]:
        return [u for u in self if not u.parent or u.parent not in self._by_code]

    def name(self, code, lang: str = "vi") -> str:
        u = self.get(code)
        return u.name(lang) if u else str(code)

    def suggest(self, code) -> Optional[str]:
        import difflib
        m = difflib.get_close_matches(str(code), self.codes, n=1, cutoff=0.6)
        return m[0] if m else None


def _date(text: str, path, line: int, column: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(f"ngày {text!r} không hợp lệ", file=path, row=line, column=column,
                        hint="dùng dạng YYYY-MM-DD, ví dụ 2025-06-30") from None


def read_units(path) -> Units:
    """Read ``units.csv``; structural problems are a DataError naming file, row and column."""
    path = Path(path)
    if not path.is_file():
        raise DataError("không tìm thấy tệp danh sách đơn vị", file=path,
                        hint="tạo units.csv với các cột code,name_vi,name_en,level,parent")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("tệp không phải UTF-8", file=path,
                        hint="mở bằng Excel và lưu dạng 'CSV UTF-8'") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"thiếu cột {', '.join(missing)}", file=path, row=1,
                        hint="tiêu đề cần có: " + ",".join(REQUIRED_COLUMNS))
    units, seen = [], set()
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        if not code:
            raise DataError("thiếu mã đơn vị", file=path, row=line, column="code")
        if code in seen:
            raise DataError(f"mã đơn vị {code} bị lặp", file=path, row=line, column="code", unit=code)
        level = (row.get("level") or "").strip()
        if level not in LEVELS:
            raise DataError(f"cấp đơn vị {level!r} không hợp lệ", file=path, row=line, column="level",
                            unit=code, hint="dùng một trong: " + ", ".join(LEVELS))
        seen.add(code)
        units.append(Unit(code=code, name_vi=(row.get("name_vi") or "").strip() or code,
                          name_en=(row.get("name_en") or "").strip(), level=level,
                          parent=(row.get("parent") or "").strip() or None,
                          valid_from=_date(row.get("valid_from"), path, line, "valid_from"),
                          valid_to=_date(row.get("valid_to"), path, line, "valid_to"),
                          successor=(row.get("successor") or "").strip() or None))
    if not units:
        raise DataError("danh sách đơn vị trống", file=path)
    for line, u in enumerate(units, start=2):
        if u.parent and u.parent not in seen:
            raise DataError(f"đơn vị {u.code} có đơn vị cấp trên {u.parent!r} không tồn tại",
                            file=path, row=line, column="parent", unit=u.code,
                            hint="thêm đơn vị cấp trên vào units.csv hoặc sửa cột parent")
        if u.successor and u.successor not in seen:
            raise DataError(f"đơn vị {u.code} được sáp nhập vào {u.successor!r} không tồn tại",
                            file=path, row=line, column="successor", unit=u.code,
                            hint="thêm đơn vị mới vào units.csv hoặc sửa cột successor")
    _refuse_cycles(units, path)
    return Units(units, source=str(path))


def _refuse_cycles(units: list[Unit], path) -> None:
    """A unit that is its own ancestor would make every sum go round forever."""
    parent = {u.code: u.parent for u in units}
    for line, u in enumerate(units, start=2):
        seen, code = set(), u.code
        while code is not None:
            if code in seen:
                raise DataError(f"đơn vị {u.code} nằm trong một vòng cấp trên ({' → '.join(sorted(seen))})",
                                file=path, row=line, column="parent", unit=u.code,
                                hint="sửa cột parent để mỗi đơn vị có một chuỗi cấp trên kết thúc ở cấp tỉnh")
            seen.add(code)
            code = parent.get(code)
