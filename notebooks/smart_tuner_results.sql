-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Smart Tuner: run a study and read its results
-- MAGIC Start (or resume) a study as the Databricks JAR job `conf/databricks-job.json` (main class
-- MAGIC `org.smarttuner.cli.Main`, parameters `tune --config /dbfs/smart-tuner/gpu-cluster.yaml`), or from
-- MAGIC this notebook: set **start_study** to `yes` and run the Python cell below. Then read the study's Delta
-- MAGIC tables here. Set the widgets to the study's `output.delta_path` and name.

-- COMMAND ----------

CREATE WIDGET TEXT delta_path DEFAULT 'dbfs:/smart-tuner/delta';
CREATE WIDGET TEXT study DEFAULT 'ljspeech-tacotron2';
CREATE WIDGET TEXT config DEFAULT '/dbfs/smart-tuner/gpu-cluster.yaml';
CREATE WIDGET DROPDOWN start_study DEFAULT 'no' CHOICES SELECT * FROM (VALUES ('no'), ('yes'));

-- COMMAND ----------

-- MAGIC %python
-- MAGIC # Starts the study on this cluster, or resumes it from its Delta tables, and returns when it ends.
-- MAGIC # Needs the job jar (mvn -Pcuda package) installed as a cluster library and the cluster set up as in
-- MAGIC # conf/databricks-job.json (single-GPU workers, the JVM flags in its spark_conf). Never run two at once.
-- MAGIC # Main.run returns the exit code (Main.main would end the driver's JVM).
-- MAGIC if dbutils.widgets.get("start_study") == "yes":
-- MAGIC     args = sc._gateway.new_array(sc._jvm.java.lang.String, 3)
-- MAGIC     args[0], args[1], args[2] = "tune", "--config", dbutils.widgets.get("config")
-- MAGIC     exit_code = sc._jvm.org.smarttuner.cli.Main.run(args)
-- MAGIC     assert exit_code == 0, f"smart-tuner tune exited with {exit_code}; the driver log says why"

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
SELECT m.number, m.epoch, m.train_loss, m.val_loss, m.attention_sharpness,
       m.val_mcd, m.val_mcd_sl, m.val_stop_rate, m.val_stop_error, m.val_attention, m.frames_per_second
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
