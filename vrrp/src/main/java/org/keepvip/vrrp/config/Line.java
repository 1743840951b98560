package org.keepvip.vrrp.config;

import java.util.List;

/** A line after comments, conditionals, definitions and includes were applied, split in tokens. */
record Line(Origin origin, List<Token> tokens) {}
