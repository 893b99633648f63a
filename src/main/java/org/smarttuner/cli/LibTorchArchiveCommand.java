package org.smarttuner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.smarttuner.tts.torch.LibTorchArchive;
import org.smarttuner.tts.torch.NativeTorch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the libtorch archive that executors unpack (the job jar carries no native library). */
@Command(name = "libtorch-archive", mixinStandardHelpOptions = true,
        description = {"Write the libtorch archive for executors: libtorch's libraries, DJL's JNI library and a",
            "marker, at the top level. Pass it with jobs/tune.sh --libtorch FILE (spark-submit --archives",
            "FILE#libtorch and spark.executorEnv.PYTORCH_LIBRARY_PATH=libtorch), unpack it with",
            "jobs/databricks/libtorch-init.sh, or copy it into a container image.",
            "Default source: the libtorch this build bundles (CPU; CUDA 12.4 in the -Pcuda build)."})
final class LibTorchArchiveCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Archive to write: .tgz / .tar.gz (gzip level 1) or .tar.")
    Path out;

    @Option(names = "--from", paramLabel = "DIR",
            description = "Take the libraries from this libtorch lib/ folder instead of the bundled ones.")
    Path from;

    @Option(names = "--flavor", paramLabel = "F",
            description = "With --from: the libtorch's flavour, which picks DJL's JNI library (cpu, cu128, ...).")
    String flavor;

    @Option(names = "--torch-version", paramLabel = "V",
            description = "With --from: the libtorch's version (must be the one this build's DJL JNI was built for).")
    String version;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String name = out.getFileName().toString();
        if (!(name.endsWith(".tgz") || name.endsWith(".tar.gz") || name.endsWith(".tar"))) {
            throw new UsageException("--out " + out + " must end in .tgz, .tar.gz or .tar (what spark-submit --archives "
                    + "and YARN unpack)");
        }
        if (Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " is a folder, not a file");
        }
        LibTorchArchive.Plan plan;
        try {
            if (from != null) {
                if (flavor == null || version == null) {
                    throw new UsageException("--from needs --flavor (cpu, cu128, ...) and --torch-version (e.g. 2.7.1)");
                }
                plan = LibTorchArchive.fromFolder(from, version, flavor.toLowerCase(Locale.ROOT));
            } else {
                if (flavor != null || version != null) {
                    throw new UsageException("--flavor and --torch-version go with --from; the bundled libtorch names "
                            + "its own");
                }
                plan = LibTorchArchive.bundled();
            }
        } catch (NativeTorch.LibTorchException e) {
            throw new UsageException(e.getMessage());
        }
        long t0 = System.nanoTime();
        LibTorchArchive.write(plan, out);
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %s: libtorch %s (%s, %s), %d files, %.0f MB of libraries, %.0f MB archive, in %.1f s%n", out,
                plan.version(), plan.flavor(), plan.classifier(), plan.members().size(), plan.bytes() / 1e6,
                Files.size(out) / 1e6, (System.nanoTime() - t0) / 1e9);
        return Main.OK;
    }
}
