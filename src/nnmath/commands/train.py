"""``nnmath train``: train a network on a CSV file, report its metrics, save it."""

from __future__ import annotations

from . import COMMANDS
from ._args import add_class_weight, add_json, add_table_arguments
from ._io import console, print_json

NAME = "train"
HELP = COMMANDS[NAME]
EXAMPLE = """examples:
  nnmath train data.csv --target status --save model.json
  nnmath train people.csv --target income --id person_id --impute median --save m.json
  nnmath train linnerud.csv --target Weight Waist Pulse --save m.json  # three outputs
  nnmath train cancer.csv --target status --class-weight balanced   # rare classes count more
  nnmath train cancer.csv --target status --class-weight Cancer=5 Healthy=1
  cat data.csv | nnmath train - --target status
  nnmath train data.csv --target status --hidden 8 4 --activation relu \\
      --output-activation softmax --loss cross_entropy --optimizer adam \\
      --learning-rate 0.01 --epochs 200 --batch-size 32 --test-size 0.25 --seed 0 \\
      --save model.json --json

defaults: the output layer and loss follow the target: classes -> softmax +
cross_entropy (one output per class, as the article's network A; with
--output-activation sigmoid two classes get one output and bce); numbers
(regression) -> identity + mse. The task, when not given, is said with its reason.
Text columns are one-hot encoded (categories from the training rows); NA, NaN,
null, ? and empty cells are missing (--na-values): a missing target leaves its row
out, a missing feature needs --impute. Numeric features are standardised with the
training rows' mean and std, a regression target too (predictions are in its
units). The model file stores all of it (and the class names, the positive class,
the threshold and the loss per epoch) so predict, evaluate, explain, plot and
export apply it.

why these defaults: adam with learning rate 0.01 for 200 epochs and 8 hidden
neurons trains a small CSV in seconds. explain, plot and report default to
the article's plain gradient descent, learning rate 0.1, 2000 epochs for
network B. The scikit-learn estimators (nnmath.estimator) keep
MLPClassifier's defaults instead (100 hidden neurons, alpha 1e-4, learning
rate 0.001, one sigmoid output for two classes), so they drop into
scikit-learn code unchanged."""


def add_arguments(parser) -> None:
    add_table_arguments(parser, init=True)   # DATA.csv, --target, --features, --drop, ...
    parser.add_argument("--task", choices=["auto", "classification", "regression"],
                        default="auto", help="default auto: classes for text or few whole "
                        "numbers, else regression")
    parser.add_argument("--classes", nargs="+", metavar="NAME",
                        help="class names in label order (default sorted; the last of two "
                        "is the positive class)")
    parser.add_argument("--positive", metavar="CLASS",
                        help="two classes: the positive class, the one sensitivity, precision "
                        "and ROC are about (default: not the one named like healthy/normal/"
                        "benign/no/false/0, else the second in sorted order)")
    parser.add_argument("--hidden", nargs="*", type=int, default=[8], metavar="N",
                        help="neurons per hidden layer (default 8; --hidden alone: no hidden layer)")
    parser.add_argument("--activation", default="relu",
                        help="hidden layers: relu, sigmoid, tanh, identity (default relu)")
    parser.add_argument("--output-activation", default=None,
                        help="softmax, sigmoid or identity (default: from the target)")
    parser.add_argument("--loss", default=None,
                        help="cross_entropy, bce, mse or ssr (default: from the target)")
    parser.add_argument("--optimizer", default="adam", help="sgd, momentum or adam (default adam)")
    parser.add_argument("--learning-rate", type=float, default=0.01, metavar="ETA",
                        help="step size (default 0.01, for adam; see 'why these defaults')")
    parser.add_argument("--epochs", type=int, default=200, help="epochs (default 200)")
    parser.add_argument("--batch-size", type=int, default=32,
                        help="rows per step (default 32; 0 = all rows)")
    parser.add_argument("--epoch-loss", choices=["auto", "exact", "running"], default="auto",
                        help="the loss recorded after each epoch: exact (over all training "
                        "rows, an extra pass), running (the mean of the epoch's batch losses, "
                        "no extra pass); default auto: exact up to 10 million rows x "
                        "parameters")
    parser.add_argument("--alpha", type=float, default=0.0,
                        help="L2 penalty alpha/(2n)·Σ||W||² (default 0)")
    parser.add_argument("--test-size", type=_test_size, default=0.25, metavar="SIZE",
                        help="held out for testing (stratified by class): a fraction of the rows "
                        "(default 0.25) or a number of rows (e.g. 30); 0: none")
    parser.add_argument("--early-stopping", action="store_true",
                        help="stop when the validation loss stops improving; keep the best")
    parser.add_argument("--validation-fraction", type=float, default=None,
                        help="fraction of the training rows to validate on (default 0.1 "
                        "with --early-stopping)")
    parser.add_argument("--patience", type=int, default=10,
                        help="epochs without improvement before early stopping (default 10)")
    parser.add_argument("--no-scale", action="store_true", help="do not standardise features")
    add_class_weight(parser)
    parser.add_argument("--threshold", type=float, default=None,
                        help="two classes only: predicted positive when P(positive class) >= "
                             "threshold (default 0.5)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds split, weights and shuffling (default 0)")
    parser.add_argument("--save", metavar="FILE", help="write the model file (JSON, "
                        "atomically); on Ctrl-C or divergence the last good epoch is saved")
    parser.add_argument("--checkpoint-every", type=int, default=None, metavar="N",
                        help="with --save: also save the model every N epochs")
    parser.add_argument("--plots", metavar="DIR", help="write the pictures into DIR: network, "
                        "loss, curve or map, confusion, ROC (of the test rows)")
    add_json(parser)


def _test_size(text: str):
    """``--test-size``: a whole number is a number of rows, anything else a fraction
    (as scikit-learn's train_test_split reads an int and a float)."""
    import argparse

    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a fraction of the rows (e.g. 0.25) or a number of rows (e.g. 30). "
            f"Got {text[:80]!r}") from None


def run(args) -> int:
    from ..checkpoint import ctrl_c_noticed

    with ctrl_c_noticed() as noticed:   # first: Ctrl-C while the next imports run counts too
        return _run(args, noticed)


def _run(args, noticed) -> int:
    from ..datasets import load_csv
    from ._args import class_weight_option, table_options

    ckpt = _checks(args)   # before the data and the training: fail in a second, not an hour
    init = _init(args)
    data = load_csv(args.data, target=args.target, features=args.features, task=args.task,
                    classes=args.classes, positive=args.positive, **table_options(args))
    class_weight = class_weight_option(args.class_weight, data)
    result = _fit(args, data, noticed, ckpt, init, class_weight)
    if isinstance(result, int):   # Ctrl-C or SIGTERM: the last good epoch saved
        return result
    if args.save:
        result.net.save(args.save)
    plots = []
    if args.plots:
        from ..plots.standard import fit_result_plots

        plots = [str(p) for p in fit_result_plots(args.plots, result)]
    if args.json:
        print_json(_report(args, data, result, plots))
        return 0
    _print(args, data, result)
    if plots:
        console().print(f"pictures: {', '.join(plots)}")
    return 0


def _init(args):
    """The model file of --init, loaded (its checks against the data come later)."""
    if not args.init:
        return None
    from ..modelfile import load

    return load(args.init)


def _fit(args, data, noticed, ckpt, init=None, class_weight=None):
    """The FitResult of training on ``data`` as the options say (a progress bar; Ctrl-C and
    --checkpoint-every saves); after Ctrl-C or SIGTERM the exit code (130, 143), with the
    last good epoch saved."""
    import sys

    from ..errors import TrainingError
    from ..progress import training_progress
    from ..workflow import fit_dataset

    try:
        # progress after each epoch, not each batch: a batch callback would force the
        # readable engine; so the command trains on the engine Network.fit takes
        with training_progress(args.epochs) as (on_epoch, _):
            return fit_dataset(
                data, hidden=args.hidden, activation=args.activation,
                output_activation=args.output_activation, loss=args.loss,
                optimizer=args.optimizer, learning_rate=args.learning_rate, epochs=args.epochs,
                batch_size=args.batch_size or None, alpha=args.alpha,
                test_size=args.test_size, seed=args.seed, scale=not args.no_scale,
                early_stopping=args.early_stopping,
                validation_fraction=args.validation_fraction, patience=args.patience,
                threshold=args.threshold, epoch_loss=args.epoch_loss,
                callbacks=(noticed,) + ((ckpt,) if ckpt else ()) + (on_epoch,),
                on_start=ckpt.start if ckpt else None, init=init, class_weight=class_weight)
    except KeyboardInterrupt as exc:    # Ctrl-C, or SIGTERM (interrupt.Terminated)
        if ckpt is None:
            raise
        from .. import interrupt

        sys.stderr.write(f"nnmath train: {interrupt.what(exc)} in epoch {ckpt.epoch + 1}. "
                         f"{_saved(ckpt, interrupt.what(exc))}\n")
        return interrupt.exit_code(exc)
    except TrainingError as exc:
        if ckpt is None:
            raise
        raise TrainingError(f"{exc} {_saved(ckpt, 'diverged')}") from None


def _report(args, data, result, plots) -> dict:
    """The --json object: the data, the network, the settings, the history, the metrics."""
    h = result.history
    target = args.target[0] if len(args.target) == 1 else list(args.target)
    return {"data": args.data, "target": target, "task": data.task,
            "notes": list(data.notes) + list(result.notes),
            "threshold": result.net.info.get("threshold"),
            "feature_names": list(data.feature_names),
            "class_names": list(data.class_names),
            "positive_class": result.net.info.get("positive_class"),
            "class_weight": result.net.info.get("class_weight"),
            "sizes": result.net.sizes,
            "n_train": len(result.train) - result.validation_rows,   # the rows trained on
            "n_validation": result.validation_rows,
            "n_test": 0 if result.test is None else len(result.test),
            "settings": result.net.info["training"], "epochs_run": h.epochs,
            "stop_reason": h.stop_reason, "best_epoch": h.best_epoch,
            "kept_epoch": h.kept_epoch, "kept_loss": h.kept_loss,
            "history": {"initial_loss": h.initial_loss, "loss": h.loss,
                        "val_loss": h.val_loss, "metrics": h.metrics,
                        "val_metrics": h.val_metrics, "loss_kind": h.loss_kind,
                        **({"recorded_epochs": h.recorded_epochs}   # a thinned run
                           if h.recorded_epochs else {})},
            "train": result.train_report, "validation": result.validation_report,
            "test": result.test_report,
            "saved": args.save, "plots": plots}


def _checks(args):
    """Check what can be checked before training; the Checkpoint for --save (or None)."""
    from ..checkpoint import Checkpoint
    from ..checks import check_seed
    from ..errors import ConfigError, must_be
    from ..inference import check_threshold
    from ..safefile import check_not_input, check_not_inside, check_writable

    inputs = {"the data file": args.data, "the --init model file": args.init}
    check_not_input(args.save, inputs, "--save")
    if args.plots:
        from ..plots.standard import PICTURE_NAMES

        check_not_inside(args.plots, inputs, "--plots", [f"{n}.png" for n in PICTURE_NAMES])
    if any(n < 1 for n in args.hidden):
        raise ConfigError(must_be("--hidden", "whole numbers of at least 1 (neurons per "
                                  "hidden layer)", args.hidden, "For example --hidden 8 4; "
                                  "give --hidden alone for no hidden layer."))
    check_seed(args.seed, "--seed")
    from ..network import check_sizes  # the network's size limits, with the data unread

    shown = " ".join(map(str, args.hidden[:8])) + (" ..." if len(args.hidden) > 8 else "")
    check_sizes([1, *args.hidden, 1], f"--hidden {shown} (with one input and one output)")
    if args.threshold is not None:
        check_threshold(args.threshold)   # the range now; two classes once the data is read
    if args.checkpoint_every is not None and not args.save:
        raise ConfigError(must_be("--checkpoint-every", "given with --save FILE",
                                  args.checkpoint_every, "Add --save model.json."))
    if args.plots:   # the folder (made if missing) must be writable: the nearest that exists
        from pathlib import Path

        from ..plots.figure import require_matplotlib

        require_matplotlib("--plots")
        folder = Path(args.plots)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise ConfigError(must_be("the plots folder", "a folder", str(args.plots),
                                      "Choose another --plots."))
        check_writable(folder / "nnmath-probe.png")
    if not args.save:
        return None
    check_writable(args.save)
    return Checkpoint(args.save, every=args.checkpoint_every)


def _saved(ckpt, reason) -> str:
    """Save the last good epoch (if any) and say where."""
    epoch = ckpt.save_last_good(reason)
    if epoch is None:
        return f"No epoch had finished, so {ckpt.path} was not changed."
    return f"The parameters after epoch {epoch} (the last good one) were saved to {ckpt.path}."


def _print(args, data, result):
    from ..render.tables import confusion_table, metrics_table, positive_line, summary_table
    from ..render.text import num
    from ..summary import summarize

    out, h = console(), result.history
    for note in (*data.notes, *result.notes):
        out.print(f"note: {note}", markup=False, highlight=False)
    if data.notes or result.notes:
        out.print()
    target = ", ".join(repr(t) for t in args.target)
    out.print(summary_table(summarize(result.net), title=f"network for {target} "
                            f"({data.task})"))
    out.print()
    n_test = 0 if result.test is None else len(result.test)
    n_val = result.validation_rows
    held = f"{n_val} for validation, {n_test} held out for testing" if n_val else \
        f"{n_test} held out for testing"
    out.print(f"trained on {len(result.train) - n_val} rows ({held}): "
              f"{h.describe_stop()}; loss {num(h.initial_loss)} → {num(h.kept_loss)}"
              + (f" at epoch {h.kept_epoch}, the model kept" if h.kept_epoch != h.epochs
                 else ""))
    if h.loss_kind != "exact":   # the large-data choice (or --epoch-loss running)
        out.print("the loss after each epoch is the running mean of its batch losses (each "
                  "before its update: no extra pass over the rows); --epoch-loss exact for "
                  "the cost over all rows", markup=False, highlight=False)
    out.print()
    out.print(metrics_table({"train": result.train_report,
                             "validation": result.validation_report,
                             "test": result.test_report}))
    final = result.test_report or result.train_report
    if positive_line(final):
        out.print(positive_line(final) + " Choose it with --positive.")
    if "confusion_matrix" in final and len(final.get("class_names", ())) <= 20:
        out.print()
        out.print(confusion_table(final, title="confusion matrix ("
                                  + ("test" if result.test_report else "train") + ")"))
    if args.save:
        out.print(f"\nsaved to {args.save}  ·  next: nnmath predict {_quoted(args.save)} "
                  f"--data NEW.csv  ·  nnmath evaluate {_quoted(args.save)} NEW.csv (rows "
                  "it has not seen)", markup=False, highlight=False)


def _quoted(text: str) -> str:
    """``text`` as one shell word."""
    import shlex

    return shlex.quote(str(text))
