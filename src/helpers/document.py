"""``<data>/document.yaml``: who issues the official report (Nghị định 30/2020's header, number
symbol, place, Kính gửi, signer and Nơi nhận). Read with :func:`helpers.yamlfile.read_settings`
(size cap, no anchors, aliases or tags, keys once, values as written), then checked here: exactly
the keys of :data:`ISSUER_KEYS` (plus ``units``), every list item one line of text (an unquoted
``Lưu: VT, CCHC`` inside ``[...]`` reads as a mapping: the error says how to quote it), ``signer``
a mapping whose ``authority`` is one line or a list of lines. ``units`` gives a department or a
commune its own issuer; a unit with none gets no official report."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from .errors import DataError

FILE_NAME = "document.yaml"
ISSUER_KEYS = ("issuing_body", "symbol", "place", "addressed_to", "signer", "recipients", "parent_body")
REQUIRED_KEYS = ("issuing_body", "symbol", "place", "signer", "recipients")
SIGNER_KEYS = ("authority", "title", "name")
LIST_KEYS = ("addressed_to", "recipients")


class Signer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    authority: tuple[str, ...]         # TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH
    title: str                         # PHÓ CHỦ TỊCH
    name: str

    @field_validator("authority", mode="before")
    @classmethod
    def _lines(cls, v):
        return (v,) if isinstance(v, str) else tuple(v)


class Issuer(BaseModel):
    """One issuing body's keys."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    issuing_body: str
    symbol: str                        # BC-UBND: "Số: 05/BC-UBND"
    place: str
    signer: Signer
    recipients: tuple[str, ...]
    addressed_to: tuple[str, ...] = ()
    parent_body: str | None = None


class Document(BaseModel):
    """The whole file: the data folder's top unit's issuer and the other units' (``units``)."""
    model_config = ConfigDict(frozen=True)

    issuer: Issuer
    units: dict[str, Issuer] = {}

    def issuer_of(self, unit: str, top: bool) -> Issuer | None:
        """The issuer of ``unit`` (``top``: the data folder's province, whose are the file's own keys)."""
        if unit in self.units:
            return self.units[unit]
        return self.issuer if top else None

    def issuer_for(self, units, unit: str) -> Issuer | None:
        """The issuer of ``unit`` of ``units`` (units.csv): a top unit (no parent in the file) has the file's own."""
        found = units.get(unit)
        top = found is not None and not (found.parent and found.parent in units)
        return self.issuer_of(unit, top)


def document_path(data_dir) -> Path:
    return Path(data_dir) / FILE_NAME


def has_document(data_dir) -> bool:
    return document_path(data_dir).is_file()


def read_document(data_dir) -> Document:
    """The data folder's ``document.yaml``, checked; a DataError naming the file and key otherwise
    (also when it is missing: the caller asked for an official report)."""
    from .yamlfile import read_settings
    path = document_path(data_dir)
    if not path.is_file():
        raise DataError("error.document.missing", file=path, data_dir=str(Path(data_dir)))
    data = read_settings(path)
    units = data.pop("units", None) or {}
    if not isinstance(units, dict):
        raise _error(path, "error.document.not_mapping", "units")
    issuer = _issuer(path, data, "")
    return Document(issuer=issuer, units={str(code): _issuer(path, _mapping(path, value, f"units.{code}"),
                                                             f"units.{code}.")
                                          for code, value in units.items()})


def _error(path: Path, key: str, name: str, **values) -> DataError:
    return DataError(key, file=path, column=name, name=name, **values)


def _mapping(path: Path, value, name: str) -> dict:
    if not isinstance(value, dict):
        raise _error(path, "error.document.not_mapping", name)
    return value


def _issuer(path: Path, data: dict, prefix: str) -> Issuer:
    for key in data:
        if key not in ISSUER_KEYS:
            raise _error(path, "error.document.unknown_key", prefix + str(key), keys=", ".join(ISSUER_KEYS))
    for key in REQUIRED_KEYS:
        if data.get(key) is None:
            raise _error(path, "error.document.missing_key", prefix + key)
    values = {key: _text_or_lines(path, value, prefix + key, key in LIST_KEYS)
              for key, value in data.items() if key != "signer" and value is not None}
    values["signer"] = _signer(path, _mapping(path, data["signer"], prefix + "signer"), prefix + "signer.")
    return Issuer(**values)


def _signer(path: Path, data: dict, prefix: str) -> Signer:
    for key in data:
        if key not in SIGNER_KEYS:
            raise _error(path, "error.document.unknown_key", prefix + str(key), keys=", ".join(SIGNER_KEYS))
    for key in SIGNER_KEYS:
        if data.get(key) is None:
            raise _error(path, "error.document.missing_key", prefix + key)
    return Signer(authority=_text_or_lines(path, data["authority"], prefix + "authority", None),
                  title=_text_or_lines(path, data["title"], prefix + "title", False),
                  name=_text_or_lines(path, data["name"], prefix + "name", False))


def _text_or_lines(path: Path, value, name: str, lines: bool | None):
    """One line of text (``lines`` False), a list of lines (True), or either (None)."""
    if isinstance(value, list):
        if lines is False:
            raise _error(path, "error.document.not_text", name)
        return tuple(_line(path, item, f"{name}[{number}]") for number, item in enumerate(value, start=1))
    if lines is True:
        raise _error(path, "error.document.not_list", name)
    return _line(path, value, name)


def _line(path: Path, value, name: str) -> str:
    if isinstance(value, dict):
        written = ", ".join(f"{k}: {v}" for k, v in value.items())[:60]
        raise _error(path, "error.document.item_mapping", name, value=written)
    if not isinstance(value, str) or not value.strip():
        raise _error(path, "error.document.not_text", name)
    return " ".join(value.split())
