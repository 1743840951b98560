package org.keepvip.agent.config;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The corpus scripts ({@link CorpusSupport#makeScripts()}) for one test class: made before its
 * first test, removed after its last. Register as a static {@code @RegisterExtension} field.
 */
final class CorpusScripts implements BeforeAllCallback, AfterAllCallback {
    private Path dir;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = CorpusSupport.makeScripts();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        CorpusSupport.deleteTree(dir);
    }

    /** The scripts' directory, for {@code ${_ENV KV_SCRIPTS}}. */
    Path dir() {
        return dir;
    }

    /** A checker whose environment points the corpus at these scripts. */
    ConfigChecker checker() {
        return CorpusSupport.checker(dir);
    }
}
