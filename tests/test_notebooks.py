"""The notebooks: committed as make_notebooks.py writes them (outputs stripped), and each runs
top to bottom (nbclient) with the assertions in its cells."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_are_generated_and_stripped(tmp_path):
    gen = _generator()
    assert gen.main(tmp_path) == 0
    for name in gen.NOTEBOOKS:
        committed = NOTEBOOKS / name
        assert committed.read_text() == (tmp_path / name).read_text(), (
            f"{name} differs from the generator's output: run python notebooks/make_notebooks.py"
        )
        nb = nbformat.read(committed, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code)
        assert sum("assert " in c.source for c in code) >= 3


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param("01_training.ipynb", marks=pytest.mark.dl),
        pytest.param("02_prediction.ipynb", marks=pytest.mark.dl),
        pytest.param("03_tracking_and_analysis.ipynb", marks=pytest.mark.jvm),
    ],
)
def test_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    # the kernel imports this checkout's volltrack and finds the jars as the tests do
    path = os.pathsep.join(filter(None, [str(ROOT / "python"), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
