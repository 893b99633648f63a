package org.smarttuner.tts.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes the libtorch archive executors unpack ({@code spark-submit --archives FILE#libtorch}, a
 * Databricks init script, a container layer): libtorch's shared libraries, DJL's JNI library built
 * for them, and {@value NativeTorch#MARKER}, all at the top level, so that {@code
 * PYTORCH_LIBRARY_PATH=libtorch} is the whole setting. Plain files only (no links), so every
 * unpacker (Spark's, YARN's, tar, unzip) gives the same folder.
 *
 * <p>By default the libraries are this build's bundled natives (CPU in the default build, CUDA 12.4
 * in {@code -Pcuda}); {@link #fromFolder} takes another libtorch of the same version (for example
 * a CUDA build downloaded from pytorch.org, for the DJL JNI flavours this build's pytorch-jni
 * holds).
 */
public final class LibTorchArchive {
    private static final Pattern LIBRARY = Pattern.compile(".*\\.so(\\.\\d+)*");

    /** One file of the archive: its name and where its bytes come from. */
    record Member(String name, long size, Opener open) {
    }

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    /** What the archive holds, before it is written. */
    public record Plan(String version, String flavor, String classifier, List<Member> members) {
        public long bytes() {
            return members.stream().mapToLong(Member::size).sum();
        }
    }

    private LibTorchArchive() {
    }

    /** This build's bundled natives and the JNI library of their flavour. */
    public static Plan bundled() throws IOException {
        Properties p = NativeTorch.classpathProperties("native/lib/pytorch.properties").orElseThrow(() ->
                new NativeTorch.LibTorchException("this build bundles no libtorch (no native/lib/pytorch.properties "
                        + "on the classpath): run it from the runnable layout (target/smart-tuner/lib), or give "
                        + "--from a libtorch folder"));
        if (p.getProperty("placeholder") != null) {
            throw new NativeTorch.LibTorchException("this build's pytorch-native jar is a placeholder (it downloads "
                    + "libtorch at run time): give --from a libtorch folder");
        }
        String version = p.getProperty("version");
        String flavor = p.getProperty("flavor", "cpu");
        String classifier = p.getProperty("classifier", "linux-x86_64");
        List<Member> members = new ArrayList<>();
        for (String lib : p.getProperty("libraries", "").split(",")) {
            String resource = "pytorch/" + flavor + "/" + classifier + "/" + lib.trim();
            members.add(new Member(lib.trim(), resourceSize(resource), () -> NativeTorch.resourceStream(resource)));
        }
        members.add(jni(classifier, flavor));
        return new Plan(version, flavor, classifier, members);
    }

    /** Every shared library in {@code folder} (libtorch's lib/), with the JNI library of {@code flavor}. */
    public static Plan fromFolder(Path folder, String version, String flavor) throws IOException {
        if (!Files.isRegularFile(folder.resolve("libtorch.so"))) {
            throw new NativeTorch.LibTorchException("--from " + folder + " holds no libtorch.so: give libtorch's lib "
                    + "folder (e.g. libtorch/lib of a pytorch.org libtorch zip)");
        }
        String classifier = "linux-x86_64";
        List<Member> members = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && LIBRARY.matcher(name).matches() && !name.equals(NativeTorch.JNI)
                        && !name.startsWith("libtorch_python")) {
                    members.add(new Member(name, Files.size(f), () -> Files.newInputStream(f)));
                }
            }
        }
        members.add(jni(classifier, flavor));
        return new Plan(version, flavor, classifier, members);
    }

    private static Member jni(String classifier, String flavor) throws IOException {
        String resource = "jnilib/" + classifier + "/" + flavor + "/" + NativeTorch.JNI;
        if (NativeTorch.class.getClassLoader().getResource(resource) == null) {
            throw new NativeTorch.LibTorchException("this build's pytorch-jni has no JNI library for flavour '" + flavor
                    + "' (" + resource + "); its flavours: " + jniFlavours(classifier));
        }
        return new Member(NativeTorch.JNI, resourceSize(resource), () -> NativeTorch.resourceStream(resource));
    }

    /** The JNI flavours this build's pytorch-jni jar holds for {@code classifier}. */
    static List<String> jniFlavours(String classifier) {
        List<String> out = new ArrayList<>();
        for (String f : List.of("cpu", "cpu-precxx11", "cu118", "cu121", "cu124", "cu126", "cu128", "cu129", "cu130")) {
            if (NativeTorch.class.getClassLoader().getResource("jnilib/" + classifier + "/" + f + "/"
                    + NativeTorch.JNI) != null) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * Writes the archive: {@code .tar}, or gzip-compressed {@code .tgz} / {@code .tar.gz} (level 1:
     * shared libraries shrink by about half either way, and level 1 is several times faster).
     * Written next to {@code out} and moved into place, so a half-written archive is never used.
     */
    public static void write(Plan plan, Path out) throws IOException {
        String name = out.getFileName().toString();
        boolean gzip = name.endsWith(".tgz") || name.endsWith(".tar.gz");
        if (!gzip && !name.endsWith(".tar")) {
            throw new IllegalArgumentException("archive '" + out + "' must end in .tar, .tgz or .tar.gz (the formats "
                    + "spark-submit --archives and YARN unpack)");
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + name, ".tmp");
        try {
            // a temporary file is private (0600); the archive is read by Spark, YARN and other users' jobs
            if (Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (OutputStream file = Files.newOutputStream(tmp);
                 OutputStream body = gzip ? new GzipCompressorOutputStream(file, fastGzip()) : file;
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(body)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                byte[] marker = marker(plan);
                add(tar, NativeTorch.MARKER, marker.length, () -> new java.io.ByteArrayInputStream(marker));
                for (Member m : plan.members()) {
                    add(tar, m.name(), m.size(), m.open());
                }
                tar.finish();
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static GzipParameters fastGzip() {
        GzipParameters g = new GzipParameters();
        g.setCompressionLevel(Deflater.BEST_SPEED);
        return g;
    }

    private static void add(TarArchiveOutputStream tar, String name, long size, Opener open) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100755);
        tar.putArchiveEntry(e);
        try (InputStream in = open.open()) {
            long copied = in.transferTo(tar);
            if (copied != size) {
                throw new IOException(name + ": " + copied + " bytes read, " + size + " expected");
            }
        }
        tar.closeArchiveEntry();
    }

    static byte[] marker(Plan plan) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("version", plan.version());
        m.put("flavor", plan.flavor());
        m.put("classifier", plan.classifier());
        Optional.ofNullable(NativeTorch.engineDjlVersion()).ifPresent(v -> m.put("djl_version", v));
        NativeTorch.classpathProperties("jnilib/pytorch.properties").map(p -> p.getProperty("jni_version"))
                .ifPresent(v -> m.put("jni_version", v));
        m.put("libraries", String.join(",", plan.members().stream().map(Member::name).toList()));
        m.put("created", Instant.now().toString());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StringBuilder s = new StringBuilder("# libtorch for Smart Tuner executors (PYTORCH_LIBRARY_PATH=<this folder>)\n");
        m.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
        b.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    private static long resourceSize(String resource) throws IOException {
        java.net.URL url = NativeTorch.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IOException(resource + " is not on the classpath");
        }
        java.net.URLConnection c = url.openConnection();
        long n = c.getContentLengthLong();
        if (n >= 0) {
            return n;
        }
        try (InputStream in = c.getInputStream()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
