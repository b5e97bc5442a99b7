"""volltrack: segment membrane-labelled cells in 3D+t, track them through divisions, analyse tracks.

Stages are importable on their own; heavy dependencies (TensorFlow, napari, the JVM) are imported
lazily by the stages that need them, so ``import volltrack`` stays light.
"""

from typing import TYPE_CHECKING, Any

from volltrack._errors import VolltrackError
from volltrack._version import __version__

# ``volltrack.measure`` is the function (NumPy and pydantic at import; pandas and SciPy when it
# runs);
# the module's other names: ``from volltrack.measure import measure_files``.
from volltrack.measure import measure, measure_files

if TYPE_CHECKING:
    from volltrack._pipeline import PipelineResult, run_pipeline
    from volltrack.config import PipelineConfig, load_config, save_config
    from volltrack.tracking import TrackingSettings, track

__all__ = [
    "PipelineConfig",
    "PipelineResult",
    "TrackingSettings",
    "VolltrackError",
    "__version__",
    "load_config",
    "measure",
    "measure_files",
    "run_pipeline",
    "save_config",
    "track",
]

# Tracking (pandas, pydantic; the JVM only when a run starts) and the pipeline (every stage's
# settings) are imported on first use.
_LAZY = {
    "track": "volltrack.tracking",
    "TrackingSettings": "volltrack.tracking",
    "PipelineConfig": "volltrack.config",
    "load_config": "volltrack.config",
    "save_config": "volltrack.config",
    "run_pipeline": "volltrack._pipeline",
    "PipelineResult": "volltrack._pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'volltrack' has no attribute {name!r}")
