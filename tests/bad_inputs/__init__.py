"""The bad-input corpus: see :mod:`bad_inputs.corpus`."""
