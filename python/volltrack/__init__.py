"""volltrack: segment membrane-labelled cells in 3D+t, track them through divisions, analyse tracks.

Stages are importable on their own; heavy dependencies (TensorFlow, napari, the JVM) are imported
lazily by the stages that need them, so ``import volltrack`` stays light.
"""

from typing import TYPE_CHECKING, Any

from volltrack._errors import VolltrackError
from volltrack._version import __version__

# ``volltrack.measure`` is the function (NumPy only at import; pandas and SciPy when it runs);
# the module's other names: ``from volltrack.measure import measure_files``.
from volltrack.measure import measure, measure_files

if TYPE_CHECKING:
    from volltrack.tracking import TrackingSettings, track

__all__ = ["TrackingSettings", "VolltrackError", "__version__", "measure", "measure_files", "track"]

# Tracking (pandas, pydantic; the JVM only when a run starts) is imported on first use.
_LAZY = {"track": "volltrack.tracking", "TrackingSettings": "volltrack.tracking"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'volltrack' has no attribute {name!r}")
