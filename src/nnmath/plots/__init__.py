"""Pictures of networks and their training, drawn from the engine (matplotlib, Agg).

Classifiers: P(class | x) curve, decision map, confusion matrix, ROC curve.
Regressors (:mod:`nnmath.plots.regression`): predicted vs actual, residuals,
the fitted curve of one input, the map of y_hat over two inputs.

Every function takes an optional matplotlib ``ax`` (to compose in a notebook)
and returns a :class:`Drawing`: the figure, the Axes and the named artists.
``drawing.save("name.png")`` or ``"name.svg"`` writes the file atomically.
``import nnmath`` does not import this package nor matplotlib.

>>> from nnmath.article import network_b
>>> drawing = draw_network(network_b())
>>> len(drawing["neurons"]), [t.get_text() for t in drawing["weight_labels"].values()]
(3, ['w1 = 0.5', 'w2 = -1'])
"""

from .animation import TrainingRecorder, animate_training
from .classifier import confusion_plot, pr_plot, roc_plot
from .curves import (
                     class_probability,
                     decision_boundary,
                     decision_map,
                     loss_curve,
                     probability_curve,
)
from .figure import Drawing, save_figure
from .network import draw_network
from .regression import predicted_vs_actual, regression_curve, regression_map, residual_plot
from .standard import training_plots

__all__ = ["Drawing", "TrainingRecorder", "animate_training", "class_probability",
           "confusion_plot", "decision_boundary", "decision_map", "draw_network",
           "loss_curve", "predicted_vs_actual", "probability_curve", "regression_curve",
           "regression_map", "residual_plot", "pr_plot", "roc_plot", "save_figure", "training_plots"]
