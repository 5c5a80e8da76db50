"""Checks on what a student passes in, run before anything is computed or sent: one text where a list is expected
(or the reverse), an unknown name, an empty input. Each raises an error that says what to pass instead."""

from __future__ import annotations


def choice(name, choices, what: str):
    """``name`` if it is one of ``choices``; otherwise ``ValueError: unknown <what> ...; choose one of [...]``."""
    if name not in choices:
        raise ValueError(f"unknown {what} {name!r}; choose one of {sorted(choices)}")
    return name


def text_list(texts, what: str = "texts") -> list:
    """``texts`` as a non-empty list. One string is refused (iterating it would give one item per character)."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{what} must be a list, not one string ({str(texts)[:40]!r}...); "
                        f"for a single one pass [{what[:-1] if what.endswith('s') else what}]")
    if isinstance(texts, dict):
        raise TypeError(f"{what} must be a list, not a dict")
    items = list(texts)
    if not items:
        raise ValueError(f"{what} is empty: pass at least one")
    return items


def one_text(text, what: str = "text") -> str:
    """``text`` if it is one string; a list or array of them is refused with a pointer to the batch call."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be one string, got {type(text).__name__}; for many, call this once per "
                        "item or use the batch function")
    return text


def whole(value, what: str, minimum: int = 0) -> int:
    """``value`` as an int if it is a whole number >= ``minimum`` (a bool, a fraction, NaN or a string is refused)."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def share(value, what: str, low: float = 0.0, high: float = 1.0) -> float:
    """``value`` as a float if it is a number in [low, high] (a percentage such as 80 for 0.8 is refused)."""
    import math
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or not low <= value <= high:
        hint = f" (a share: {value / 100:g}, not {value:g})" if isinstance(value, numbers.Real) and \
            1 < value <= 100 and high <= 1 else ""
        raise ValueError(f"{what} must be a number from {low:g} to {high:g}{hint}, got {value!r}")
    return float(value)


def finite(value, what: str, minimum: float | None = None) -> float:
    """``value`` as a float if it is a finite number (>= ``minimum`` if given); NaN, inf, a bool or a string is
    refused."""
    import math
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or (minimum is not None and value < minimum):
        bound = f" >= {minimum:g}" if minimum is not None else ""
        raise ValueError(f"{what} must be a finite number{bound}, got {value!r}")
    return float(value)


def positive(value, what: str) -> float:
    """``value`` as a float if it is a finite number > 0."""
    if finite(value, what) <= 0:
        raise ValueError(f"{what} must be a finite number > 0, got {value!r}")
    return float(value)


def shares(values, what: str):
    """``values`` as a float array of shares in [0, 1] (probabilities); NaN, text and percentages are refused."""
    import numpy as np

    out = np.asarray(values)
    if out.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be numbers from 0 to 1, got {out.dtype} values ({str(values)[:40]}...)")
    out = out.astype(float)
    if not np.isfinite(out).all():
        raise ValueError(f"{what} hold {int((~np.isfinite(out)).sum())} NaN or infinite value(s); give numbers "
                         "from 0 to 1")
    if out.size and not (out.min() >= 0 and out.max() <= 1):
        hint = " (shares: give 0.8, not 80)" if 1 < out.max() <= 100 and out.min() >= 0 else ""
        raise ValueError(f"{what} must be numbers from 0 to 1{hint}, got values from {out.min():g} to {out.max():g}")
    return out


def proba_rows(proba, what: str = "proba"):
    """``proba`` as an array of shape (items, classes) whose rows are probabilities (each a share, each row summing
    to 1); one probability per item, NaN, text or percentages are refused."""
    import numpy as np

    out = shares(proba, what)
    if out.ndim != 2 or out.shape[0] == 0 or out.shape[1] < 2:
        raise ValueError(f"{what} must be a table of class probabilities, one row per item and one column per class "
                         f"(e.g. model.predict_proba(X)), got shape {out.shape}")
    sums = out.sum(axis=1)
    if not np.allclose(sums, 1, atol=1e-3):
        raise ValueError(f"each row of {what} must sum to 1 (probabilities over the classes); row sums run from "
                         f"{sums.min():g} to {sums.max():g}")
    return np.asarray(proba)  # checked, in its own dtype: the scores computed from it stay as they were
