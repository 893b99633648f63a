package org.smarttuner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smarttuner.tts.torch.CudaProbe;
import org.smarttuner.tts.torch.EngineReport;
import org.smarttuner.tts.torch.NativeTorch;
import org.smarttuner.tts.torch.TorchFlags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What this JVM's DJL sees: libtorch and where it came from, CUDA, cuDNN, GPUs, math flags; one check per device. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Show what the PyTorch engine sees here: which libtorch was loaded and from where (an",
            "archive, the bundled natives), DJL's version, the CUDA runtime, driver and cuDNN it can use,",
            "each GPU (name, compute capability, memory), TF32 and cuDNN settings; then run one matrix",
            "product on every device and check the result. Exit 1 when a check fails."})
final class EngineCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        Map<String, Object> out = EngineReport.collect();
        boolean ok = Boolean.TRUE.equals(out.get("ok"));
        Map<String, Object> torch = (Map<String, Object>) out.get("libtorch");
        Map<String, Object> c = (Map<String, Object>) out.get("cuda");
        List<Map<String, Object>> gpus = (List<Map<String, Object>>) c.get("gpus");
        List<Map<String, Object>> checks = (List<Map<String, Object>>) out.get("checks");
        NativeTorch.Source source = NativeTorch.prepare();
        CudaProbe.CudaInfo cuda = CudaProbe.probe();
        TorchFlags.State flags = TorchFlags.read();
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(out));
        } else {
            w.println(source.describe());
            w.printf(Locale.ROOT, "libtorch %s, DJL %s, loaded from %s, %d threads%n", torch.get("version"),
                    torch.get("djl"), torch.get("path"), (Integer) torch.get("threads"));
            w.println("CUDA: " + cuda.describe());
            for (Map<String, Object> g : gpus) {
                if (g.containsKey("memory_total_mib")) {
                    w.printf(Locale.ROOT, "gpu %s memory: %s MiB total, %s MiB free%n", g.get("index"),
                            g.get("memory_total_mib"), g.get("memory_free_mib"));
                }
            }
            w.println("flags: " + flags.describe());
            for (Map<String, Object> m : checks) {
                w.printf(Locale.ROOT, "check %s: %s (%.0f ms)%s%n", m.get("device"),
                        Boolean.TRUE.equals(m.get("ok")) ? "ok" : "FAILED", (Double) m.get("ms"),
                        m.containsKey("error") ? " " + m.get("error") : "");
            }
        }
        w.flush();
        return ok ? Main.OK : Main.RUNTIME_ERROR;
    }
}
