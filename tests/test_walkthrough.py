"""A newcomer's walkthrough: every command of the README, and every command the tool prints as a
hint (new-period's reminders, the entry workbook's instruction sheet, the warnings line of a run),
run verbatim in a fresh copy of the project. It fails on a command that does not exist, a hint that
leads to an error, and a run that renders nothing."""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys

import openpyxl
import pytest
from conftest import ROOT, project_copy

pytestmark = pytest.mark.e2e

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND = re.compile(r"(?:cchc-report|papermill|jupyter nbconvert)(?: [^`\n|;)]*)?")
PLACEHOLDER = re.compile(r"…|PERIOD|HOST|<[^>]*>")

# README commands the walkthrough does not execute, each with its reason; they are still parsed by
# the command line (so an unknown command or option fails the test).
NOT_RUN = {
    "cchc-report run --all --unit all --jobs 2": "every month × every unit of the sample: hundreds of reports",
    "jupyter nbconvert --no-input": "a step of the benchmark's naive chain, not a command to type",
}


def readme_commands() -> list[str]:
    """Every command the README shows in backquotes or in a shell block, verbatim."""
    spans = re.findall(r"`([^`\n]+)`", README) + re.findall(r"^(?:cchc-report|papermill) [^#\n]*", README, re.M)
    found = []
    for span in spans:
        for m in COMMAND.finditer(span):
            cmd = m.group(0).strip()
            if cmd not in found and cmd not in ("cchc-report", "papermill"):
                found.append(cmd)
    return found


def hints(text: str) -> list[str]:
    """The cchc-report commands a message tells the user to run: a command in backquotes, or the
    rest of a line (up to a `·` between two commands)."""
    quoted = re.findall(r"`(cchc-report [^`]+)`", text)
    rest = re.sub(r"`[^`]*`", "", text)
    loose = [m.strip().rstrip(".,:;") for m in re.findall(r"cchc-report [^\n·`]+", rest)]
    return quoted + loose


def argv(cmd: str) -> list[str]:
    words = shlex.split(cmd)
    if words[0] == "cchc-report":
        return [sys.executable, "-m", "helpers.cli", *words[1:]]
    if words[0] == "papermill":
        return [sys.executable, "-m", "papermill", *words[1:]]
    if words[:2] == ["jupyter", "nbconvert"]:
        return [sys.executable, "-m", "jupyter", "nbconvert", *words[2:]]
    raise AssertionError(f"unknown command in the README: {cmd}")


def run(cmd: str, cwd, ok=(0,)) -> subprocess.CompletedProcess:
    r = subprocess.run(argv(cmd), cwd=cwd, capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    assert "Traceback" not in out, f"{cmd}\n{out}"
    assert r.returncode in ok, f"{cmd} → exit {r.returncode}\n{out}"
    words = shlex.split(cmd)
    if words[:2] == ["cchc-report", "run"] and "--help" not in words:
        assert not re.search(r"\b(xong|done) 0 · (lỗi|failed) 0 · (bỏ qua|skipped) 0\b", out), \
            f"{cmd} rendered nothing:\n{out}"
    return r


def fill_workbook(path, like: str) -> None:
    """Step 2 of the README as an analyst does it: the yellow cells of the entry workbook filled
    (here with the figures of month ``like``), saved under its own name."""
    figures = {}
    with open(ROOT / "data" / "periods" / f"{like}.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            figures[row["unit"], row["indicator"]] = float(row["value"]) if "." in row["value"] else int(row["value"])
    wb = openpyxl.load_workbook(path)
    filled = 0
    for ws in wb.worksheets:
        units = {c: ws.cell(4, c).value for c in range(4, ws.max_column + 1)}
        for r in range(5, ws.max_row + 1):
            code = ws.cell(r, 1).value
            for c, unit in units.items():
                if (unit, code) in figures:
                    ws.cell(r, c).value = figures[unit, code]
                    filled += 1
    assert filled > 100
    wb.save(path)


def workbook_hints(path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    text = "\n".join(str(c.value) for ws in wb.worksheets if ws.sheet_state == "visible"
                     for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    return text, hints(text)


def test_every_readme_command_exists_and_parses():
    from helpers.cli import build_parser
    cmds = readme_commands()
    assert len(cmds) >= 12, cmds
    for cmd in cmds:
        words = shlex.split(cmd)
        if words[0] != "cchc-report" or PLACEHOLDER.search(cmd) or "--help" in words:
            continue
        try:
            build_parser().parse_args(words[1:])
        except SystemExit as exc:
            pytest.fail(f"README command does not parse: {cmd} (exit {exc.code})")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_example_parses(lang):
    """The examples every --help shows are commands that exist, with options that exist."""
    from helpers.cli import build_parser
    commands = ["validate", "run", "new-period", "template", "index", "units"]
    examples = []
    for command in [None, *commands]:
        r = subprocess.run([sys.executable, "-m", "helpers.cli", *([command] if command else []), "--help",
                            *(["--lang", lang] if command not in (None, "units", "index") else [])],
                           capture_output=True, text=True, env={**os.environ, "LANG": f"{lang}_VN.UTF-8"})
        assert r.returncode == 0, r.stderr
        for line in r.stdout.splitlines():
            if line.lstrip().startswith("cchc-report ") and "[-h]" not in line:
                examples.append(re.split(r"\s{2,}", line.strip())[0])
    assert len(examples) >= 10, examples
    for cmd in examples:
        words = shlex.split(cmd)
        if PLACEHOLDER.search(cmd) or "--help" in words:
            continue
        try:
            build_parser().parse_args(words[1:])
        except SystemExit as exc:
            pytest.fail(f"a --help example does not parse: {cmd} (exit {exc.code})")


def test_the_monthly_walkthrough_runs_verbatim(tmp_path):
    proj = project_copy(tmp_path)
    shutil.rmtree(proj / "params")                      # a newcomer's first month: params/ as new-period makes it
    (proj / "params").mkdir()
    done: list[str] = []

    def step(cmd, ok=(0,)):
        r = run(cmd, proj, ok)
        done.append(cmd)
        return r

    # the first run: no arguments, the latest month of data/
    r = step("cchc-report run")
    assert (proj / "reports" / "2026-10" / "15" / "progress_report.pdf").is_file(), r.stdout
    # the sample's 2026-10 reports (leader's and data quality, PDF and HTML) pass the page checker
    from helpers import pagecheck
    assert [p.line() for p in pagecheck.check([proj / "reports" / "2026-10" / "15"])] == []
    # 1. new-period: params and the entry workbook, named with the folder and unit given
    r = step("cchc-report new-period 2026-11 --unit 15 --workbook")
    assert (proj / "params" / "2026-11.yaml").is_file()
    book = proj / "data" / "periods" / "2026-11.xlsx"
    text, from_book = workbook_hints(book)
    assert "data/periods/2026-11.xlsx" in text and "cchc-report validate --period 2026-11" in text, text[:2000]
    printed = hints(r.stdout + r.stderr)
    # 2. the figures, typed into the workbook's yellow cells
    fill_workbook(book, "2026-10")
    # 3., 4. validate and run, as the README says them
    for cmd in readme_commands():
        if "2026-11" in cmd and cmd.split()[:2] in (["cchc-report", "validate"], ["cchc-report", "run"]) \
                or cmd.startswith("papermill"):
            r = step(cmd)
            printed += hints(r.stdout + r.stderr)
    assert (proj / "reports" / "2026-11" / "15" / "progress_report.pdf").is_file()
    assert (proj / "out.ipynb").is_file()
    # the nbconvert format on an executed notebook
    shutil.copy(proj / "reports" / "2026-11" / "15" / "progress_report.ipynb", proj / "executed.ipynb")
    # every other README command that runs here, verbatim
    for cmd in readme_commands():
        if cmd in done or PLACEHOLDER.search(cmd) or cmd in NOT_RUN or "new-period" in cmd:
            continue
        r = step(cmd)
        if "--help" not in cmd:                          # help's examples: test_every_help_example_parses
            printed += hints(r.stdout + r.stderr)
    assert (proj / "executed.pdf").is_file()
    # every hint the tool printed or wrote, verbatim
    for cmd in sorted(dict.fromkeys(printed + from_book), key=lambda c: "--force" in c):   # --force last
        if cmd not in done and not PLACEHOLDER.search(cmd):
            step(cmd)
    assert "cchc-report template 2026-11 --unit 15 --force" in done, done
    assert list((proj / "data" / "backups").glob("2026-11-*.xlsx")), "the filled workbook was not backed up"
    assert len(done) >= 12, done


def test_the_english_walkthrough_names_the_folder_given(tmp_path):
    proj = project_copy(tmp_path)
    shutil.rmtree(proj / "params")
    (proj / "params").mkdir()
    cmd = next(c for c in readme_commands() if c.startswith("cchc-report new-period") and "--lang en" in c)
    r = run(cmd, proj)
    assert "params/2026-11.yaml" in r.stdout + r.stderr
    text, from_book = workbook_hints(proj / "data" / "periods" / "2026-11.xlsx")
    for hint in from_book:
        assert not PLACEHOLDER.search(hint)
        run(hint, proj)
    # a data folder of another name: every hint names it
    other = tmp_path / "proj" / "so-lieu"
    shutil.copytree(proj / "data", other)
    (other / "periods" / "2026-11.xlsx").unlink()
    r = run("cchc-report new-period 2026-12 --unit 15 --data-dir so-lieu --workbook --force", proj)
    text, from_book = workbook_hints(other / "periods" / "2026-12.xlsx")
    assert "so-lieu/periods/2026-12.xlsx" in text
    for hint in hints(r.stdout + r.stderr) + from_book:
        assert "--data-dir so-lieu" in hint, hint
        run(hint, proj, ok=(0, 1))                       # an empty month's validate or run says so, exit 1
