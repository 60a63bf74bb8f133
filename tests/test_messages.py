"""The message catalogues (helpers/locale/<lang>/LC_MESSAGES/cchc.po): complete, used, consistent,
rendered in the language asked for, and a new language is one file."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from helpers import text
from helpers.errors import DataError
from helpers.findings import ERROR, Finding
from helpers.periods import Period
from helpers.text import LANG, Msg, PerLanguage, t

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def upkeep():
    script = _script()
    known = script.catalogue("vi")
    return script, script.template(known), known


def test_the_catalogues_are_vietnamese_and_english(upkeep):
    script, _pot, _known = upkeep
    assert script.languages() == ["en", "vi"] == text.languages()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_key_used_in_the_code_is_in_the_catalogue_and_translated(upkeep, lang):
    script, pot, known = upkeep
    found = script.problems(lang, pot, known)
    assert not [p for p in found if "missing" in p or "not translated" in p], found
    assert "report.title" in pot and "error.units.missing_column" in pot and "cli.run.help" in pot


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_catalogue_holds_no_unused_key(upkeep, lang):
    script, pot, known = upkeep
    assert not [p for p in script.problems(lang, pot, known) if "unused" in p]


def test_placeholders_agree_across_languages(upkeep):
    script, _pot, known = upkeep
    english = script.catalogue("en")
    differ = [script.key_of(m) for m in english if m.id
              for form in script.forms(m)
              if script.placeholders(form) != script.placeholders(script.forms(known[script.key_of(m)])[0])]
    assert not differ
    assert script.placeholders(known["error.units.bad_code"].string) == {("code", "r", "")}


def test_a_key_that_is_not_in_the_catalogue_is_found(upkeep, tmp_path, monkeypatch):
    script, _pot, known = upkeep
    module = tmp_path / "helpers" / "extra.py"
    module.parent.mkdir()
    module.write_text('from .text import t\n\n\ndef f(lang):\n    return t(lang, "report.no_such_label")\n')
    monkeypatch.setattr(script, "PACKAGE", module.parent)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    pot = script.template(known)
    assert "report.no_such_label" in pot
    assert "vi: report.no_such_label missing" in script.problems("vi", pot, known)
    assert "vi: report.title unused" in script.problems("vi", pot, known)


def test_an_error_renders_in_the_language_asked_for():
    err = DataError("error.units.missing_column", missing="parent", required_columns="code,name_vi",
                    file="data/units.csv", row=1)
    assert err.text("vi") == "data/units.csv, dòng 1: thiếu cột parent — tiêu đề cần có: code,name_vi"
    assert err.text("en") == "data/units.csv, row 1: missing column parent — the header needs: code,name_vi"
    assert str(err) == err.text("vi") and err.message == "thiếu cột parent"
    assert err.file == "data/units.csv" and err.row == 1


def test_a_parameter_that_depends_on_the_language_is_rendered_in_it():
    period = Period.parse("2023-10")
    finding = Finding(ERROR, "no_data", Msg("finding.no_data.period",
                                             period=PerLanguage(period.label, LANG), code="2023-10"))
    assert "tháng 10/2023" in finding.line("vi") and finding.line("vi").startswith("LỖI: ")
    assert "October 2023" in finding.line("en") and finding.line("en").startswith("ERROR: ")


def test_an_unknown_language_is_vietnamese():
    assert t("fr", "report.title") == t("vi", "report.title") == "BÁO CÁO TIẾN ĐỘ CẢI CÁCH HÀNH CHÍNH"


def test_a_new_language_is_one_file(tmp_path, monkeypatch):
    """Copy the English catalogue, translate it: the package speaks the new language, and a
    message not yet translated is Vietnamese."""
    target = tmp_path / "locale"
    shutil.copytree(text.LOCALE_DIR, target, ignore=shutil.ignore_patterns("*.pot"))
    po = (target / "en" / "LC_MESSAGES" / "cchc.po").read_text(encoding="utf-8")
    po = po.replace('msgstr "ADMINISTRATIVE REFORM PROGRESS REPORT"', 'msgstr "RAPPORT D\'AVANCEMENT"')
    po = po.replace('msgstr "October"', 'msgstr "octobre"')
    po = re.sub(r'(msgid "report\.unit"\n)msgstr "Unit"', r'\1msgstr ""', po)
    (target / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (target / "fr" / "LC_MESSAGES" / "cchc.po").write_text(po.replace("Language: en", "Language: fr"), encoding="utf-8")
    monkeypatch.setattr(text, "LOCALE_DIR", target)
    text.messages.cache_clear()
    try:
        assert text.languages() == ["en", "fr", "vi"]
        assert t("fr", "report.title") == "RAPPORT D'AVANCEMENT"
        assert Period.parse("2023-10").label("fr") == "octobre 2023"
        assert t("fr", "report.unit") == "Đơn vị"                       # not translated yet
    finally:
        text.messages.cache_clear()


# Vietnamese words that are data, not wording: how official unit names are built and read,
# indicator names shortened, a yes in a CSV cell, the glyphs the kernel server warms the chart fonts with.
UNIT_TYPE_WORDS = ("Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn", "Đặc khu", "Tỉnh ")
DATA_WORDS = {*(("unit_lists.py", word) for word in UNIT_TYPE_WORDS), ("catalogue.py", "có"),
              ("leadership.py", "Tỷ lệ "), ("leadership.py", "Số "), ("tables.py", "Điểm nhóm "),
              ("report_kernel.py", "Tỷ lệ hồ sơ"), ("report_kernel.py", "Năm nay"),
              # how an issuing body's name is read: where the header breaks it, what a sentence lowers
              *(("official_form.py", word) for word in ("tỉnh", "thành phố", "phường", "xã", "đặc khu", "huyện",
                                                          "quận", "thị xã", "thị trấn", "ủy ban nhân dân",
                                                          "hội đồng nhân dân", "văn phòng", "thanh tra", "công an",
                                                          "trung tâm", "chi cục", "và"))}
# the page checker's patterns are the words it looks for on a rendered page; the notes' headings and task
# lines are matched against the words the analysts write (note_parts.py, tasks.py)
DATA_FILES = {"pagecheck.py", "note_parts.py", "tasks.py"}
VIETNAMESE = re.compile(r"[ăâđêôơưạảãàáẹẻẽèéịỉĩìíọỏõòóụủũùúỵỷỹỳýầấậẩẫằắặẳẵềếệểễồốộổỗờớợởỡừứựửữ]", re.I)


def test_no_wording_is_left_in_the_code():
    """Every Vietnamese sentence of the package is in the catalogue (docstrings and comments aside)."""
    left = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        left += [(path.name, node.value) for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                 and VIETNAMESE.search(node.value) and (path.name, node.value) not in DATA_WORDS
                 and path.name not in DATA_FILES]
    assert not left


def test_the_english_edition_leaves_out_an_analysts_note(tmp_path):
    """A finding's parameters travel with it: the English page one drops the (Vietnamese) note
    by its parameter, not by matching the English text."""
    from conftest import csv_rows, write_data

    from helpers.figures import Calculator
    from helpers.load import load_data
    from helpers.report import leadership
    from helpers.text import Msg

    calc = Calculator(load_data(write_data(tmp_path, {"2023-10.csv": csv_rows("10,dossiers_received,5,")})))
    note = Msg("finding.jump.note", note="số liệu tạm tính")
    finding = Finding("warning", "jump", Msg("finding.jump.month", before="100", now="5", note=note),
                      indicator="dossiers_received")
    assert "số liệu tạm tính" in leadership.leader_message(finding, calc, "vi")
    english = leadership.leader_message(finding, calc, "en")
    assert english.startswith("Unusual change from last month: 100 → 5") and "tạm tính" not in english


def test_make_messages_adds_a_new_key_to_translate_and_retires_an_unused_one(tmp_path, monkeypatch):
    script = _script()
    shutil.copytree(text.LOCALE_DIR, tmp_path / "locale")
    package = tmp_path / "helpers"
    package.mkdir()
    (package / "extra.py").write_text('from .text import t\n\n\ndef f(lang):\n    return t(lang, "report.brand_new")\n')
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "PACKAGE", package)
    monkeypatch.setattr(script, "LOCALE", tmp_path / "locale")
    assert script.main([]) == 0
    for lang in ("vi", "en"):
        cat = script.catalogue(lang)
        assert cat["report.brand_new"].string == ""                  # to translate
        assert "report.title" not in cat and "report.title" in cat.obsolete
    assert script.main(["--check"]) == 1


# -- plural forms (Babel's ngettext) -------------------------------------------------------------------
@pytest.mark.parametrize("lang, one, two", [("en", "1 error", "2 errors"), ("vi", "1 lỗi", "2 lỗi")])
def test_a_count_takes_its_languages_plural_form(lang, one, two):
    assert text.tn(lang, "cli.validate.errors", 1) == one and text.tn(lang, "cli.validate.errors", 2) == two
    assert Msg("error.cli.data_errors", n=1, first="x").text(lang).startswith(
        "the data has 1 error:" if lang == "en" else "số liệu có 1 lỗi:")


# messages of modules that still count with "(s)", to move to plural forms by their owners
NOT_YET_PLURAL: set = set()


def test_no_english_message_counts_with_an_s_in_brackets():
    script = _script()
    with_s = {script.key_of(m) for m in script.catalogue("en") if m.id and any("(s)" in f for f in script.forms(m))}
    assert with_s <= NOT_YET_PLURAL, with_s - NOT_YET_PLURAL


def test_a_plural_message_without_its_forms_is_found(tmp_path, monkeypatch):
    script = _script()
    shutil.copytree(text.LOCALE_DIR, tmp_path / "locale")
    english = tmp_path / "locale" / "en" / "LC_MESSAGES" / "cchc.po"
    po = english.read_text(encoding="utf-8")
    one_form = po.replace('msgstr[0] "{n} error"\nmsgstr[1] "{n} errors"\n', 'msgstr[0] "{n} error"\n')
    singular = po.replace('msgid_plural "cli.validate.warnings.plural"\nmsgstr[0] "{n} warning"\n'
                          'msgstr[1] "{n} warnings"\n', 'msgstr "{n} warning(s)"\n')
    assert one_form != po and singular != po
    english.write_text(one_form, encoding="utf-8")
    monkeypatch.setattr(script, "LOCALE", tmp_path / "locale")
    known = script.catalogue("vi")
    pot = script.template(known)
    assert pot["cli.validate.errors"].pluralizable                       # the template has the plural entry
    assert "en: cli.validate.errors not translated" in script.problems("en", pot, known)
    english.write_text(singular, encoding="utf-8")
    assert "en: cli.validate.warnings lacks plural forms, unlike vi" in script.problems("en", pot, known)
