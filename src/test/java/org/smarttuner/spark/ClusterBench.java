package org.smarttuner.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures trials per hour on the standalone cluster (not a test: speed under the machine's
 * load is reported, not asserted). Arguments: workers (1 or 2), trials, epochs, and
 * "global" (spark.task.resource.gpu.amount=1, one core per executor: every task, Delta's
 * writes included, needs a GPU slot) or "profile" (two cores per executor, GPUs asked by the
 * segment jobs' task resource profile only, so Delta's writes use the spare core).
 */
public final class ClusterBench {
    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[0]);
        int trials = Integer.parseInt(args[1]);
        int epochs = Integer.parseInt(args[2]);
        String mode = args[3];
        List<String> gpus = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            gpus.add(String.valueOf(i));
        }
        boolean profile = mode.equals("profile");
        try (StandaloneCluster c = StandaloneCluster.start("bench-" + workers + "-" + mode, gpus, profile ? 2 : 1,
                "2g")) {
            Path work = c.root().resolve("study");
            Path config = ClusterTuneTest.config(work, trials, epochs, workers);
            Map<String, String> conf = new LinkedHashMap<>();
            if (profile) {
                conf.put("spark.executor.cores", "2");
                conf.put("spark.task.resource.gpu.amount", "");
            }
            long t0 = System.nanoTime();
            StandaloneCluster.Driver d = c.submit("driver", config, conf);
            int rc = d.process().waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String out = d.out();
            System.out.println(out);
            System.out.printf("BENCH workers=%d mode=%s trials=%d epochs=%d rc=%d wall=%.1fs trials/hour=%.1f"
                    + " load=%s logs=%s%n", workers, mode, trials, epochs, rc, seconds, trials * 3600 / seconds,
                    Files.readString(Path.of("/proc/loadavg")).trim(), c.logs());
        }
    }
}
