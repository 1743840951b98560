package org.keepvip.agent.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Pieces of the commands whose picocli model is built in code rather than read from annotations:
 * the root, check-config and status, which should answer as fast as {@code keepalived -t}.
 * Reading annotations makes the JVM generate a proxy class per annotation type (Command, Option,
 * Spec, Mixin and their meta-annotations) and picocli reflect over every field and method, about a
 * third of a short command's time after the JVM's own start. The other commands keep their
 * annotations. Named classes, not lambdas, for picocli's interfaces: see {@code KeepvipCommand.Handlers}.
 */
final class Specs {
    private Specs() {}

    /** An option without a value. */
    static OptionSpec flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).description(description).build();
    }

    /** An option with a value of {@code type}, shown as {@code label}. */
    static OptionSpec option(Class<?> type, String label, String description, String... names) {
        return OptionSpec.builder(names).type(type).paramLabel(label).description(description).build();
    }

    /** {@code -h, --help}, as {@link HelpOption} gives the annotated commands. */
    static OptionSpec help() {
        return OptionSpec.builder(HelpOption.NAMES).usageHelp(true).description(HelpOption.DESCRIPTION).build();
    }

    /** Whether the flag {@code name} was given. */
    static boolean isSet(CommandSpec spec, String name) {
        return Boolean.TRUE.equals(spec.findOption(name).getValue());
    }

    /** The value of option {@code name}: the given one, its initial value, or null. */
    static <T> T value(CommandSpec spec, String name) {
        return spec.findOption(name).getValue();
    }

    /** A value that several options set (an option and its former name): the last one given wins. */
    static final class Slot implements IGetter, ISetter {
        private Object value;

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T newValue) {
            Object old = value;
            value = newValue;
            return (T) old;
        }
    }
}
