"""``units.csv`` from the official lists of administrative units.

Current provinces and communes/wards (since 1 July 2025) come from one of two PyPI
packages, named in every row's ``source`` column: ``vietnam-provinces`` (the
statistics office's list; GPL-3.0-or-later) or ``vietnamadminunits`` (MIT). They
disagree on a few codes (6 of new Lào Cai's 99). The units that existed before
July 2025 (old provinces, districts, communes) and how old communes map onto new
ones come from ``vietnamadminunits``. Departments have no official code: the
package ships a default list (``data/departments.csv``) and the 2025 department
mergers (``data/departments_legacy.csv``), both editable data.

Both packages are the optional extra ``units`` (``pip install -e ".[units]"``)."""

from __future__ import annotations

import csv
import io
from importlib import metadata, resources
from pathlib import Path

from . import files
from .errors import ParameterError
from .text import LANG, PerLanguage, t, tn
from .units import COLUMNS, Unit

MERGER_DAY = "2025-07-01"
LAST_LEGACY_DAY = "2025-06-30"
SOURCES = ("vietnam-provinces", "vietnamadminunits")
_TYPES_EN = {"Tỉnh": "Province", "Thành phố": "City", "Huyện": "District", "Quận": "District",
             "Thị xã": "Town", "Xã": "Commune", "Phường": "Ward", "Thị trấn": "Township", "Đặc khu": "Special Zone"}


def english_name(name_vi: str) -> str:
    """``Xã Khao Mang`` -> ``Khao Mang Commune``; ``Tỉnh Lào Cai`` -> ``Lào Cai Province``."""
    for prefix in sorted(_TYPES_EN, key=len, reverse=True):
        if name_vi.startswith(prefix + " "):
            return f"{name_vi[len(prefix) + 1:]} {_TYPES_EN[prefix]}"
    return name_vi


def department_names(row: dict, province_name: str) -> tuple[str, str]:
    """A default department's names for its province: a centrally-run city (``Thành phố Hà Nội``)
    takes the row's ``city_name_vi``/``city_name_en`` where it has them (``Thanh tra thành phố``,
    ``City Inspectorate`` for ``Thanh tra tỉnh``, ``Provincial Inspectorate``)."""
    if english_name(province_name).endswith(f" {_TYPES_EN['Thành phố']}") and row.get("city_name_vi"):
        return row["city_name_vi"], row["city_name_en"]
    return row["name_vi"], row["name_en"]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        raise ParameterError("error.official.not_installed", dist=dist) from None


def source_label(source: str) -> str:
    """What the ``source`` column says: the package, its version and its data date."""
    if source == "vietnam-provinces":
        import vietnam_provinces
        return f"vietnam-provinces {_version(source)} (GSO, data {vietnam_provinces.__data_version__})"
    return f"vietnamadminunits {_version(source)}"


# -- the current (34-province) lists ------------------------------------------------------------------
def _vau_query(sql: str) -> list[dict]:
    _version("vietnamadminunits")
    from vietnamadminunits.database import query
    return query(sql)


def provinces(source: str) -> dict[str, str]:
    """``{code: official name}`` of the current provinces, codes as 2-digit strings."""
    if source == "vietnam-provinces":
        _version(source)
        from vietnam_provinces import Province, VietNamDivisionType
        return {f"{p.code.value:02d}": (p.name if p.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
                                         or p.name.startswith("Thành phố") else f"Tỉnh {p.name}")
                for p in Province.iter_all()}
    rows = _vau_query("SELECT DISTINCT provinceCode, province FROM admin_units ORDER BY provinceCode")
    return {r["provinceCode"]: r["province"] for r in rows}


def communes(source: str, province: str) -> list[tuple[str, str]]:
    """``(5-digit code, official name)`` of the province's communes, wards and special zones."""
    if source == "vietnam-provinces":
        from vietnam_provinces import ProvinceCode, Ward
        wards = Ward.iter_by_province(ProvinceCode(int(province)))
        return sorted((f"{w.code.value:05d}", w.name) for w in wards)
    rows = _vau_query(f"SELECT DISTINCT wardCode, ward FROM admin_units WHERE provinceCode = '{province}'")
    return sorted((r["wardCode"], r["ward"]) for r in rows)


def check_province(code: str, source: str) -> str:
    known = provinces(source)
    code = code.strip().zfill(2) if code.strip().isdigit() else code.strip()
    if code not in known:
        raise ParameterError("error.official.unknown_province", code=code, source=source,
                             known=', '.join((f'{c} {n}' for c, n in sorted(known.items()))))
    return code


def _data_rows(name: str) -> list[dict]:
    text = resources.files("helpers").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def current_units(province: str, source: str, since: str | None) -> list[Unit]:
    label = source_label(source)
    name = provinces(source)[province]
    since_date = None if since is None else _date(since)
    out = [Unit(province, name, english_name(name), "province", None, since_date, None, None, label)]
    for row in _data_rows("departments.csv"):
        out.append(Unit(f"{province}-{row['key']}", *department_names(row, name), "department", province,
                        _date(MERGER_DAY), None, None, "cchc-report departments.csv"))
    for code, ward in communes(source, province):
        out.append(Unit(code, ward, english_name(ward), "commune", province, _date(MERGER_DAY), None, None, label))
    return out


# -- before July 2025 -----------------------------------------------------------------------------------
def _legacy_provinces(province: str) -> list[dict]:
    """The old provinces whose territory is now ``province`` (vietnamadminunits' conversion table)."""
    from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE
    key = _vau_query(f"SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = '{province}'")
    old_keys = DICT_PROVINCE.get(key[0]["provinceKey"], []) if key else []
    rows = _vau_query("SELECT DISTINCT provinceCode, province, provinceKey FROM admin_units_legacy")
    return sorted((r for r in rows if r["provinceKey"] in old_keys), key=lambda r: r["provinceCode"])


def _new_commune_by_old(province: str) -> dict[str, list[str]]:
    """``{old province_district_ward key: [new ward name, …]}``: a list of several when split."""
    from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE_WARD_DIVIDED, DICT_PROVINCE_WARD_NO_DIVIDED
    key = _vau_query(f"SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = '{province}'")[0]
    names = {r["wardKey"]: r["ward"] for r in
             _vau_query(f"SELECT wardKey, ward FROM admin_units WHERE provinceCode = '{province}'")}
    out: dict[str, list[str]] = {}
    for new_key, olds in DICT_PROVINCE_WARD_NO_DIVIDED.get(key["provinceKey"], {}).items():
        for old in olds:
            out.setdefault(old, []).append(names.get(new_key, new_key))
    for old, news in DICT_PROVINCE_WARD_DIVIDED.get(key["provinceKey"], {}).items():
        out[old] = [names.get(n["newWardKey"], n["newWardKey"]) for n in news]
    return out


def legacy_units(province: str, current: list[Unit]) -> list[Unit]:
    """Old provinces, their districts, their departments and (where the conversion
    table maps them) their communes, valid until 2025-06-30, each with its successor."""
    label = source_label("vietnamadminunits")
    end = _date(LAST_LEGACY_DAY)
    new_code = {u.name_vi: u.code for u in current if u.level == "commune"}
    mapping = _new_commune_by_old(province)
    departments = _data_rows("departments_legacy.csv")
    out: list[Unit] = []
    for old in _legacy_provinces(province):
        p = old["provinceCode"]
        out.append(Unit(p, old["province"], english_name(old["province"]), "province", None, None, end,
                        province, label))
        for row in departments:
            succ = ";".join(f"{province}-{k}" for k in row["successor"].split(";"))
            out.append(Unit(f"{p}-{row['key']}", *department_names(row, old["province"]), "department", p, None,
                            end, succ, "cchc-report departments_legacy.csv"))
        rows = _vau_query("SELECT districtCode, district, wardCode, ward, provinceKey, districtKey, wardKey "
                          f"FROM admin_units_legacy WHERE provinceCode = '{p}' ORDER BY districtCode, wardCode")
        seen = set()
        for r in rows:
            if r["districtCode"] not in seen:
                seen.add(r["districtCode"])
                out.append(Unit(r["districtCode"], r["district"], english_name(r["district"]), "district", p,
                                None, end, None, label))
            news = mapping.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}", [])
            codes = [new_code[n] for n in news if n in new_code]
            if r["wardCode"] and codes:
                out.append(Unit(r["wardCode"], r["ward"], english_name(r["ward"]), "commune", r["districtCode"],
                                None, end, ";".join(codes), label))
    return out


def build_units(province: str, legacy: bool = False, source: str = SOURCES[0]) -> list[Unit]:
    if source not in SOURCES:
        raise ParameterError("error.official.unknown_source", source=source, sources=PerLanguage(_either, LANG))
    province = check_province(province, source)
    current = current_units(province, source, MERGER_DAY if legacy else None)
    return (legacy_units(province, current) if legacy else []) + current


# -- writing -------------------------------------------------------------------------------------------
def _date(text: str):
    import datetime as _dt
    return _dt.date.fromisoformat(text)


def render(units: list[Unit]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for u in units:
        w.writerow([u.code, u.name_vi, u.name_en, u.level, u.parent or "", u.valid_from or "",
                    u.valid_to or "", u.successor or "", u.source])
    return buf.getvalue()


def _either(lang: str) -> str:
    return f" {t(lang, 'official.or')} ".join(SOURCES)


def write_units(path: Path, units: list[Unit]) -> tuple[Path, str]:
    """Write ``units.csv``; an existing file that differs (an analyst may have edited
    it) is never overwritten: the new list goes beside it as ``units.new.csv``."""
    text = render(units)
    if not path.exists():
        files.atomic_write(path, text)
        return path, tn("vi", "official.written", len(units), path=path)
    old = path.read_text(encoding="utf-8-sig")
    if old == text:
        return path, t("vi", "official.unchanged", path=path)
    beside = path.with_name(path.stem + ".new" + path.suffix)
    files.atomic_write(beside, text)
    old_rows, new_rows = set(old.splitlines()[1:]), set(text.splitlines()[1:])
    return beside, t("vi", "official.differs", path=path, only_file=tn("vi", "official.rows", len(old_rows - new_rows)),
                     only_list=tn("vi", "official.rows", len(new_rows - old_rows)), beside=beside)
