package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientKillerTest {
    @Test
    void keepsKeepvipsOwnConnectionsAndKillsTheRest() {
        String list = """
                id=3 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name=keepvip age=9 idle=0 flags=N db=0 cmd=client|list
                id=4 addr=192.0.2.50:41000 laddr=192.0.2.100:6379 fd=9 name= age=3 idle=1 flags=N db=0 cmd=set
                id=7 addr=192.0.2.51:41002 laddr=192.0.2.100:6379 fd=10 name=app-writer age=2 idle=0 flags=N db=0 cmd=get
                id=8 addr=127.0.0.1:50002 laddr=127.0.0.1:6379 fd=11 name=keepvip-watch age=9 idle=9 flags=N db=0 cmd=client|setname
                id=9 addr=192.0.2.52:41004 laddr=192.0.2.100:6379 fd=12 name=keepvipish age=2 idle=0 flags=N db=0 cmd=get
                """;
        assertThat(ClientKiller.applicationClientIds(list)).containsExactly("4", "7", "9");
    }

    @Test
    void emptyListKillsNothing() {
        assertThat(ClientKiller.applicationClientIds("")).isEmpty();
    }
}
