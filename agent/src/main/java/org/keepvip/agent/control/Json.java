package org.keepvip.agent.control;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one Gson configuration for the control protocol and {@code --json} output. */
public final class Json {
    private Json() {}

    /** Compact, one line: the control protocol. */
    public static final Gson LINE = new GsonBuilder().disableHtmlEscaping().create();

    /** Indented, for people and {@code --json}. */
    public static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
}
