"""The analysis notebooks run end to end on the seed release, and are stored without outputs.

They run as `KN_RELEASE=release jupyter lab` runs them from the repository root: the kernel's
working directory is notebooks/, and KN_RELEASE is relative to the root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

pytestmark = pytest.mark.integration
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ("explore.ipynb", "quality.ipynb")


@pytest.fixture
def checkout(seed_release, tmp_path) -> Path:
    """A repository-like folder: pyproject.toml, notebooks/ and release/ (the seed release)."""
    root = tmp_path / "checkout"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'checkout'\n")
    for name in NAMES:
        shutil.copy(NOTEBOOKS / name, root / "notebooks" / name)
    (root / "release").symlink_to(seed_release, target_is_directory=True)
    return root


def execute(notebook_path: Path, monkeypatch, tmp_path, release: str):
    """Run a notebook as Jupyter does (kernel in the notebook's folder); returns the notebook."""
    monkeypatch.setenv("KN_RELEASE", release)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook_path.parent)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    return notebook


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs_and_takes_the_release_as_a_parameter(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert 'RELEASE = os.environ.get("KN_RELEASE", "release")' in code[0].source
    pipeline_imports = (
        "dataset.pipeline",
        "dataset.build.document",
        "dataset.build.dedupe",
        "dataset.build.split",
    )
    assert not any(m in cell.source for cell in code for m in pipeline_imports)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_from_notebooks_with_a_release_path_relative_to_the_root(
    name, checkout, seed_release, tmp_path, monkeypatch
):
    notebook = execute(checkout / "notebooks" / name, monkeypatch, tmp_path, "release")
    text = "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )
    assert f"at {seed_release.resolve()}" in text  # checkout/release links to it
    figures = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert len(figures) >= (5 if name == "explore.ipynb" else 2)
    if name == "explore.ipynb":  # the events timeline and the map of place mentions (issue 19)
        assert "5 of 5 articles report at least one timeline event" in text
        assert "places with coordinates mentioned" in text
    assert os.environ["KN_RELEASE"] == "release"


def test_an_absolute_release_path_works_and_a_missing_one_names_the_fix(
    seed_release, tmp_path, monkeypatch
):
    notebook = execute(NOTEBOOKS / "explore.ipynb", monkeypatch, tmp_path, str(seed_release))
    assert any(
        f"at {seed_release.resolve()}" in output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    with pytest.raises(CellExecutionError) as error:
        execute(NOTEBOOKS / "quality.ipynb", monkeypatch, tmp_path, "no-such-release")
    message = str(error.value)
    assert "KN_RELEASE='no-such-release': no release" in message
    assert str(NOTEBOOKS / "no-such-release") in message and "absolute path" in message
