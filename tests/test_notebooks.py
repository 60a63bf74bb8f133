"""Committed notebooks are output-free, tagged, thin, and run as a reviewer runs them."""

import json

import pytest
from conftest import ROOT

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMETERS = {"period", "unit", "data_dir", "language"}
OFFICIAL_PARAMETERS = {"number", "issued_on"}          # the official report's only


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
    assert names == PARAMETERS | (OFFICIAL_PARAMETERS if path.stem == "official_report" else set())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_are_thin(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            continue                        # one line per parameter (checked above)
        if cell["cell_type"] == "code":
            lines = [x for x in "".join(cell["source"]).splitlines() if x.strip() and not x.strip().startswith("#")]
            assert len(lines) <= 4, "".join(cell["source"])


def _run_in_notebooks_folder(name: str, parameters: str | None = None) -> str:
    """Run a notebook as JupyterLab does (its own folder as cwd), optionally with other
    values typed into the parameters cell; return its outputs as text."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    if parameters is not None:
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = parameters
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)


def test_run_all_from_the_notebooks_folder_as_in_jupyterlab():
    """The defaults of the parameters cell render the newest month of the current sample."""
    text = _run_in_notebooks_folder("data_quality.ipynb")
    assert "Tỉnh Lào Cai" in text and "tháng 10/2026" in text and "Phường Lào Cai" in text


@pytest.mark.e2e
def test_run_all_with_the_article_sample_typed_into_the_parameters_cell():
    text = _run_in_notebooks_folder("data_quality.ipynb", 'period = "2023-10"\nunit = "10"\ndata_dir = "data"\n'
                                                          'language = "vi"\n')
    assert "Tỉnh Lào Cai" in text and "1.989 ≠ 1.473 + 294 + 132 = 1.899" in text


def test_parameter_defaults_are_the_newest_sample_month():
    import yaml
    nb = json.loads((ROOT / "notebooks" / "progress_report.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    defaults = {}
    exec("".join(cell["source"]), {}, defaults)
    assert defaults == yaml.safe_load((ROOT / "params" / "2026-10.yaml").read_text(encoding="utf-8"))
    months = sorted(p.stem for p in (ROOT / defaults["data_dir"] / "periods").glob("*.csv"))
    assert months[-1] == defaults["period"] == "2026-10"
