"""What ``nnmath plot`` draws from: the article's network (A, trained; B, for one step) or
the user's model file, its data, its recorded history and the sample of a step."""

from __future__ import annotations

from ..errors import ConfigError, must_be
from ._sample import read_sample

__all__ = ["PlotSource"]


class PlotSource:
    """The network (and data) a plot is about: the article's, or the user's model file."""

    def __init__(self, args, epochs):
        from ..article import B_LEARNING_RATE, PSA_TEST, network_a_trained, network_b
        from ._data import transform_of

        self.args, self.transform = args, None
        if args.data and not args.model:
            raise ConfigError(must_be("--data", "given with --model", args.data,
                                      "The article's networks are drawn with the PSA data."))
        self.article = None if args.model else (
            args.article or ("b" if args.kind in ("network", "loss", "animation") else "a"))
        if args.model:
            from ..modelfile import load

            self.net = load(args.model)
            self.loss = args.loss or self.net.info.get("loss", "ssr")
            self.transform = transform_of(self.net)
            self.default_x = self.default_y = None
        elif self.article == "a":
            self.net, self.loss = network_a_trained(), args.loss or "cross_entropy"
            self.default_x, self.default_y = [PSA_TEST], ["1", "0"]
        else:
            self.net, self.loss = network_b(), args.loss or "ssr"
            self.default_x, self.default_y = [PSA_TEST], ["0"]
            if args.kind in ("curve", "roc", "pr", "confusion", "map"):   # B trained, as the article
                data = self.data()
                self.net.fit(data.X, data.targets(1), loss="ssr", learning_rate=B_LEARNING_RATE,
                             epochs=epochs, batch_size=1)

    @property
    def task(self) -> str:
        from ..inference import task_of

        return "classification" if self.article else task_of(self.net)

    def recorded_history(self):
        """The History recorded in the model file (``"history"``), or a clear error."""
        from ..history import History

        record = self.net.info.get("history")
        if record is None:
            raise ConfigError(must_be(f"the model file {self.args.model!r}", "one with a record "
                                      "of its training (the key \"history\") to draw its loss",
                                      "no record", "Train it with 'nnmath train DATA.csv "
                                      "--target COL --save MODEL.json': the file then records "
                                      "the loss per epoch."))
        return History.from_dict(record, settings=self.net.info.get("training") or {})

    def regression_names(self, data=None) -> dict:
        """Feature and target names of a regression model: its file's, else the data's,
        else x (x1, x2, ...) and y."""
        info = self.net.info
        features = list(info.get("feature_names") or getattr(data, "feature_names", ()) or ())
        if len(features) != self.net.n_inputs:
            features = ["x"] if self.net.n_inputs == 1 else \
                [f"x{i + 1}" for i in range(self.net.n_inputs)]
        target = info.get("target_name") or getattr(data, "target_name", None) or "y"
        return {"feature_names": features, "target_name": str(target)}

    def feature_limits(self, spread: float):
        """Per input: mean ± ``spread`` std of the stored scaling (the training rows' range),
        else (-spread, spread)."""
        from ..inference import scaling_of

        scaling = scaling_of(self.net)
        if scaling is None:
            return [(-spread, spread)] * self.net.n_inputs
        return [(float(m - spread * s), float(m + spread * s))
                for m, s in zip(scaling.mean, scaling.std)]

    def inputs(self, X):
        """Rows as the network sees them (the stored scaling applied)."""
        return X if self.transform is None else self.transform(X)

    def trace(self):
        """The step drawn: on the sample the options give (raw; the model's stored scaling
        is the step's first part), or None for a model drawn without a sample."""
        from ..trace import explain

        net = self.net
        if self.article:   # the article's networks: PSA in, Healthy or Cancer out
            net = net.copy()
            net.info = {**net.info, "class_names": ["Healthy", "Cancer"]}
        sample = read_sample(self.args, net, self.default_x, self.default_y, batch=False)
        if sample is None:
            return None
        rate = self.args.learning_rate
        return explain(self.net, sample.X, sample.T, loss=self.loss,
                       learning_rate=0.1 if rate is None else rate)

    def data(self, required=True):
        """The rows drawn (``--data``, or the PSA rows for the article's networks); the
        transform then reads their category texts."""
        from ._data import model_data, transform_of

        data = model_data(self.args, self.net, required)
        if self.args.model and data is not None:
            self.transform = transform_of(self.net, data)
        return data

    def names(self) -> dict:
        if self.article:
            return {"feature_names": ["PSA"], **({"output_names": ["Healthy", "Cancer"]}
                                                 if self.article == "a" else {})}
        info, names = self.net.info, {}
        if len(info.get("feature_names") or ()) == self.net.n_inputs:
            names["feature_names"] = list(info["feature_names"])
        if len(info.get("class_names") or ()) == self.net.n_outputs > 1:
            names["output_names"] = list(info["class_names"])
        return names

    def plot_options(self) -> dict:
        """Names for the curve or map: the PSA data's, or the model file's."""
        if self.article:
            return {"class_names": ("Healthy", "Cancer"), "feature_name": "PSA"}
        info = self.net.info
        options: dict[str, object] = {}
        if info.get("class_names"):
            options["class_names"] = list(info["class_names"])
        features = list(info.get("feature_names") or ())
        if self.net.n_inputs == 1:
            options["feature_name"] = features[0] if len(features) == 1 else "PSA"
        elif len(features) == self.net.n_inputs:
            options["feature_names"] = features
        return options
