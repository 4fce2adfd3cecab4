"""Arguments that several commands share, defined once."""

from __future__ import annotations


def add_model(parser) -> None:
    parser.add_argument("model", metavar="MODEL.json", help="a model file (nnmath.network/1)")


def add_threshold_and_json(parser) -> None:
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="binary: class 1 when P(class 1) >= threshold (default 0.5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
