package dev.addons.bench;

import java.util.ArrayList;
import java.util.List;

/** One row of the table: an engine, a variant and a runtime, e.g. {@code postgresql/small/process}. */
record Row(String engine, String variant, String runtime) {
    static final List<String> ENGINES = List.of("postgresql", "mysql", "valkey", "rabbitmq", "memcached");
    static final List<String> RUNTIMES = List.of("process", "container");

    /** Every row: both variants of the SQL engines, small of the others, on both runtimes. */
    static List<Row> all() {
        List<Row> rows = new ArrayList<>();
        for (String runtime : RUNTIMES) {
            for (String engine : ENGINES) {
                rows.add(new Row(engine, "small", runtime));
                if (engine.equals("postgresql") || engine.equals("mysql")) {
                    rows.add(new Row(engine, "shared", runtime));
                }
            }
        }
        return rows;
    }

    /** Whether {@code pattern} ({@code engine[/variant[/runtime]]}, {@code *} for any part) selects this row. */
    boolean matches(String pattern) {
        String[] parts = pattern.split("/");
        String[] mine = {engine, variant, runtime};
        if (parts.length > 3) {
            throw new IllegalArgumentException("a row is engine[/variant[/runtime]]: " + pattern);
        }
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].equals("*") && !parts[i].equals(mine[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return engine + "/" + variant + "/" + runtime;
    }
}
