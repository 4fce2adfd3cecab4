"""``nnmath plot``: one picture of a network or its training, PNG or SVG by suffix."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, must_be
from ..jsonsafe import json_safe
from . import COMMANDS
from ._args import add_json, add_step_arguments
from ._io import print_json, say
from ._plot_source import PlotSource

NAME = "plot"
HELP = COMMANDS[NAME]
KINDS = ("network", "loss", "curve", "map", "roc", "pr", "confusion", "fit", "residuals",
         "animation")
CLASSIFIER_KINDS, REGRESSION_KINDS = ("roc", "pr", "confusion", "animation"), ("fit", "residuals")
EXAMPLE = """kinds:
  network     the network with its weights (and one step's values and gradients)
  loss        the loss over the epochs: with --model the history recorded in the model file
              by 'nnmath train'; without, network B trained (--epochs, --learning-rate); --log
  curve       one input: P(class | x) with the decision boundary (classifier), or the
              fitted y_hat(x) (regression), with the data
  map         two inputs: the decision map (classifier), or y_hat over the plane (regression)
  roc         classifiers with two classes: the ROC curve, with its AUC
  pr          classifiers with two classes: the precision-recall curve, with its average
              precision (for imbalanced classes)
  confusion   classifiers: the confusion matrix at threshold 0.5
  fit         regression: predicted vs actual, with the line y_hat = y and R²
  residuals   regression: the residuals y - y_hat against the prediction
  animation   classifiers: training as a GIF, the curve/map and the loss every --every epochs;
              with --model it carries on from the model's weights with its recorded
              optimizer, learning rate, batch size and preprocessing (notes say what is
              not replayed)

The model file says whether a model is a classifier or a regressor ("task"; else its
output layer); a picture of the other kind is an error.

Without --model the article's networks and PSA data are used: network B (1-1-1) and its
step at PSA 2.0 for 'network', 'loss' and 'animation'; network A (trained) otherwise;
--article a|b chooses. With --model, --data CSV --target COL gives the data (the PSA data is used
only for a model that can be the article's: one input named PSA, classes Healthy and
Cancer); the preprocessing and scaling stored in the model file are applied, and the
pictures show the data in its own units. 'network' draws the step on the --x sample (raw
values) with its --y target (numbers, or a class name), or on data row --row N (default 1)
with --data.

examples:
  nnmath plot network --output network.png
  nnmath plot network --article a --output a.svg
  nnmath plot curve --output psa.png
  nnmath plot loss --epochs 2000 --log --output loss.png
  nnmath plot map --model model.json --data data.csv --target label --output map.png
  nnmath plot fit --model house.json --data house.csv --target price --output fit.png
  nnmath plot loss --model model.json --log --output loss.png
  nnmath plot network --model model.json --x 0.5 -1 --y 0 1 0 --output step.png
  nnmath plot network --model iris.json --data iris.csv --row 3 -o step.png"""


def add_arguments(parser) -> None:
    parser.add_argument("kind", choices=KINDS, help="which picture")
    parser.add_argument("--output", "-o", required=True, metavar="FILE",
                        help="the file to write: .png or .svg (.gif for animation)")
    add_step_arguments(parser, "network: the sample whose values and gradients are drawn",
                       learning_rate_help="step size for the step drawn or the training "
                       "(default 0.1, the article's η; animation --model: the model's "
                       "recorded one)", batch=False, learning_rate=None)
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs of training for loss/animation without --model (network "
                             "B; default 2000; 200 for animation); with --model for animation "
                             "only (a model's loss is the history its file records)")
    parser.add_argument("--every", type=int, default=10, help="animation: a frame every N "
                        "epochs (default 10)")
    parser.add_argument("--log", action="store_true", help="loss: logarithmic loss axis")
    add_json(parser, "print one JSON object: the file written and the numbers drawn")


def run(args) -> int:
    epochs = _check_options(args)   # before any work
    source = PlotSource(args, epochs)
    _check_task(args, source.net)   # from the model file: before any data is read
    if args.kind != "network":
        _no_sample_options(args)
    report = {"kind": args.kind, "output": str(args.output), **_draw(args, source, epochs)}
    if args.json:
        print_json(report)
    else:
        for note in report.get("notes", ()):
            say(f"note: {note}")
        say(f"wrote {args.output}")
    return 0


def _check_options(args) -> int:
    """matplotlib (and pillow), the output file, --epochs and --every: checked before any
    work; the epochs of training."""
    from ..plots.figure import FORMATS, check_output, require_matplotlib
    from ..safefile import check_not_input

    require_matplotlib("drawing pictures", gif=args.kind == "animation")
    check_not_input(args.output, {"the model file": args.model, "the data file": args.data},
                    "--output")
    check_output(args.output, {".gif": "gif"} if args.kind == "animation" else FORMATS)
    epochs = args.epochs if args.epochs is not None else (200 if args.kind == "animation"
                                                           else 2000)
    if epochs < 1:
        raise ConfigError(must_be("--epochs", "at least 1", epochs, "For example --epochs 500."))
    if args.kind == "animation":
        from ..plots.animation import check_frames

        check_frames(epochs, args.every, ("--epochs", "--every"))   # before any training
    _check_kind(args)
    return epochs


def _draw(args, source, epochs: int) -> dict:
    """Draw the picture ``args.kind`` asks for into ``args.output``; the numbers drawn,
    for --json."""
    kind = args.kind
    if kind == "network":
        return _network_picture(args, source)
    if kind == "loss" and args.model:
        return _recorded_loss(args, source)
    if kind in ("loss", "animation"):
        return _training_picture(args, source, epochs)
    if kind in REGRESSION_KINDS or source.task == "regression":
        return _regression_picture(args, source)
    if kind == "curve":
        return _probability_curve(args, source)
    if kind == "map":
        return _decision_map(args, source)
    return _roc_or_confusion(args, source)


def _network_picture(args, source) -> dict:
    """The network, and the step on the sample the options give (if any)."""
    from ..plots import draw_network

    trace = source.trace()
    # network A without a sample: its prediction only
    shown = not (source.article == "a" and args.x is None and args.y is None)
    draw_network(source.net, trace, show_gradients=shown, **source.names()).save(args.output)
    if trace is None:
        return {}
    out: dict = {"loss": trace.loss,
                 "gradients": {k: v.tolist() for k, v in trace.gradients.items()}}
    widest = max(source.net.sizes)
    if widest > 8:   # draw_network's max_labelled: the picture cannot write the step
        sample = f"row {args.row or 1} of {args.data}" if args.data else "the --x sample"
        model = f"--model {args.model} " if args.model else ""
        out["notes"] = [f"a layer has {widest} neurons (more than 8): the picture shows the "
                        f"weights only, not the values and gradients of {sample}; 'nnmath "
                        f"explain {model}...' writes them out (--format html for a page)"]
    return out


def _recorded_loss(args, source) -> dict:
    """The loss curve a model file records."""
    from ..plots import loss_curve

    history = source.recorded_history()
    loss_curve(history, log=args.log).save(args.output)
    return {"initial_loss": json_safe(float(history.initial_loss)), "loss": history.loss[-1],
            "epochs": history.epochs, "recorded": True}


def _training_picture(args, source, epochs: int) -> dict:
    """A copy of the network trained here: its loss curve, or the training as a GIF."""
    from .. import plots

    trained, data = source.net.copy(), source.data()
    if args.model and args.kind == "animation":
        return _replay(args, source, epochs, trained, data)
    X, T = source.inputs(data.X), data.targets(source.net.n_outputs)
    fit = dict(loss=source.loss, learning_rate=_rate(args), epochs=epochs, batch_size=1)
    if args.kind == "loss":
        history = trained.fit(X, T, **fit)
        plots.loss_curve(history, log=args.log).save(args.output)
    else:
        history = plots.animate_training(trained, X, T, args.output, y=data.y,
                                         every=args.every, plot=source.plot_options(), **fit)
    return {"initial_loss": history.initial_loss, "loss": history.loss[-1],
            "epochs": history.epochs}


def _rate(args) -> float:
    """--learning-rate, else the article's 0.1."""
    from ..article import B_LEARNING_RATE

    return B_LEARNING_RATE if args.learning_rate is None else args.learning_rate


def _replay(args, source, epochs: int, trained, data) -> dict:
    """A model file's training, carried on from its weights as its file records it: the same
    optimizer, learning rate, batch size, penalty and shuffling, on the rows as the model
    reads them (its preprocessing and scaling); what cannot be replayed is said in notes."""
    from ..plots.animation import TrainingRecorder

    settings = source.net.info.get("training") or {}
    notes = []
    fit: dict = {"loss": source.loss, "epochs": epochs}
    recorded = bool(settings)
    for key, default in (("optimizer", "sgd"), ("learning_rate", 0.1), ("batch_size", 1),
                         ("alpha", 0.0), ("shuffle", False), ("seed", None)):
        value = settings.get(key, default)
        fit[key] = default if value is None and key != "seed" else value
    if source.net.info.get("class_weight") is not None:   # the loss training minimised
        fit["class_weight"] = source.net.info["class_weight"]
    if args.learning_rate is not None:
        if recorded and args.learning_rate != fit["learning_rate"]:
            notes.append(f"learning rate {args.learning_rate:g} (--learning-rate), not the "
                         f"recorded {fit['learning_rate']:g}")
        fit["learning_rate"] = args.learning_rate
    if not recorded:
        notes.append("the model file records no training settings (no \"training\" key): "
                     f"replayed with {fit['optimizer']}, learning rate "
                     f"{fit['learning_rate']:g}, one row per step")
    if fit["optimizer"] in ("adam", "momentum") and recorded:
        notes.append(f"the {fit['optimizer']} optimizer's running averages are not recorded "
                     "in the model file: they start from zero, so the first steps differ "
                     "from the original run's")
    if settings.get("early_stopping") or settings.get("validation_rows"):
        notes.append("early stopping and its validation rows are not replayed: every row of "
                     "--data is trained on")
    X = source.inputs(data.X)
    T = data.targets(trained.n_outputs)
    recorder = TrainingRecorder(trained, every=args.every)
    history = trained.fit(X, T, callbacks=(recorder,), **fit)
    recorder.write_gif(args.output, data.X, data.y, transform=source.transform,
                       **source.plot_options())
    return {"initial_loss": history.initial_loss, "loss": history.loss[-1],
            "epochs": history.epochs,
            "replayed": {k: fit[k] for k in ("optimizer", "learning_rate", "batch_size",
                                             "alpha", "shuffle", "seed", "class_weight")
                         if k in fit},
            "notes": notes}


def _probability_curve(args, source) -> dict:
    """A one-input classifier: P(class | x), with its decision boundaries."""
    from ..plots import probability_curve

    net = source.net
    if net.n_inputs != 1:
        raise ConfigError(must_be("the network of 'nnmath plot curve'", "one with one input",
                                  f"{net.n_inputs} inputs", "Use 'nnmath plot map' for two."))
    data = source.data()
    drawing = probability_curve(net, data.X, data.y, transform=source.transform,
                                **source.plot_options())
    drawing.save(args.output)
    return {"boundaries": drawing["boundaries"]}


def _decision_map(args, source) -> dict:
    """A two-input classifier over the plane, with the data if given."""
    from ..plots import decision_map

    net = source.net
    if net.n_inputs != 2:
        raise ConfigError(must_be("the network of 'nnmath plot map'", "one with two inputs",
                                  f"{net.n_inputs} input(s)",
                                  "Give --model FILE with a two-input network, or use "
                                  "'nnmath plot curve' for one input."))
    data = source.data(required=False)
    X, y = (None, None) if data is None else (data.X, data.y)
    decision_map(net, X, y, transform=source.transform,
                 **source.plot_options()).save(args.output)
    return {}


def _roc_or_confusion(args, source) -> dict:
    """A classifier on the data: its ROC curve (two classes) or confusion matrix."""
    from .. import plots
    from ..inference import threshold_of

    net, data = source.net, source.data()
    y_hat = net.forward(source.inputs(data.X))
    threshold = threshold_of(net) if args.model else 0.5   # the model file's
    if args.kind == "roc":
        drawing = plots.roc_plot(data.y, y_hat[:, -1], threshold=threshold)
        report = {"auc": drawing["auc"]}
    elif args.kind == "pr":
        drawing = plots.pr_plot(data.y, y_hat[:, -1], threshold=threshold)
        report = {"average_precision": drawing["average_precision"]}
    else:
        y_pred = (y_hat[:, -1] >= threshold).astype(int) if net.n_outputs <= 2 else \
            np.argmax(y_hat, axis=1)
        drawing = plots.confusion_plot(data.y, y_pred, class_names=data.class_names)
        report = {"confusion_matrix": drawing["matrix"].tolist(), "threshold": threshold}
    drawing.save(args.output)
    return report


def _no_sample_options(args) -> None:
    """--x, --y and --row choose the sample 'nnmath plot network' draws: nothing else."""
    for option, value in (("--x", args.x), ("--y", args.y), ("--row", args.row)):
        if value is not None:
            raise ConfigError(must_be(option, "used with 'nnmath plot network' only (the "
                                      "sample it draws)", f"plot {args.kind}",
                                      f"Drop {option}."))


def _check_kind(args) -> None:
    """Errors that need no model file: the article's networks are classifiers."""
    if args.model:
        if args.epochs is not None and args.kind != "animation":
            raise ConfigError(must_be("--epochs", "given without --model (it sets the training "
                                      "of the article's network B)", args.epochs,
                                      "A model's loss curve is the history its file records: "
                                      "drop --epochs."))
        return
    if args.kind in REGRESSION_KINDS:
        raise ConfigError(must_be(f"'nnmath plot {args.kind}'", "given a regression model "
                                  "(--model FILE)", "the article's networks, which are "
                                  "classifiers", "Train one with 'nnmath train DATA.csv "
                                  "--target COL --save model.json' on a numeric target."))


def _check_task(args, net) -> None:
    """A picture for the other task, or ROC beyond two classes: one line, before the data."""
    from ..inference import n_classes_of, task_of
    from ..plots.classifier import MAX_CLASSES

    if not args.model:
        return
    task, n_classes = task_of(net), n_classes_of(net)
    if args.kind in CLASSIFIER_KINDS and task == "regression":
        raise ConfigError(must_be(f"the model of 'nnmath plot {args.kind}'", "a classifier",
                                  f"a regression model ({args.model})", "For a regression "
                                  "model draw 'fit' (predicted vs actual), 'residuals', 'curve' "
                                  "(one input) or 'map' (two inputs)."))
    if args.kind in REGRESSION_KINDS and task == "classification":
        raise ConfigError(must_be(f"the model of 'nnmath plot {args.kind}'", "a regression "
                                  "model", f"a classifier ({args.model}, {n_classes} classes)",
                                  "For a classifier draw 'confusion', 'roc' (two classes), "
                                  "'curve' (one input) or 'map' (two inputs)."))
    if args.kind in ("roc", "pr") and n_classes != 2:
        raise ConfigError(must_be(f"the model of 'nnmath plot {args.kind}'", "a classifier "
                                  "with two classes", f"{n_classes} classes", "'nnmath plot "
                                  "confusion' shows every class."))
    if args.kind == "confusion" and n_classes is not None and n_classes > MAX_CLASSES:
        raise ConfigError(must_be("the classes of 'nnmath plot confusion'", f"at most "
                                  f"{MAX_CLASSES} to be drawn", f"{n_classes} classes",
                                  "Use 'nnmath evaluate MODEL DATA --target COL --json' for "
                                  "the counts."))


def _regression_picture(args, source) -> dict:
    """fit, residuals, curve or map of a regression model; the numbers for --json."""
    from .. import plots
    from ..inference import evaluate, outputs, unscaled_network

    net, kind = source.net, args.kind
    if kind in ("curve", "map") and net.n_inputs != (1 if kind == "curve" else 2):
        want = "one input" if kind == "curve" else "two inputs"
        raise ConfigError(must_be(f"the network of 'nnmath plot {kind}'", f"one with {want}",
                                  f"{net.n_inputs} input(s)", "'nnmath plot fit' draws a "
                                  "regression model of any size (predicted vs actual)."))
    data = source.data(required=kind in REGRESSION_KINDS)
    names = source.regression_names(data)
    report: dict[str, object] = {}
    if data is not None:
        T = data.targets(net.n_outputs)
        if T.shape[1] != net.n_outputs:
            raise ConfigError(must_be("the network of a regression picture", "one with an "
                                      "output per target column", f"{net.n_outputs} outputs "
                                      f"for {T.shape[1]} target column", "Give a model with "
                                      "one output for --target COL."))
        y_hat = outputs(net, data.X, data.texts)   # the model's preprocessing, scalings
        scores = evaluate(net, data.X, T if T.shape[1] > 1 else T[:, 0], texts=data.texts)
        report.update(n_samples=scores["n_samples"], r2=scores["r2"], mse=scores["mse"])
    if kind == "fit":
        drawing = plots.predicted_vs_actual(T, y_hat, target_name=names["target_name"])
    elif kind == "residuals":
        drawing = plots.residual_plot(T, y_hat, target_name=names["target_name"])
    elif kind == "curve":
        drawing = plots.regression_curve(
            unscaled_network(net), None if data is None else data.X, None if data is None else T,
            feature_name=names["feature_names"][0], target_name=names["target_name"],
            x_range=None if data is not None else source.feature_limits(3.0)[0],
            transform=source.transform)
    else:
        drawing = plots.regression_map(
            unscaled_network(net), None if data is None else data.X, None if data is None else T,
            feature_names=names["feature_names"], target_name=names["target_name"],
            limits=None if data is not None else source.feature_limits(3.0),
            transform=source.transform)
    drawing.save(args.output)
    return report

