"""volltrack: segment membrane-labelled cells in 3D+t, track them through divisions, analyse tracks.

Stages are importable on their own; heavy dependencies (TensorFlow, napari, the JVM) are imported
lazily by the stages that need them, so ``import volltrack`` stays light.
"""

from volltrack._errors import VolltrackError
from volltrack._version import __version__

__all__ = ["VolltrackError", "__version__"]
