package org.keepvip.agent.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.keepvip.agent.script.ScriptTesting.await;
import static org.keepvip.agent.script.ScriptTesting.processExists;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifyFifoTest {
    private Path dir;
    private Path path;
    private NotifyFifo fifo;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("kvt-fifo");
        path = dir.resolve("notify.fifo");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fifo != null) {
            fifo.close();
        }
        ScriptTesting.deleteTree(dir);
    }

    @Test
    void createsAFifoWithMode0644AndRemovesItOnClose() throws Exception {
        fifo = NotifyFifo.open(path, Optional.empty());
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(mode & 0170000).isEqualTo(0010000);
        assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        fifo.close();
        fifo = null;
        assertThat(path).doesNotExist();
    }

    @Test
    void linesArriveInOrderInKeepalivedsFormat() throws Exception {
        fifo = NotifyFifo.open(path, Optional.empty());
        try (BufferedReader in = new BufferedReader(new FileReader(path.toFile()))) {
            assertThat(fifo.write(NotifyTarget.instance("VI_1"), "MASTER", 100)).isTrue();
            assertThat(fifo.write(NotifyTarget.group("VG_1"), "BACKUP", 100)).isTrue();
            assertThat(fifo.write(NotifyTarget.instance("VI_1"), "STOP", 90)).isTrue();
            assertThat(List.of(in.readLine(), in.readLine(), in.readLine())).containsExactly(
                    "INSTANCE \"VI_1\" MASTER 100", "GROUP \"VG_1\" BACKUP 0", "INSTANCE \"VI_1\" STOP 90");
        }
    }

    @Test
    void anExistingFifoIsOpenedAndKept() throws Exception {
        NotifyFifo first = NotifyFifo.open(path, Optional.empty());
        try {
            // A second open finds it existing: it must not remove it on close.
            NotifyFifo second = NotifyFifo.open(path, Optional.empty());
            second.close();
            assertThat(path).exists();
        } finally {
            first.close();
        }
    }

    @Test
    void refusesSomethingThatIsNotAFifo() throws Exception {
        Files.writeString(path, "x");
        assertThatThrownBy(() -> NotifyFifo.open(path, Optional.empty()))
                .isInstanceOf(IOException.class)
                .hasMessage("notify FIFO " + path + " exists and is not a FIFO");
    }

    @Test
    void refusesAFifoOwnedBySomeoneElse() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        NotifyFifo.open(path, Optional.empty()).close();
        new ProcessBuilder("mkfifo", path.toString()).start().waitFor();
        RunAs nobody = RunAs.resolve("nobody", Optional.empty());
        Files.setAttribute(path, "unix:uid", nobody.uid());
        assertThatThrownBy(() -> NotifyFifo.open(path, Optional.empty()))
                .isInstanceOf(IOException.class).hasMessageContaining("is owned by uid " + nobody.uid());
        NotifyFifo ok = NotifyFifo.open(path, Optional.of(nobody));
        ok.close();
    }

    @Test
    void createdFifoIsChownedToTheFifoUser() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        RunAs nobody = RunAs.resolve("nobody", Optional.empty());
        fifo = NotifyFifo.open(path, Optional.of(nobody));
        assertThat(Files.getAttribute(path, "unix:uid")).isEqualTo(nobody.uid());
    }

    @Test
    void aFullPipeLosesEventsWithoutBlocking() throws Exception {
        fifo = NotifyFifo.open(path, Optional.empty());
        int written = 0;
        long t0 = System.nanoTime();
        while (fifo.write(NotifyTarget.instance("VI_1"), "MASTER", 100) && written < 1_000_000) {
            written++;
        }
        assertThat(written).isGreaterThan(100).isLessThan(1_000_000);
        assertThat(fifo.write(NotifyTarget.instance("VI_1"), "BACKUP", 100)).isFalse();
        assertThat(fifo.lostEvents()).isEqualTo(2);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void fifoScriptGetsThePathAndIsStoppedOnClose() throws Exception {
        Path out = dir.resolve("out");
        try (ScriptRunner runner = new ScriptRunner(1, Duration.ofMillis(300))) {
            fifo = NotifyFifo.open(path, Optional.empty());
            RunningScript rs = fifo.startScript(runner, ScriptCommand.of("fifo", List.of("/bin/sh", "-c",
                    "while read -r l; do echo \"$l\" >> " + out + "; done < \"$0\"")));
            fifo.write(NotifyTarget.instance("VI_1"), "MASTER", 100);
            fifo.write(NotifyTarget.instance("VI_1"), "BACKUP", 100);
            assertThat(await(5000, () -> lines(out).size() == 2)).isTrue();
            assertThat(lines(out)).containsExactly("INSTANCE \"VI_1\" MASTER 100", "INSTANCE \"VI_1\" BACKUP 100");
            fifo.close();
            fifo = null;
            assertThat(await(3000, () -> !processExists(rs.pid()))).isTrue();
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
