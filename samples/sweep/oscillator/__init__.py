"""A damped oscillator fitted to observations: the sweep sample (see ../README.md)."""
