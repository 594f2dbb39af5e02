"""Public checks, one module per lecture (``lNN.py``), each defining ``register(reg)``."""
