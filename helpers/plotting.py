"""One plotting style for the whole series: readable on a projector, colour-blind-safe, same colour per strategy.

Introduced in notebook 01 (``use_style``, ``COLORS``, ``band``); used by every notebook except 05b and 06a.
"""

import matplotlib as mpl
import matplotlib.pyplot as plt  # re-exported, so a notebook's one import line brings ``plt`` too

# Okabe-Ito colours, one per labeling strategy, used by every notebook.
COLORS = {
    "human": "#000000",
    "random": "#999999",
    "active": "#0072B2",
    "weak": "#E69F00",
    "llm": "#CC79A7",
    "noise": "#009E73",
    "hybrid": "#D55E00",
}


def use_style() -> None:
    """Apply the series' matplotlib style (call once per notebook, after the imports).

    Returns:
        None; it updates ``matplotlib.rcParams`` for the rest of the session.
    """
    mpl.rcParams.update({
        "figure.figsize": (7.5, 4.2),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "legend.frameon": False,
        "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())[1:]),
        "svg.hashsalt": "labeling-course",  # deterministic SVG ids
    })


def band(ax, x, mean, low, high, label=None, color=None, **kwargs):
    """A line with a shaded band (e.g. mean and 5-95% over resamples or seeds).

    Args:
        ax: the matplotlib ``Axes`` to draw on.
        x: the x positions, a 1-d sequence.
        mean: the line's y values, one per x.
        low: the band's lower edge, one per x.
        high: the band's upper edge, one per x.
        label: the line's legend entry; None for none.
        color: the line's and band's colour (e.g. ``COLORS["active"]``); None takes the next colour of the cycle.
        **kwargs: passed on to ``ax.plot`` (``linestyle``, ``marker``, ...).

    Returns:
        The line, a matplotlib ``Line2D``; the band is drawn in its colour at 20% opacity.
    """
    (line,) = ax.plot(x, mean, label=label, color=color, **kwargs)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    return line


__all__ = ["COLORS", "use_style", "band", "plt"]
