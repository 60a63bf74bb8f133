"""Committed notebooks are output-free, tagged, thin, and run as a reviewer runs them."""

import json

import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMETERS = {"period", "unit", "data_dir", "language"}


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"progress_report", "data_quality"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_has_a_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "strip outputs"
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    names = {line.split("=")[0].strip() for line in "".join(tagged[0]["source"]).splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    assert names == PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_are_thin(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            lines = [x for x in "".join(cell["source"]).splitlines() if x.strip() and not x.strip().startswith("#")]
            assert len(lines) <= 4, "".join(cell["source"])


def test_run_all_from_the_notebooks_folder_as_in_jupyterlab():
    """JupyterLab runs a notebook with its own folder as cwd and the defaults of the parameters cell."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(ROOT / "notebooks" / "data_quality.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "Tỉnh Lào Cai" in text and "1.989 ≠ 1.473 + 294 + 132 = 1.899" in text
