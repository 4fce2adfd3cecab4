"""Views of the engine's recorded numbers: terminal (rich) and JSON.

Renderers read a :class:`~nnmath.trace.Trace`; they never compute a derivative.
"""
