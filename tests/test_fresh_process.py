"""Each public name, used first thing in a fresh process.

``nnmath`` imports its public names lazily (PEP 562). A name that only works once another
has been touched (``nnmath.save`` once raised ``NameError: name 'Network' is not defined``
unless something had looked up ``nnmath.Network`` first, as every test in this process
does) is found only by a process that starts with nothing but ``import nnmath``.
"""

import json
import subprocess
import sys

import pytest

import nnmath

# name -> a short program that uses it right after `import nnmath` and prints a result
USES = {
    "Dense": "d = nnmath.Dense(W=[[0.5]], b=[0.0]); print(d.W.tolist(), d.activation)",
    "History": "h = nnmath.History(loss=[0.5, 0.25]); print(h.loss, h.to_dict()['loss'])",
    "Network": "net = nnmath.Network.random([1, 1, 1], seed=0); print(net.sizes)",
    "NnmathError": "print(issubclass(nnmath.NnmathError, Exception))",
    "__version__": "print(nnmath.__version__)",
    "datasets": "X, y = nnmath.datasets.psa(); print(X.shape, y.shape)",
    "explain": ("from nnmath.article import network_b\n"
                "t = nnmath.explain(network_b(), [2.0], [0.0], loss='ssr', learning_rate=0.1)\n"
                "print(round(float(t.loss), 4))"),
    "load": ("import sys; net = nnmath.load(sys.argv[1]); "
             "print(net.forward([[2.0]]).round(6).tolist())"),
    "save": ("import sys, json\n"
             "nnmath.save(nnmath.load(sys.argv[1]), sys.argv[1] + '.copy.json')\n"
             "print(json.load(open(sys.argv[1] + '.copy.json'))['format'])"),
    # the second call finds nnmath.widget replaced by its module, which is callable too
    "widget": ("from nnmath.article import network_b\n"
               "w = nnmath.widget(network_b(), sample=8); w.forward()\n"
               "again = nnmath.widget(network_b())\n"
               "print(round(w.steps['current']['loss'], 4), again.stage)"),
}

EXPECTED = {
    "Dense": "[[0.5]] sigmoid",
    "History": "[0.5, 0.25] [0.5, 0.25]",
    "Network": "[1, 1, 1]",
    "NnmathError": "True",
    "__version__": nnmath.__version__,
    "datasets": "(14, 1) (14,)",
    "explain": "0.0528",
    "load": "[[0.324962]]",
    "save": "nnmath.network/1",
    "widget": "0.0528 0",
}


def test_every_public_name_is_covered():
    assert sorted(USES) == sorted(nnmath.__all__) == sorted(EXPECTED)


@pytest.mark.process
@pytest.mark.parametrize("name", sorted(USES))
def test_public_name_works_first_in_a_fresh_process(name, tmp_path):
    model = tmp_path / "b.json"
    model.write_text(json.dumps({"format": "nnmath.network/1", "layers": [
        {"activation": "sigmoid", "W": [[0.5]], "b": [0.0]},
        {"activation": "sigmoid", "W": [[-1.0]], "b": [0.0]}]}))
    code = "import nnmath\n" + USES[name]
    out = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == EXPECTED[name]
