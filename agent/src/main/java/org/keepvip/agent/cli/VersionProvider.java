package org.keepvip.agent.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest, so it is set in one place: the pom. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = KeepvipCommand.class.getPackage().getImplementationVersion();
        return new String[] {"keepvip " + (v == null ? "(development build)" : v)};
    }
}
