"""The HTML report of `metricspec report` (ACTUALS.md, "report").

`chart` draws a target's trajectory as inline SVG; `render.render_report` fills the page's
Jinja2 template from the JSON that `status` and `lint` print. Jinja2 is imported by `render`
only: nothing on lint's path imports this package.
"""
