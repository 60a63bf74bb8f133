"""Report charts in one style, sized for an A4 page (16 cm of printable width).

Labels are Vietnamese or English, every number goes through :mod:`helpers.fmt`
(``1.989``, ``90,35%``), and a value of ``None`` (not reported) is a gap, never
a zero. Each chart function returns a :class:`~matplotlib.figure.Figure` made
outside pyplot, so a notebook loop does not accumulate open figures.

- **Font**: Be Vietnam Pro from the ``fontpkg-be-vietnam-pro`` package (the
  report's font), registered with matplotlib once per process; no system font
  is looked for. SVG keeps text as text (``svg.fonttype: none``), so the PDF
  and the HTML can be searched for a chart's labels.
- **Text is text**: unit names and labels are never TeX (``text.parse_math``
  is off): ``$\\x$`` or ``50%_$x$`` are drawn as typed.
- **Honest marks**: a target line always lies inside the axis range; a bar has
  the colour of its own status (``met``, ``not_met``, ``on_track``, ``behind``,
  ``no_target``) and the legend lists only the statuses drawn.
- **Cheap** (``benchmarks/bench_charts.py``): a chart is laid out here from
  measured text sizes (margins, limits, value labels fixed when it is built)
  instead of by matplotlib's constrained layout, so the figure is drawn once,
  when its SVG is written (:func:`svg`); each text is measured once per process;
  category, month and value labels are plain texts and grid lines one
  collection, not matplotlib ticks (five artists each).

The package: :mod:`.style` (fonts, colours, sizes), :mod:`.measure` (text sizes), :mod:`.marks`
(wording, numbers, statuses), :mod:`.layout` (figure, legend and axes sizing), :mod:`.axes` (value and
category axes, bars), one module per chart kind (:mod:`.trend`, :mod:`.comparison`, :mod:`.progress`,
:mod:`.findings`) and :mod:`.output` (SVG, display, files). This module names what callers use.
"""

from .axes import category_labels, value_labels
from .comparison import comparison_chart
from .findings import findings_bar
from .measure import text_height, text_width
from .output import save, show, svg, to_svg
from .progress import target_progress_chart
from .style import COLORS, FONT_FAMILY, PAGE_WIDTH, STYLE, register_fonts, report_style
from .trend import month_label, trend_chart

__all__ = ["COLORS", "FONT_FAMILY", "PAGE_WIDTH", "STYLE", "category_labels", "comparison_chart", "findings_bar",
           "month_label", "register_fonts", "report_style", "save", "show", "svg", "target_progress_chart",
           "text_height", "text_width", "to_svg", "trend_chart", "value_labels"]
