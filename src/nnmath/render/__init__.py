"""Views of the engine's recorded numbers: terminal text (rich), Markdown with LaTeX,
standalone HTML (MathML), JSON.

Renderers read a :class:`~nnmath.trace.Trace`; they never compute a derivative.
``explanation`` turns a trace into a neutral document (sections of equations and
tables); ``text``, ``markdown`` and ``html`` lay that document out.
"""
