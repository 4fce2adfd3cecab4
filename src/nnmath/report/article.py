"""The article, regenerated from the engine: sections and figures, in the article's order.

Every number comes from :func:`nnmath.article.run_article` (and the
engine's :func:`nnmath.explain` for the two forward passes at PSA 2.0);
every picture from :mod:`nnmath.plots`.
"""

from __future__ import annotations

from ..article import (A_LEARNING_RATE, A_PATIENCE, A_TOL, B_LEARNING_RATE, PSA_TEST,
                       network_b)
from ..render.mathexpr import num
from ..render.document import Para, Section, Table, array_text
from ..trace import explain
from .document import Code
from .figures import Figures
from .step import trace_sections

__all__ = ["article_sections", "TITLE"]

TITLE = "The Math Behind a Neural Network"
PSA = ["PSA"]


def article_sections(run, figures: Figures) -> list:
    """The report's sections for an :class:`~nnmath.article.ArticleRun`."""
    from .. import plots

    data, step = run.dataset, run.b_step
    names = data.class_names
    sections = []

    sections.append(Section("A neuron: weighted sum, then activation", (
        Para("Each neuron adds its weighted inputs and a bias, then applies an activation "
             "function; in this article the sigmoid:"),
        Code("z = w · x + b            (weighted sum plus bias)\n"
             "a = sigmoid(z) = 1 / (1 + e^(−z))"),
        Para("Every number and every picture below was computed by nnmath's engine when "
             "this page was made; nothing is copied from the article."),
    )))

    rows = tuple((str(i), names[y], f"{x:.1f}", str(int(y)))
                 for i, (x, y) in enumerate(zip(data.X[:, 0], data.y), start=1))
    sections.append(Section("The PSA dataset", (
        Para("Fourteen patients: the PSA level (ng/mL) and whether they have cancer "
             "(y = 1) or are healthy (y = 0), in the article's order."),
        Table(("#", "status", "PSA (ng/mL)", "y"), rows, "The PSA dataset (14 patients)"),
    )))

    a_step = explain(run.a, [PSA_TEST], [1.0, 0.0], loss="cross_entropy",
                     learning_rate=A_LEARNING_RATE)
    p_healthy, p_cancer = (float(v) for v in run.a_probabilities)
    a_fig = figures.add("network-a", plots.draw_network(
        run.a, a_step, show_gradients=False, feature_names=PSA, output_names=list(names)),
        f"Network A after training: 1 input, 2 softmax outputs. Edge labels are the trained "
        f"weights, b the biases; inside the neurons the forward pass at PSA {PSA_TEST:.1f}: "
        f"P(Healthy) = {num(p_healthy, 4)}, P(Cancer) = {num(p_cancer, 4)}.")
    a_params = tuple((name, array_text(value)) for name, value in run.a.params().items())
    curve_a = figures.add("network-a-curve", plots.probability_curve(
        run.a, data.X, data.y, class_names=names, feature_name="PSA"),
        "P(Cancer | PSA) of the trained network A, with the 14 patients at their status "
        "(Cancer at 1, Healthy at 0). The dashed line is where the network changes its "
        "answer (P = 0.5).")
    sections.append(Section("Network A: no hidden layer", (
        Para("A single input (PSA) connected directly to two softmax outputs, Healthy and "
             f"Cancer. Trained on the 14 rows with cross-entropy and full-batch gradient "
             f"descent (learning rate {num(A_LEARNING_RATE)}) until the cost stopped improving "
             f"(by less than {A_TOL:g} for {A_PATIENCE} epochs in a row): "
             f"{run.a_history.epochs} epochs."),
        a_fig,
        Table(("parameter", "trained value"), a_params, "Network A's trained parameters "
              "(W1[0, j]: weight from PSA to output j; j = 0 Healthy, 1 Cancer)"),
        Table(("quantity", "value"), (
            ("z = PSA · W1 + b1", array_text(a_step.layers[0].z[0])),
            (f"P(Healthy | PSA {PSA_TEST:.1f})", num(p_healthy)),
            (f"P(Cancer | PSA {PSA_TEST:.1f})", num(p_cancer)),
            ("classified as", run.a_class)), f"The test: PSA {PSA_TEST:.1f}"),
        Para(f"The network gives a {100 * p_cancer:.1f}% probability of cancer and "
             f"{100 * p_healthy:.1f}% of healthy, so it predicts {run.a_class}, as the "
             "training data say."),
        curve_a,
    )))

    loss_a = figures.add("network-a-loss", plots.loss_curve(
        run.a_history, log=True, label="network A, cross-entropy"),
        f"Network A's cost over its {run.a_history.epochs} training epochs (log scale).")
    sections.append(Section("The cost", (
        Para(f"At PSA {PSA_TEST:.1f} the network says {num(p_healthy)} for Healthy, while the "
             "patient is healthy for sure (target 1.0). Over all training rows these errors "
             "add up to the cost the training lowers; network A was trained on the mean "
             "cross-entropy (the sum of squared residuals is shown beside it):"),
        Code("C = (1/n) Σ_s − Σ_j t_sj · log(y_hat_sj)"),
        Table(("quantity", "cross-entropy (trained on)", "SSR, ½ Σ_j (y_hat_j − t_j)²"), (
            (f"loss of the row PSA {PSA_TEST:.1f} (target Healthy)", num(a_step.loss), ""),
            ("cost over all 14 rows (mean), before training",
             num(run.a_history.initial_loss), num(run.a_cost_ssr[0])),
            ("cost over all 14 rows (mean), after training", num(run.a_history.loss[-1]),
             num(run.a_cost_ssr[1]))),
            "Network A's cost"),
        loss_a,
    )))

    b0 = network_b()
    b_fig = figures.add("network-b-initial", plots.draw_network(b0, feature_names=PSA),
                        "Network B as it starts: w1 = 0.5, b1 = 0, w2 = −1, b2 = 0 "
                        "(sigmoid in both neurons).")
    p = step.params
    sections.append(Section("Network B: one hidden neuron", (
        Para("Input: the PSA value. Hidden layer: one neuron with sigmoid activation. "
             "Output: one neuron with sigmoid activation, a probability between 0 and 1. "
             "The starting values:"),
        Code(f"w1 = {num(p['W1'][0, 0])}      # connection strength: input → hidden layer\n"
             f"b1 = {num(p['b1'][0])}        # hidden layer bias term\n\n"
             f"w2 = {num(p['W2'][0, 0])}       # connection strength: hidden → output layer\n"
             f"b2 = {num(p['b2'][0])}        # output layer bias term\n\n"
             f"Learning rate η = {num(step.learning_rate)}"),
        b_fig,
    )))

    step_fig = figures.add("network-b-step", plots.draw_network(b0, step, feature_names=PSA),
                           f"The step at PSA {PSA_TEST:.1f}, target 0: the forward pass inside "
                           "the neurons, the gradients of the loss (purple) on the weights "
                           "and biases. Every number is worked out below.")
    after_net = b0.copy().set_params(step.updated)
    after = explain(after_net, [PSA_TEST], [0.0], loss="ssr", learning_rate=B_LEARNING_RATE)
    after_fig = figures.add("network-b-updated", plots.draw_network(
        after_net, after, show_gradients=False, feature_names=PSA),
        f"The updated network B, with its forward pass at PSA {PSA_TEST:.1f}: "
        f"y_hat = {num(after.y_hat[0, 0])}.")
    sections += trace_sections(step, after={
        "The step": (Para("Backpropagation, traced through this one example: the forward "
                          "pass, the loss (SSR; its ½ simplifies the derivative), the chain "
                          "rule, the four gradients and the updates, as the engine computed "
                          "them."), step_fig),
        "Forward pass after the update": (
            after_fig,
            Para(f"The updated network gives {num(step.y_hat_after[0, 0])} and the SSR loss "
                 f"{num(step.loss_after)}: a small improvement on {num(step.loss)}. The "
                 "backpropagation step worked.")),
    }, titles={"The step": f"Backpropagation: one step at PSA {PSA_TEST:.1f}, target 0",
               "Forward pass after the update": "The updated network: forward pass after"})

    sections.append(_training_section(run, figures))
    return sections


def _training_section(run, figures: Figures) -> Section:
    from .. import plots

    data, b = run.dataset, run.b_history
    names = data.class_names
    y_pred = (run.b_predictions >= 0.5).astype(int)
    loss_b = figures.add("training-loss", plots.loss_curve(b, label="network B, SSR"),
                         f"Network B trained on all 14 rows, one row at a time in the table's "
                         f"order, for {b.epochs} epochs: the SSR loss over all rows after each "
                         "epoch (epoch 0: before training).")
    curve_b = figures.add("training-curve", plots.probability_curve(
        run.b, data.X, data.y, class_names=names, feature_name="PSA"),
        "P(Cancer | PSA) of the trained network B, with the 14 patients.")
    confusion = figures.add("training-confusion", plots.confusion_plot(
        data.y, y_pred, class_names=names), "Trained network B: confusion matrix at 0.5.")
    roc = figures.add("training-roc", plots.roc_plot(data.y, run.b_predictions),
                      "Trained network B: ROC curve over all thresholds.")
    rows = tuple((num(x), names[y], num(p, 4), names[int(p >= 0.5)])
                 for x, y, p in zip(data.X[:, 0], data.y, run.b_predictions))
    params = tuple((name, array_text(v)) for name, v in run.b.params().items())
    return Section("Scaling up: training over epochs", (
        Para(f"One step is one iteration. Training repeats it for every row, epoch after "
             f"epoch: here {b.epochs} epochs of per-sample gradient descent "
             f"(learning rate {num(B_LEARNING_RATE)}, SSR loss)."),
        Table(("quantity", "value"), (
            ("cost before training (mean SSR over 14 rows)", num(b.initial_loss)),
            ("after epoch 1", num(b.loss[0])),
            (f"after epoch {b.epochs}", num(b.loss[-1])),
            *params,
            ("accuracy (y_hat ≥ 0.5 → Cancer)",
             f"{num(run.b_accuracy)} ({round(run.b_accuracy * len(data))}/{len(data)})")),
            "Network B's training"),
        loss_b, curve_b,
        Table(("PSA", "status", "y_hat", "predicted"), rows,
              "Trained network B, patient by patient"),
        confusion, roc,
    ))
