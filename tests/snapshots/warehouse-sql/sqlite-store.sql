-- series
-- binds: {"r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "r1_0": "report-errors", "r1_1": "0001-01-01", "today": "2026-12-01"}
WITH req(metric, start) AS (VALUES (:r0_0, :r0_1), (:r1_0, :r1_1))
SELECT r.metric, '', a.at, a.value, 1 FROM req r JOIN actuals a
  ON a.metric = r.metric AND a.segment = '' AND a.at >= r.start AND a.at <= :today
UNION ALL
SELECT r.metric, '', a.at, a.value, 1 FROM req r JOIN actuals a
  ON a.metric = r.metric AND a.segment = '' AND a.at = (
    SELECT MAX(b.at) FROM actuals b WHERE b.metric = r.metric AND b.segment = '' AND b.at < r.start);

-- span_points
-- binds: {"r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "r0_2": "2026-07-01", "r0_3": "2026-11-30", "r0_4": ",plan_tier,", "r1_0": "report-errors", "r1_1": "0001-01-01", "r1_2": "2026-07-01", "r1_3": "2026-11-30", "r1_4": ",,", "today": "2026-12-01"}
WITH RECURSIVE req(metric, start, s, tl, dims) AS (VALUES (:r0_0, :r0_1, :r0_2, :r0_3, :r0_4), (:r1_0, :r1_1, :r1_2, :r1_3, :r1_4)),
g(metric, segment) AS (
  SELECT r.metric, (SELECT MIN(a.segment) FROM actuals a WHERE a.metric = r.metric AND a.segment > '') FROM req r
  UNION ALL
  SELECT g.metric, (SELECT MIN(a.segment) FROM actuals a WHERE a.metric = g.metric AND a.segment > g.segment)
  FROM g WHERE g.segment IS NOT NULL
),
p AS (
  SELECT g.metric, g.segment,
    CASE WHEN instr(r.dims, ',' || substr(g.segment, 1, max(instr(g.segment, '=') - 1, 0)) || ',') = 0
              OR instr(g.segment, '=') < 2
         THEN (SELECT COUNT(*) FROM actuals x WHERE x.metric = g.metric AND x.segment = g.segment
               AND x.at >= r.start AND x.at <= :today) ELSE 0 END AS n,
    COALESCE((SELECT MAX(x.at) FROM actuals x WHERE x.metric = g.metric AND x.segment = g.segment AND x.at <= r.s AND x.at >= r.start),
             (SELECT MIN(x.at) FROM actuals x WHERE x.metric = g.metric AND x.segment = g.segment AND x.at > r.s AND x.at <= :today)) AS start_at,
    (SELECT MAX(x.at) FROM actuals x WHERE x.metric = g.metric AND x.segment = g.segment AND x.at <= r.tl AND x.at >= r.start) AS end_at
  FROM g JOIN req r ON r.metric = g.metric WHERE g.segment IS NOT NULL
)
SELECT p.metric, p.segment, p.n, p.n, p.start_at, (SELECT v.value FROM actuals v WHERE v.metric = p.metric AND v.segment = p.segment AND v.at = p.start_at), p.end_at, (SELECT v.value FROM actuals v WHERE v.metric = p.metric AND v.segment = p.segment AND v.at = p.end_at)
FROM p;

-- census
-- binds: {}
WITH RECURSIVE ids(metric) AS (
  SELECT MIN(metric) FROM actuals
  UNION ALL
  SELECT (SELECT MIN(a.metric) FROM actuals a WHERE a.metric > ids.metric) FROM ids WHERE ids.metric IS NOT NULL
)
SELECT metric, NULL, 0, 0 FROM ids WHERE metric IS NOT NULL;

-- series --segment plan_tier=enterprise
-- binds: {"r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "segment": "plan_tier=enterprise", "today": "2026-12-01"}
WITH req(metric, start) AS (VALUES (:r0_0, :r0_1))
SELECT r.metric, a.segment, a.at, a.value, 1 FROM req r JOIN actuals a
  ON a.metric = r.metric AND a.segment = :segment AND a.at >= r.start AND a.at <= :today;

-- series --segment plan_tier
-- binds: {"high": "plan_tier>", "low": "plan_tier=", "r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "today": "2026-12-01"}
WITH req(metric, start) AS (VALUES (:r0_0, :r0_1))
SELECT r.metric, a.segment, a.at, a.value, 1 FROM req r JOIN actuals a
  ON a.metric = r.metric AND a.segment >= :low AND a.segment < :high AND a.at >= r.start AND a.at <= :today;
