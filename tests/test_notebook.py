"""The analysts' notebook runs top to bottom on a real dataset, and is committed without outputs."""
from __future__ import annotations

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "01-explore-organizations.ipynb"


def test_the_notebook_runs_top_to_bottom_on_the_seed_dataset(seed_dataset, tmp_path, monkeypatch):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("ORGFUNCTIONS_PROCESSED", str(seed_dataset))  # the kernel inherits the environment
    # The kernel talks over Unix sockets (transport "ipc"): the test suite blocks network sockets.
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"),
                           connection_file=str(tmp_path / "kernel.json"))
    client = NotebookClient(notebook, km=kernel, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    try:
        client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    finally:
        if kernel.has_kernel:  # nbclient leaves a kernel it was given running
            kernel.shutdown_kernel(now=True)

    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the heatmap was not drawn"
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "International Criminal Police Organization" in text  # the organization with most facts


def test_the_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code cells"
    stored = [i for i, cell in enumerate(notebook.cells)
              if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    if stored:
        pytest.fail(f"cells {stored} of {NOTEBOOK.name} keep outputs or execution counts: clear them before "
                    "committing (in Jupyter: Edit > Clear Outputs of All Cells, then save)")
