package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * {@code keepvip status --json} from live daemons (a MASTER and a BACKUP, both with Redis) validates
 * against the documented schema, docs/status.schema.json, which is strict enough to notice a
 * renamed field.
 */
class StatusSchemaE2ETest {
    static final Path SCHEMA = RedisPair.HOME.resolve("docs/status.schema.json");

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server");
    }

    private static String statusJson(RedisPair p, Node n) {
        CommandResult r = p.lab.exec(n, Duration.ofSeconds(30), "java", "-jar", RedisPair.JAR.toString(), "status",
                "--json", "--socket", p.socket(n).toString());
        assertThat(r.exitCode()).as("keepvip status --json: %s", r).isZero();
        return r.stdout();
    }

    private static List<Error> errorsOf(Schema schema, String json) {
        return schema.validate(json, InputFormat.JSON);
    }

    @Test
    void liveStatusJsonOfMasterAndBackupValidatesAgainstTheDocumentedSchema() throws Exception {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(SCHEMA));
        // min_replicas_to_write on, so its status object (enforced on a, not master on b) is validated too.
        try (RedisPair p = RedisPair.start("0.1", q -> q.redisExtra = "    min_replicas_to_write 1\n"
                + "    min_replicas_max_lag 5")) {
            for (Node n : List.of(p.a, p.b)) {
                String json = statusJson(p, n);
                List<Error> errors = schema.validate(json, InputFormat.JSON);
                assertThat(errors).as("%s's status --json:%n%s", n.name(), json).isEmpty();
                assertThat(json).contains("\"redis\"", "\"endpoint\"");
            }
            Await.until(Duration.ofSeconds(10), "a enforces min-replicas", () -> statusJson(p, p.a)
                    .contains("\"state\": \"enforced\""));
            String master = statusJson(p, p.a);
            assertThat(master).contains("\"state\": \"MASTER\"", "\"minReplicas\"", "\"applied\": 1");
            assertThat(errorsOf(schema, master)).isEmpty();
            assertThat(errorsOf(schema, master.replace("\"state\": \"enforced\"", "\"state\": \"on\"")))
                    .isNotEmpty();
            // The schema is not a formality: a renamed field, a wrong enum word or a wrong type fails it.
            assertThat(schema.validate(master.replace("\"effectivePriority\"", "\"effective_priority\""),
                    InputFormat.JSON)).isNotEmpty();
            assertThat(schema.validate(master.replace("\"state\": \"MASTER\"", "\"state\": \"master\""),
                    InputFormat.JSON)).isNotEmpty();
            assertThat(schema.validate(master.replaceFirst("\"pid\": (\\d+)", "\"pid\": \"$1\""),
                    InputFormat.JSON)).isNotEmpty();
        }
    }
}
