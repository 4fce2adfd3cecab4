"""What Jupyter shows for a network or a trace: the one door from the engine to the views.

``Network._repr_html_`` and ``Trace._repr_html_`` (and their Markdown forms), and the
HTML of a History, an evaluation and a Dataset (:mod:`nnmath.render.display`),
import this module when a notebook asks, so the engine never imports a renderer
at load time and reaches the views through this single module.
"""

from __future__ import annotations

from .display import dataset_html, evaluation_html, history_html
from .html import network_html_fragment as network_html
from .html import trace_html_fragment as trace_html
from .markdown import network_markdown, trace_markdown

__all__ = ["network_html", "network_markdown", "trace_html", "trace_markdown", "history_html",
           "evaluation_html", "dataset_html"]
