"""One look for every figure: fixed colours per platform and per role, and a font that has Chinese.

Colours are fixed dicts (not assigned in order of appearance) so a platform or a role has the
same colour on every page and under every filter. Palettes are colour-blind safe: platforms use
Okabe–Ito, roles Paul Tol's "muted" set (9 colours + pale grey for "other").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from warehouse.platforms import platform_profiles

FONT_FAMILY = '"Noto Sans CJK SC", sans-serif'

# Each platform's fixed colour comes with the platform list (warehouse/platforms.yaml).
PLATFORM_COLOURS: dict[str, str] = {
    platform_id: profile.colour
    for platform_id, profile in platform_profiles().items()
    if profile.colour
}
OTHER_PLATFORM_COLOUR = "#999999"  # generic platform ids
ALL_PLATFORMS_COLOUR = "#0072B2"  # blue: the all-platform total

ROLE_COLOURS: dict[str, str] = {
    "product_manager": "#CC6677",  # rose
    "designer": "#332288",  # indigo
    "engineer": "#DDCC77",  # sand
    "film_advertising": "#117733",  # green
    "student": "#88CCEE",  # cyan
    "artist_creator": "#882255",  # wine
    "marketing_operations": "#44AA99",  # teal
    "teacher_researcher": "#999933",  # olive
    "founder": "#AA4499",  # purple
    "other": "#DDDDDD",  # pale grey
}

# Series without a fixed meaning (years overlaid, a single measure) take colours in this order.
SERIES_COLOURS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)
NEUTRAL_COLOUR = "#0072B2"  # bars of one measure
REFERENCE_COLOUR = "#777777"  # comparison lines (median of similar programs, markers)
PEAK_COLOUR = "#D55E00"
# Sequential scale for shares and counts; cividis is readable with every colour-vision deficiency.
SEQUENTIAL_SCALE = "Cividis"


def platform_colour(platform_id: str) -> str:
    """The fixed colour of a platform (grey for a generic platform id)."""
    return PLATFORM_COLOURS.get(platform_id, OTHER_PLATFORM_COLOUR)


def role_colour(role: str) -> str:
    """The fixed colour of a role; KeyError for a value that is not a role."""
    return ROLE_COLOURS[role]


def series_colour(index: int) -> str:
    """The index-th colour of the ordered series palette (wrapping round)."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


@cache
def template() -> go.layout.Template:
    """plotly_white trimmed to the layout and the trace types we draw.

    Naming "plotly_white" makes plotly validate and deep-copy the whole template (defaults for
    two dozen trace types) on every figure: ~70-240 ms each, most of a callback's time. The
    trimmed one looks the same for our charts at a tenth of the cost.
    """
    white = pio.templates["plotly_white"]
    data = white.data.to_plotly_json()
    return go.layout.Template(
        layout=white.layout, data={k: data[k] for k in ("bar", "scatter", "heatmap", "scattergeo")}
    )


# The plot area's margins (px) every figure starts from.
MARGIN = {"l": 60, "r": 20, "t": 90, "b": 50}


def figure(title: str, /, *, data: Sequence[Any] = (), **layout: Any) -> go.Figure:
    """A figure with the shared layout (plus `layout`) and the traces `data`.

    Building figures was most of a page's time on a cache miss (a dozen figures per render), so:
    the layout goes to the constructor (update_layout validates the template again on its way
    in), and the figure does not re-validate every property set on it afterwards (plotly's
    `_validate=False`; the same JSON for valid input). Traces are still validated when they are
    made (but for the long series of live charts), and tests/dashboard/test_figures_valid.py
    re-validates every page's rendered figures, so a wrong property name still fails a test. ~36 -> ~8 ms for a bar chart on 2 cores.
    Every later `update_xaxes` / `update_layout` / `add_annotation` costs 2-5 ms more, so the
    charts a page draws by the dozen pass their axes, annotations and traces here, at once.
    `title` is positional only, so `layout` may hold a whole `title` dict (e.g. with a subtitle).
    """
    return go.Figure(data=list(data), layout={**base_layout(title), **layout}, _validate=False)


def axis(
    title: str | None = None, *, standoff: int | None = None, **settings: Any
) -> dict[str, Any]:
    """An axis's layout (for `figure`): its title text, if any, the title's distance from the
    tick labels (px), if given, and other settings."""
    heading = ({"text": title} if title is not None else {}) | (
        {"standoff": standoff} if standoff is not None else {}
    )
    return ({"title": heading} if heading else {}) | settings


def base_layout(title: str) -> dict[str, Any]:
    """Layout settings every figure shares."""
    return {
        "title": {
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "yref": "container",
        },
        "font": {"family": FONT_FAMILY, "size": 13},
        "template": template(),
        "margin": dict(MARGIN),
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }
