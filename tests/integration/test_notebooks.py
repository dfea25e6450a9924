"""The analysis notebooks run end to end on the seed release, and are stored without outputs."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.integration
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ("explore.ipynb", "quality.ipynb")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs_and_takes_the_release_as_a_parameter(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert 'RELEASE = os.environ.get("KN_RELEASE", "../release")' in code[0].source
    pipeline_imports = ("dataset.pipeline", "dataset.document", "dataset.dedupe", "dataset.split")
    assert not any(m in cell.source for cell in code for m in pipeline_imports)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_seed_release(name, seed_release, tmp_path, monkeypatch):
    monkeypatch.setenv("KN_RELEASE", str(seed_release))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    text = "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )
    assert f"at {seed_release.resolve()}" in text
    figures = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert len(figures) >= (3 if name == "explore.ipynb" else 2)
    assert os.environ["KN_RELEASE"] == str(seed_release)
