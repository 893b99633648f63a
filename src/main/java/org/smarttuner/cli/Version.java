package org.smarttuner.cli;

import picocli.CommandLine;

/** Version from the jar manifest (set by the build). */
public final class Version implements CommandLine.IVersionProvider {
    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"smart-tuner " + get(), "Java " + System.getProperty("java.version")};
    }
}
