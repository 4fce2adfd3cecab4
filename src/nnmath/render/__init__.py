"""Views of the engine's recorded numbers: one document model and one writer per format.

``document`` is the model (sections of paragraphs, equations, tables, notes, code,
figures); ``text`` writes it to the terminal (rich), ``markdown`` as Markdown with
LaTeX, ``html`` as standalone HTML with MathML and the one stylesheet. ``explanation``
turns a :class:`~nnmath.trace.Trace` into that document (the article and the reports
in :mod:`nnmath.report` are written in it too); ``mathexpr`` holds its equations.
``json_view`` is a Trace as JSON, ``tables`` the command line's tables (metrics,
confusion matrices, summaries, predictions). Renderers never compute a derivative.
"""
