"""metricspec: product success metrics as code, checked like code."""

__version__ = "0.1.0"
