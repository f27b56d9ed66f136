-- series
-- binds: {"r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "r1_0": "report-errors", "r1_1": "0001-01-01", "today": "2026-12-01"}
WITH req AS (SELECT :r0_0 AS metric, CAST(:r0_1 AS DATE) AS from_day UNION ALL SELECT :r1_0 AS metric, CAST(:r1_1 AS DATE) AS from_day),
g AS (
  SELECT t.metric AS metric, '' AS segment, t.at AS at, AVG(t.value) AS value, COUNT(*) AS n
  FROM actuals t JOIN req r ON t.metric = r.metric
  WHERE (t.segment IS NULL OR t.segment = '') AND t.at <= CAST(:today AS DATE) AND (t.value IS NOT NULL AND t.value - t.value = 0) AND (t.at IS NOT NULL)
  GROUP BY t.metric, t.at
),
w AS (
  SELECT g.metric, g.segment, g.at, g.value, g.n, r.from_day,
         ROW_NUMBER() OVER (PARTITION BY g.metric, g.segment, CASE WHEN g.at < r.from_day THEN 0 ELSE 1 END
                            ORDER BY g.at DESC) AS recency
  FROM g JOIN req r ON g.metric = r.metric
)
SELECT w.metric, w.segment, w.at, w.value, w.n FROM w
WHERE w.at >= w.from_day OR w.recency = 1
ORDER BY w.metric, w.segment, w.at;

-- span_points
-- binds: {"r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "r0_2": "2026-07-01", "r0_3": "2026-11-30", "r1_0": "report-errors", "r1_1": "0001-01-01", "r1_2": "2026-07-01", "r1_3": "2026-11-30", "today": "2026-12-01"}
WITH req AS (SELECT :r0_0 AS metric, CAST(:r0_1 AS DATE) AS from_day, CAST(:r0_2 AS DATE) AS s, CAST(:r0_3 AS DATE) AS tl UNION ALL SELECT :r1_0 AS metric, CAST(:r1_1 AS DATE) AS from_day, CAST(:r1_2 AS DATE) AS s, CAST(:r1_3 AS DATE) AS tl),
b AS (
  SELECT t.metric AS metric, t.segment AS segment, COUNT(*) AS n, COUNT(DISTINCT t.at) AS days,
         MAX(CASE WHEN t.at <= r.s THEN t.at END) AS before_s,
         MIN(CASE WHEN t.at > r.s THEN t.at END) AS after_s,
         MAX(CASE WHEN t.at <= r.tl THEN t.at END) AS end_at
  FROM actuals t JOIN req r ON t.metric = r.metric
  WHERE NOT (t.segment IS NULL OR t.segment = '') AND t.at >= r.from_day AND t.at <= CAST(:today AS DATE) AND (t.value IS NOT NULL AND t.value - t.value = 0) AND (t.at IS NOT NULL)
  GROUP BY t.metric, t.segment
)
SELECT b.metric, b.segment, b.n, b.days,
       COALESCE(b.before_s, b.after_s) AS start_at,
       (SELECT AVG(x.value) FROM actuals x WHERE x.metric = b.metric AND x.segment = b.segment AND x.at = COALESCE(b.before_s, b.after_s) AND (x.value IS NOT NULL AND x.value - x.value = 0) AND (x.at IS NOT NULL)) AS start_value,
       b.end_at, (SELECT AVG(x.value) FROM actuals x WHERE x.metric = b.metric AND x.segment = b.segment AND x.at = b.end_at AND (x.value IS NOT NULL AND x.value - x.value = 0) AND (x.at IS NOT NULL)) AS end_value
FROM b ORDER BY b.metric, b.segment;

-- census
-- binds: {"today": "2026-12-01"}
SELECT t.metric, COUNT(*),
       SUM(CASE WHEN (t.value IS NOT NULL AND t.value - t.value = 0) THEN 0 ELSE 1 END),
       SUM(CASE WHEN (t.at IS NOT NULL) THEN 0 ELSE 1 END)
FROM actuals t
WHERE t.at <= CAST(:today AS DATE) OR (CASE WHEN (t.at IS NOT NULL) THEN 0 ELSE 1 END) = 1
GROUP BY t.metric ORDER BY t.metric;

-- series --segment plan_tier=enterprise
-- binds: {"r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "segment": "plan_tier=enterprise", "today": "2026-12-01"}
WITH req AS (SELECT :r0_0 AS metric, CAST(:r0_1 AS DATE) AS from_day),
g AS (
  SELECT t.metric AS metric, t.segment AS segment, t.at AS at, AVG(t.value) AS value, COUNT(*) AS n
  FROM actuals t JOIN req r ON t.metric = r.metric
  WHERE t.segment = :segment AND t.at <= CAST(:today AS DATE) AND (t.value IS NOT NULL AND t.value - t.value = 0) AND (t.at IS NOT NULL)
  GROUP BY t.metric, t.segment, t.at
),
w AS (
  SELECT g.metric, g.segment, g.at, g.value, g.n, r.from_day,
         ROW_NUMBER() OVER (PARTITION BY g.metric, g.segment, CASE WHEN g.at < r.from_day THEN 0 ELSE 1 END
                            ORDER BY g.at DESC) AS recency
  FROM g JOIN req r ON g.metric = r.metric
)
SELECT w.metric, w.segment, w.at, w.value, w.n FROM w
WHERE w.at >= w.from_day OR w.recency = 1
ORDER BY w.metric, w.segment, w.at;

-- series --segment plan_tier
-- binds: {"prefix": "plan\\_tier=%", "r0_0": "weekly-report-builders", "r0_1": "2026-06-24", "today": "2026-12-01"}
WITH req AS (SELECT :r0_0 AS metric, CAST(:r0_1 AS DATE) AS from_day),
g AS (
  SELECT t.metric AS metric, t.segment AS segment, t.at AS at, AVG(t.value) AS value, COUNT(*) AS n
  FROM actuals t JOIN req r ON t.metric = r.metric
  WHERE t.segment LIKE :prefix AND t.at <= CAST(:today AS DATE) AND (t.value IS NOT NULL AND t.value - t.value = 0) AND (t.at IS NOT NULL)
  GROUP BY t.metric, t.segment, t.at
),
w AS (
  SELECT g.metric, g.segment, g.at, g.value, g.n, r.from_day,
         ROW_NUMBER() OVER (PARTITION BY g.metric, g.segment, CASE WHEN g.at < r.from_day THEN 0 ELSE 1 END
                            ORDER BY g.at DESC) AS recency
  FROM g JOIN req r ON g.metric = r.metric
)
SELECT w.metric, w.segment, w.at, w.value, w.n FROM w
WHERE w.at >= w.from_day OR w.recency = 1
ORDER BY w.metric, w.segment, w.at;
