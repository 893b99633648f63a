package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The fixture speaks MLflow's wire format and keeps its rules: checked with MLflow's own Java client
 * (so the fixture is not only consistent with our tracker).
 */
class FakeMlflowServerTest {

    private static Service.Param param(String k, String v) {
        return Service.Param.newBuilder().setKey(k).setValue(v).build();
    }

    private static Service.RunTag tag(String k, String v) {
        return Service.RunTag.newBuilder().setKey(k).setValue(v).build();
    }

    @Test
    void mlflowsOwnClientSeesTheDocumentedRules() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            MlflowClient client = new MlflowClient(server.uri());
            assertEquals(Optional.empty(), client.getExperimentByName("e"));
            String exp = client.createExperiment("e");
            assertEquals(exp, client.getExperimentByName("e").orElseThrow().getExperimentId());
            assertThrows(MlflowHttpException.class, () -> client.createExperiment("e"));

            Service.RunInfo parent = client.createRun(exp);
            Service.RunInfo child = client.createRun(Service.CreateRun.newBuilder().setExperimentId(exp)
                    .setRunName("trial-0").addTags(tag("mlflow.parentRunId", parent.getRunId())).build());
            assertEquals("mlflow-artifacts:/" + exp + "/" + child.getRunId() + "/artifacts", child.getArtifactUri());
            assertEquals(List.of(child.getRunId()), server.children(parent.getRunId()).stream()
                    .map(FakeMlflowServer.Run::runId).toList());

            client.logParam(child.getRunId(), "lr", "0.001");
            client.logParam(child.getRunId(), "lr", "0.001");   // the same value again is fine
            MlflowHttpException changed = assertThrows(MlflowHttpException.class,
                    () -> client.logParam(child.getRunId(), "lr", "0.002"));
            assertEquals(400, changed.getStatusCode());
            assertTrue(changed.getBodyMessage().contains("INVALID_PARAMETER_VALUE"), changed.getBodyMessage());
            assertTrue(changed.getBodyMessage().contains("Changing param values is not allowed"));

            MlflowHttpException dup = assertThrows(MlflowHttpException.class, () -> client.logBatch(child.getRunId(),
                    List.of(), List.of(param("a", "1"), param("a", "1")), List.of()));
            assertTrue(dup.getBodyMessage().contains("Duplicate parameter keys"), dup.getBodyMessage());

            List<Service.Param> tooMany = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                tooMany.add(param("p" + i, "v"));
            }
            MlflowHttpException over = assertThrows(MlflowHttpException.class,
                    () -> client.logBatch(child.getRunId(), List.of(), tooMany, List.of()));
            assertEquals(400, over.getStatusCode());
            assertTrue(server.run(child.getRunId()).params().keySet().stream().noneMatch(k -> k.startsWith("p")),
                    "a refused batch changes nothing");

            client.logMetric(child.getRunId(), "loss", Double.NaN, 5L, 0);
            client.logBatch(child.getRunId(), List.of(Service.Metric.newBuilder().setKey("loss").setValue(0.5)
                    .setTimestamp(6L).setStep(1).build()), List.of(), List.of(tag("k", "v")));
            List<Service.Metric> history = client.getMetricHistory(child.getRunId(), "loss");
            assertEquals(2, history.size());
            assertTrue(Double.isNaN(history.get(0).getValue()));
            assertEquals(1L, client.getRun(child.getRunId()).getData().getMetrics(0).getStep(), "latest step");

            List<Service.Run> found = client.searchRuns(List.of(exp), "tags.`mlflow.parentRunId` = '"
                    + parent.getRunId() + "'", Service.ViewType.ACTIVE_ONLY, 10).getItems();
            assertEquals(List.of(child.getRunId()), found.stream().map(r -> r.getInfo().getRunId()).toList());

            client.setTerminated(child.getRunId(), Service.RunStatus.KILLED, 99L);
            assertEquals("KILLED", server.run(child.getRunId()).status());
            assertEquals(Optional.of(99L), server.run(child.getRunId()).endTime());
        }
    }
}
