package org.smarttuner.tts.torch;

import ai.djl.util.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles where libtorch comes from before DJL's PyTorch engine loads, so that no JVM of a study
 * ever tries to download it (executors are offline).
 *
 * <ol>
 *   <li><b>An unpacked libtorch archive</b> ({@code PYTORCH_LIBRARY_PATH} set, as {@code jobs/tune.sh
 *       --libtorch}, the Databricks init script or a container image do): the folder must hold
 *       {@code libtorch.so} and DJL's JNI library; the archive's {@value #MARKER} gives DJL the
 *       libtorch version and flavour, and its DJL version is checked against this build's.</li>
 *   <li><b>CUDA natives bundled on the classpath</b> (the {@code -Pcuda} runnable layout): DJL would
 *       take them only where its own probe finds a system CUDA runtime, and otherwise try to
 *       download a CPU libtorch, which fails offline. They are extracted here to DJL's cache, once
 *       per machine, and handed to DJL with their flavour forced. A CUDA libtorch runs on the CPU
 *       of a machine without a GPU driver (its CUDA runtime is bundled and finds no device).</li>
 *   <li><b>CPU natives on the classpath</b> (the default build): DJL's own path; nothing to do.</li>
 * </ol>
 */
public final class NativeTorch {
    /** Written into every libtorch archive: version, flavour, classifier, DJL version. */
    public static final String MARKER = "smarttuner-libtorch.properties";
    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    public static final String FLAVOR = "PYTORCH_FLAVOR";
    public static final String VERSION = "PYTORCH_VERSION";
    static final String JNI = "libdjl_torch.so";
    private static final Logger LOG = LoggerFactory.getLogger(NativeTorch.class);
    private static Source prepared;

    private NativeTorch() {
    }

    /**
     * Where libtorch was found: {@code kind} is archive, bundled-cuda or classpath; {@code settings}
     * are the DJL system properties that make DJL load it (set by {@link #prepare()}).
     */
    public record Source(String kind, Optional<Path> dir, String version, String flavor,
                         java.util.Map<String, String> settings) {
        public Source {
            settings = java.util.Map.copyOf(settings);
        }

        public String describe() {
            String cpuOnly = cuda() && "cpu".equals(settings.get(FLAVOR)) ? "; no GPU driver here, so CPU only" : "";
            return switch (kind) {
                case "archive" -> "libtorch " + version + " (" + flavor + ") from " + dir.orElseThrow() + cpuOnly;
                case "bundled-cuda" -> "libtorch " + version + " (" + flavor + ") bundled in the job, extracted to "
                        + dir.orElseThrow() + cpuOnly;
                default -> "libtorch from the classpath (DJL's own lookup)";
            };
        }

        public boolean cuda() {
            return flavor.startsWith("cu");
        }
    }

    /** Thrown when libtorch cannot be had offline; the message says what is missing and where. */
    public static final class LibTorchException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public LibTorchException(String message) {
            super(message);
        }
    }

    /** Idempotent; call before anything touches DJL (CLI main, executor task, GPU check). */
    public static synchronized Source prepare() {
        if (prepared == null) {
            prepared = prepare(NativeTorch::envOrProperty, Utils.getEngineCacheDir("pytorch"));
            prepared.settings().forEach(System::setProperty);
            if (!prepared.kind().equals("classpath")) {
                LOG.info("{}", prepared.describe());
            }
        }
        return prepared;
    }

    /** DJL's own rule: the environment first, then system properties. */
    static String envOrProperty(String name) {
        String v = System.getenv(name);
        return v != null && !v.isEmpty() ? v : System.getProperty(name);
    }

    static Source prepare(UnaryOperator<String> settings, Path cacheDir) {
        String libraryPath = settings.apply(LIBRARY_PATH);
        if (libraryPath != null && !libraryPath.isBlank()) {
            return fromArchive(libraryPath, settings, cacheDir);
        }
        Optional<Properties> bundled = classpathProperties("native/lib/pytorch.properties");
        if (bundled.isPresent() && bundled.get().getProperty("flavor", "cpu").startsWith("cu")
                && bundled.get().getProperty("placeholder") == null) {
            return extractBundled(bundled.get(), cacheDir, settings);
        }
        return new Source("classpath", Optional.empty(), bundled.map(p -> p.getProperty("version")).orElse("?"),
                bundled.map(p -> p.getProperty("flavor", "cpu")).orElse("?"), java.util.Map.of());
    }

    private static Source fromArchive(String libraryPath, UnaryOperator<String> settings, Path cacheDir) {
        Path cwd = Path.of("").toAbsolutePath();
        List<String> looked = new ArrayList<>();
        Path dir = null;
        for (String part : libraryPath.split(java.io.File.pathSeparator)) {
            Path p = cwd.resolve(part).normalize();
            if (Files.isRegularFile(p) && p.getFileName().toString().equals("libtorch.so")) {
                p = p.getParent();
            }
            if (Files.isRegularFile(p.resolve("libtorch.so"))) {
                dir = p;
                break;
            }
            looked.add(p + (Files.isDirectory(p) ? " (no libtorch.so in it)" : " (does not exist)"));
        }
        if (dir == null) {
            throw new LibTorchException(LIBRARY_PATH + " is '" + libraryPath + "', but no libtorch.so is there: looked in "
                    + String.join(", ", looked) + ". Point it at an unpacked libtorch archive (smart-tuner "
                    + "libtorch-archive builds one; jobs/tune.sh --libtorch passes it to the executors) or unset it "
                    + "to use the libtorch bundled in the runnable layout.");
        }
        Properties marker = new Properties();
        Path markerFile = dir.resolve(MARKER);
        if (Files.isRegularFile(markerFile)) {
            try (InputStream in = Files.newInputStream(markerFile)) {
                marker.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + markerFile, e);
            }
        }
        String djl = engineDjlVersion();
        String builtFor = marker.getProperty("djl_version");
        if (builtFor != null && djl != null && !builtFor.equals(djl)) {
            throw new LibTorchException("the libtorch archive at " + dir + " was built for DJL " + builtFor + " (JNI "
                    + marker.getProperty("jni_version", "?") + "), but this job runs DJL " + djl + ": rebuild the "
                    + "archive from this build (smart-tuner libtorch-archive, or delete it and rerun jobs/tune.sh "
                    + "--libtorch)");
        }
        String version = firstNonBlank(settings.apply(VERSION), marker.getProperty("version"));
        String flavor = firstNonBlank(settings.apply(FLAVOR), marker.getProperty("flavor"));
        boolean jni = Files.isRegularFile(dir.resolve(JNI)) || (djl != null && Files.isRegularFile(dir.resolve(djl
                + "-" + JNI))) || classpathProperties("jnilib/pytorch.properties").isPresent()
                || djl != null && version != null && flavor != null && Files.isRegularFile(cacheDir.resolve(version + "-"
                + flavor + "-linux-x86_64").resolve(djl + "-" + JNI)); // DJL's own cache, where it looks next
        if (!jni) {
            throw new LibTorchException("no DJL JNI library (" + JNI + ") in " + dir + " and no pytorch-jni jar on "
                    + "the classpath: the job jar leaves both to the libtorch archive, so rebuild it with smart-tuner "
                    + "libtorch-archive");
        }
        java.util.Map<String, String> djlSettings = new java.util.LinkedHashMap<>();
        if (settings.apply(VERSION) == null && version != null) {
            djlSettings.put(VERSION, version);
        }
        if (settings.apply(FLAVOR) == null && flavor != null) {
            djlSettings.put(FLAVOR, flavor);
        }
        driverlessFlavor(dir, flavor, djlSettings, settings);
        return new Source("archive", Optional.of(dir), version == null ? "?" : version,
                flavor == null ? (Files.exists(dir.resolve("libtorch_cuda.so")) ? "cuda" : "cpu") : flavor,
                djlSettings);
    }

    private static Source extractBundled(Properties p, Path cacheDir, UnaryOperator<String> settings) {
        String version = p.getProperty("version");
        String flavor = p.getProperty("flavor");
        String classifier = p.getProperty("classifier", "linux-x86_64");
        String[] libraries = p.getProperty("libraries", "").split(",");
        // DJL's own cache folder for these natives, so DJL and this class share one copy.
        Path dir = cacheDir.resolve(version + "-" + flavor + "-" + classifier);
        if (!Files.isRegularFile(dir.resolve("libtorch.so"))) {
            long t0 = System.nanoTime();
            Path tmp = null;
            try {
                Files.createDirectories(cacheDir);
                tmp = Files.createTempDirectory(cacheDir, "extract-");
                for (String lib : libraries) {
                    String resource = "pytorch/" + flavor + "/" + classifier + "/" + lib.trim();
                    try (InputStream in = resourceStream(resource)) {
                        Files.copy(in, tmp.resolve(lib.trim()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                // DJL's JNI library built for these natives, beside them (DJL looks there first)
                String jni = "jnilib/" + classifier + "/" + flavor + "/" + JNI;
                if (NativeTorch.class.getClassLoader().getResource(jni) != null) {
                    try (InputStream in = resourceStream(jni)) {
                        Files.copy(in, tmp.resolve(JNI), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                    tmp = null;
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another JVM on this machine extracted them first: use its copy
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot move extracted libtorch into " + dir, e);
                }
            } catch (IOException e) {
                throw new LibTorchException("cannot extract the bundled " + flavor + " libtorch " + version + " to "
                        + dir + ": " + e.getMessage() + " (DJL_CACHE_DIR chooses another folder; it needs about 4 GB)");
            } finally {
                if (tmp != null) {
                    deleteTree(tmp);
                }
            }
            LOG.info("extracted the bundled {} libtorch {} to {} in {} s", flavor, version, dir,
                    (System.nanoTime() - t0) / 1_000_000_000L);
        }
        java.util.Map<String, String> djlSettings = new java.util.LinkedHashMap<>();
        djlSettings.put(LIBRARY_PATH, dir.toString());
        if (settings.apply(FLAVOR) == null) {
            djlSettings.put(FLAVOR, flavor);
        }
        if (settings.apply(VERSION) == null) {
            djlSettings.put(VERSION, version);
        }
        driverlessFlavor(dir, flavor, djlSettings, settings);
        return new Source("bundled-cuda", Optional.of(dir), version, flavor, djlSettings);
    }

    /**
     * On a machine without a GPU driver a CUDA libtorch loads and runs on the CPU, but DJL, told its
     * flavour is CUDA, also loads its NVRTC shim ({@code libcaffe2_nvrtc.so}, for GPU kernel fusion
     * only), which links the driver's {@code libcuda.so.1} and fails. There DJL is told the flavour
     * is cpu: it loads the same libraries minus that one (the JNI library in the folder stays the
     * CUDA build's).
     */
    static void driverlessFlavor(Path dir, String flavor, java.util.Map<String, String> djlSettings,
                                 UnaryOperator<String> settings) {
        if (flavor != null && flavor.startsWith("cu") && settings.apply(FLAVOR) == null
                && Files.exists(dir.resolve("libcaffe2_nvrtc.so")) && !driverPresent()) {
            djlSettings.put(FLAVOR, "cpu");
        }
    }

    /** Whether the NVIDIA driver's {@code libcuda.so.1} can be loaded here. */
    static boolean driverPresent() {
        try {
            com.sun.jna.NativeLibrary.getInstance("libcuda.so.1");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** The DJL version of this build's PyTorch engine ({@code pytorch-engine.properties}). */
    static String engineDjlVersion() {
        return classpathProperties("pytorch-engine.properties").map(p -> p.getProperty("djl_version")).orElse(null);
    }

    static Optional<Properties> classpathProperties(String resource) {
        URL url = NativeTorch.class.getClassLoader().getResource(resource);
        if (url == null) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
        return Optional.of(p);
    }

    static InputStream resourceStream(String resource) throws IOException {
        InputStream in = NativeTorch.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the classpath");
        }
        return in;
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // leftovers under the cache folder only cost disk space
        }
    }
}
