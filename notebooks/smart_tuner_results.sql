-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Smart Tuner: a study's results
-- MAGIC Start (or resume) a study as a Databricks JAR task with `org.smarttuner.cli.Main` and the
-- MAGIC parameters `tune --config /dbfs/smart-tuner/gpu-cluster.yaml`, or from the `%sh` cell below.
-- MAGIC Then read its Delta tables here. Set the widgets to the study's `output.delta_path` and name.

-- COMMAND ----------

CREATE WIDGET TEXT delta_path DEFAULT 'dbfs:/smart-tuner/delta';
CREATE WIDGET TEXT study DEFAULT 'ljspeech-tacotron2';

-- COMMAND ----------

-- MAGIC %sh
-- MAGIC # Optional: run a study from the driver (the JAR task is the usual way).
-- MAGIC # /dbfs/smart-tuner/jobs/tune.sh --config /dbfs/smart-tuner/gpu-cluster.yaml

-- COMMAND ----------

-- Best trials
SELECT number, state, value, params, duration_s, executor, gpu, checkpoint
FROM delta.`${delta_path}/trials`
WHERE study = '${study}' AND state = 'COMPLETE'
ORDER BY value ASC
LIMIT 10;

-- COMMAND ----------

-- Optimisation history: each finished trial's value and the best so far (MIN for minimize; use MAX to maximize)
SELECT number, end_time, value,
       MIN(value) OVER (ORDER BY end_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS best_so_far
FROM delta.`${delta_path}/trials`
WHERE study = '${study}' AND state = 'COMPLETE'
ORDER BY end_time;

-- COMMAND ----------

-- Per-epoch curves of the five best trials
WITH top AS (
  SELECT number FROM delta.`${delta_path}/trials`
  WHERE study = '${study}' AND state = 'COMPLETE'
  ORDER BY value ASC LIMIT 5
)
SELECT m.number, m.epoch, m.train_loss, m.val_loss, m.alignment_score, m.frames_per_second
FROM delta.`${delta_path}/trial_metrics` m JOIN top t ON m.number = t.number
WHERE m.study = '${study}'
ORDER BY m.number, m.epoch;

-- COMMAND ----------

-- Each parameter against the final value (one row per trial and parameter)
SELECT number, state, p.param, p.param_value, value
FROM delta.`${delta_path}/trials` LATERAL VIEW explode(params) p AS param, param_value
WHERE study = '${study}' AND state IN ('COMPLETE', 'PRUNED')
ORDER BY param, value;

-- COMMAND ----------

-- Trials by state, and how far the pruned ones got
SELECT state, COUNT(*) AS trials, AVG(duration_s) AS avg_seconds,
       AVG(CAST(get_json_object(system_attrs_json, '$.epochs_done') AS INT)) AS avg_epochs
FROM delta.`${delta_path}/trials`
WHERE study = '${study}'
GROUP BY state
ORDER BY state;

-- COMMAND ----------

-- Failures and their reasons
SELECT number, state, error, executor, gpu, attempts, end_time
FROM delta.`${delta_path}/trials`
WHERE study = '${study}' AND state = 'FAIL'
ORDER BY number;

-- COMMAND ----------

-- Everything that happened to one trial (history of state changes and segments)
SELECT number, seq, ts, from_state, to_state, segment, executor, detail
FROM delta.`${delta_path}/trial_events`
WHERE study = '${study}'
ORDER BY number, seq;
