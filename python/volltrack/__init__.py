"""volltrack: segment membrane-labelled cells in 3D+t, track them through divisions, analyse tracks.

Stages are importable on their own; heavy dependencies (TensorFlow, napari, the JVM) are imported
lazily by the stages that need them, so ``import volltrack`` stays light.
"""

from volltrack._errors import VolltrackError
from volltrack._version import __version__

# ``volltrack.measure`` is the function (NumPy only at import; pandas and SciPy when it runs);
# the module's other names: ``from volltrack.measure import measure_files``.
from volltrack.measure import measure, measure_files

__all__ = ["VolltrackError", "__version__", "measure", "measure_files"]
