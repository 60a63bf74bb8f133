"""The official report (issue 19): document.yaml, the Decree-30 form in Word and PDF, the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.document import read_document
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = """\
issuing_body: ỦY BAN NHÂN DÂN TỈNH LÀO CAI
symbol: BC-UBND
place: Lào Cai
addressed_to: [Ban Chỉ đạo cải cách hành chính của Chính phủ, Bộ Nội vụ]
signer: {authority: [TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH], title: PHÓ CHỦ TỊCH, name: Nguyễn Văn A}
recipients: [Như trên, "Lưu: VT, CCHC"]
"""


def _write(folder: Path, text: str) -> Path:
    (folder / "document.yaml").write_text(text, encoding="utf-8")
    return folder


# -- document.yaml ------------------------------------------------------------------------------------
def test_the_issue_sample_reads_as_written(tmp_path):
    doc = read_document(_write(tmp_path, SAMPLE))
    issuer = doc.issuer_of("15", top=True)
    assert issuer.signer.authority == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    assert issuer.recipients == ("Như trên", "Lưu: VT, CCHC")
    assert issuer.addressed_to[1] == "Bộ Nội vụ" and issuer.parent_body is None
    assert doc.issuer_of("15-SNV", top=False) is None


def test_the_shipped_sample_gives_a_department_and_a_commune_their_issuers():
    doc = read_document(ROOT / "data")
    assert doc.issuer_of("15-SNV", top=False).issuing_body == "SỞ NỘI VỤ"
    assert doc.issuer_of("15-SNV", top=False).parent_body == "UBND TỈNH LÀO CAI"
    assert doc.issuer_of("02647", top=False).signer.authority == ("TM. ỦY BAN NHÂN DÂN",)
    assert doc.issuer_of("15-STP", top=False) is None


@pytest.mark.parametrize("text, key, words", [
    (SAMPLE + "signed_by: X\n", "error.document.unknown_key", ["signed_by", "issuing_body"]),
    (SAMPLE.replace('"Lưu: VT, CCHC"', "Lưu: VT, CCHC"), "error.document.item_mapping",
     ["recipients[2]", "Lưu", '"Lưu: VT, CCHC"']),
    (SAMPLE.replace("place: Lào Cai\n", ""), "error.document.missing_key", ["place"]),
    (SAMPLE.replace("recipients: [Như trên, \"Lưu: VT, CCHC\"]", "recipients: Như trên"),
     "error.document.not_list", ["recipients"]),
    (SAMPLE.replace("name: Nguyễn Văn A", "name: Nguyễn Văn A, rank: 1"), "error.document.unknown_key",
     ["signer.rank"]),
    (SAMPLE + "units:\n  15-SNV: [a]\n", "error.document.not_mapping", ["units.15-SNV"]),
    (SAMPLE + "units:\n  15-SNV: {issuing_body: SỞ NỘI VỤ}\n", "error.document.missing_key", ["units.15-SNV.symbol"]),
])
def test_a_bad_document_file_names_the_key_and_what_to_do(tmp_path, text, key, words):
    with pytest.raises(DataError) as err:
        read_document(_write(tmp_path, text))
    assert err.value.msg.key == key
    line = err.value.text("en")
    assert "document.yaml" in line and err.value.hint
    for word in words:
        assert word in line + err.value.msg.hint("en"), line


def test_anchors_and_a_missing_file_are_refused_with_the_file_named(tmp_path):
    with pytest.raises(DataError) as err:
        read_document(tmp_path)
    assert err.value.msg.key == "error.document.missing" and "document.yaml" in err.value.text("en")
    with pytest.raises(DataError) as err:
        read_document(_write(tmp_path, "place: &p Lào Cai\nissuing_body: *p\n"))
    assert err.value.msg.key == "error.settings.yaml_anchors" and "document.yaml" in err.value.text("vi")
