package org.keepvip.agent.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest, so it is set in one place: the pom. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"keepvip " + version()};
    }

    /** The bare version, e.g. 0.1.0. */
    static String version() {
        String v = KeepvipCommand.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
