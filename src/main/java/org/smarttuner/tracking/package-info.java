/**
 * Experiment tracking: one MLflow parent run per study, one nested run per trial.
 *
 * <p>How the job uses it (config stays above this package; the job passes plain values):
 * <pre>{@code
 * MlflowConfig m = config.output().mlflow();
 * StudyTracker tracker = Trackers.open(m.trackingUri(), m.experiment(), m.flushTimeout(), m.queueCapacity(),
 *         System.getenv(), unsent -> unsentTable.append(unsent));          // overflow: keep in Delta
 * tracker.studyStarted(new StudyInfo(name, flatConfig, samplerText, prunerText, datasetHash, version,
 *         keptParentRunId)).thenAccept(id -> id.ifPresent(store::saveParentRunId));
 * tracker.trialStarted(n, params, keptTrialRunId).thenAccept(id -> id.ifPresent(i -> store.saveRunId(n, i)));
 * tracker.epochMetrics(n, epoch, Map.of("train_loss", 0.7, "val_loss", 0.8));
 * tracker.artifact(n, alignmentPng, "alignment");
 * tracker.trialFinished(n, TrialOutcome.PRUNED, OptionalDouble.empty(), Optional.of("rung 1"));
 * tracker.bestTrial(n, value, Optional.of(checkpoint));
 * tracker.studyFinished(false);
 * TrackingReport report = tracker.close(m.flushTimeout());              // report.unsent(): keep in Delta
 * }</pre>
 *
 * <p>Guarantees: calls never block on the server (bounded queue, background thread, retries with
 * backoff on 429/5xx/timeouts/refused connections); a param is logged once per run and never with
 * another value (canonical formatting, {@link org.smarttuner.tracking.ParamFormat}); a metric
 * (key, step) is sent once, across retries and resumes; batches respect MLflow's log-batch limits;
 * credentials (MLflow's environment variables, or a user:password in the tracking URI) only go into
 * Authorization headers, and a URL's password is masked wherever text leaves ({@link
 * org.smarttuner.tracking.Redaction}). Artifacts are uploaded
 * through the server's {@code mlflow-artifacts:} proxy (or copied into a mounted {@code file:} root);
 * other artifact stores (s3:, dbfs: on Databricks) are reported as unsent with the reason.
 */
package org.smarttuner.tracking;
