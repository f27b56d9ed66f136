"""Actuals: measured values of metrics, where they are stored, and how targets fare against them.

A library with no command line of its own (ACTUALS.md is its contract):

- `model`: the plain data the rest works on (a metric as status sees it, a row of actuals,
  thresholds, findings), independent of the workspace and of pydantic.
- `rows`: reading and checking CSV rows for `actuals import` / `add`.
- `store`: the embedded SQLite store: schema, locking, writing, listing.
- `urls`: `${VAR}` expansion, password masking and the choice of a metric's source.
- `pushdown`: the SQL every source runs; `sources`: the reading adapters (the SQLite store, CSV
  files in an in-memory SQLite), each pushing the filters and per-series points down into SQL.
- `status`: pure functions from series to figures and a status; `findings`: the A rules'
  predicates; `report`: the JSON report dict.

Only the standard library is imported here; SQLAlchemy is to be imported only when a warehouse
URL is read.
"""
