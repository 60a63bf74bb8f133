"""A newcomer's walkthrough: every command of the README, and every command the tool prints as a
hint (new-period's reminders, the entry workbook's instruction sheet, the warnings line of a run),
run verbatim in a fresh copy of the project. It fails on a command that does not exist, a hint that
leads to an error, and a run that renders nothing."""

from __future__ import annotations

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
    """The cchc-report commands a message tells the user to run."""
    return [m.group(0).rstrip(" .,:") for m in re.finditer(r"cchc-report [a-z-]+(?: --?[a-z-]+(?: [^\s,;)'\"]+)?)*", text)]


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
        assert not re.search(r"\b(xong|done) 0\b", out), f"{cmd} rendered nothing:\n{out}"
    return r


def fill_month_as_csv(proj, period: str, like: str) -> None:
    """Step 2 of the README, its CSV way: the month's figures (here: last month's) in
    data/periods/<period>.csv, the entry workbook put aside."""
    (proj / "data" / "periods" / f"{period}.xlsx").unlink()
    src = (ROOT / "data" / "periods" / f"{like}.csv").read_text(encoding="utf-8")
    (proj / "data" / "periods" / f"{period}.csv").write_text(src, encoding="utf-8")


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
    # 1. new-period: params and the entry workbook, named with the folder and unit given
    r = step("cchc-report new-period 2026-11 --unit 15 --workbook")
    assert (proj / "params" / "2026-11.yaml").is_file()
    book = proj / "data" / "periods" / "2026-11.xlsx"
    text, from_book = workbook_hints(book)
    assert "data/periods/2026-11.xlsx" in text and "cchc-report validate --period 2026-11" in text, text[:2000]
    printed = hints(r.stdout + r.stderr)
    # 2. the figures (the CSV way of step 2)
    fill_month_as_csv(proj, "2026-11", "2026-10")
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
        printed += hints(r.stdout + r.stderr)
    assert (proj / "executed.pdf").is_file()
    # every hint the tool printed or wrote, verbatim
    for cmd in dict.fromkeys(printed + from_book):
        if cmd not in done and not PLACEHOLDER.search(cmd) and "--force" not in cmd:
            step(cmd)
    assert len(done) >= 10, done


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
        if "--force" not in hint:
            run(hint, proj, ok=(0, 1))                   # a validate of an empty month may report its errors
