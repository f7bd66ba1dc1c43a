package dev.addons.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table (addons, then its peer and the ratio addons/peer, per row), the JSON file of a run,
 * and the comparison of a run's medians with an earlier file's.
 */
final class Report {
    private static final String LINE = "%-26s %-56s %-24s %-24s %s%n";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    static void table(List<Result> results, PrintStream out) {
        out.printf(LINE, "row", "subject", "ready ms med (p10-p90)", "destroy ms med (p10-p90)",
                "idle RSS MiB (PSS, procs)");
        String previousRow = "";
        Result addons = null;
        for (Result r : results) {
            boolean sameRow = r.row().equals(previousRow);
            out.printf(LINE, sameRow ? "" : r.row(), r.subject() + (r.version() == null ? "" : " " + shortVersion(r)),
                    stats(r.ready()), stats(r.destroy()), memory(r));
            if (r.note() != null) {
                out.printf(LINE, "", "  note", r.note(), "", "");
            }
            if (!sameRow) {
                addons = r;
            } else if (addons != null && addons.subject().equals("addons") && r.subject().startsWith("addons, warm")) {
                // addons against itself: the warm start over the cold one (below 1: the pool saves time).
                out.printf(LINE, "", "  ratio warm/cold", ratio(r.ready(), addons.ready()),
                        ratio(r.destroy(), addons.destroy()), ratio(r.rssKib(), addons.rssKib()));
            } else if (addons != null && addons.subject().equals("addons")) {
                out.printf(LINE, "", "  ratio addons/peer", ratio(addons.ready(), r.ready()),
                        ratio(addons.destroy(), r.destroy()), ratio(addons.rssKib(), r.rssKib()));
            }
            previousRow = r.row();
        }
    }

    /** A scale row as one line: its times in ms, memory in MiB, leftovers and note. */
    static String scale(Map<String, Object> row) {
        StringBuilder line = new StringBuilder().append(row.get("row")).append(':');
        row.forEach((key, value) -> {
            if (key.equals("row")) {
                return;
            }
            line.append(' ').append(key).append(' ');
            if (value instanceof Stats s) {
                line.append(stats(s));
            } else if (value instanceof Double d) {
                line.append(String.format("%.0f", d));
            } else if (value instanceof Long kib && key.endsWith("Kib")) {
                line.append(String.format("%.1f MiB", kib / 1024.0));
            } else {
                line.append(value);
            }
            line.append(';');
        });
        return line.toString();
    }

    static Path write(Path dir, Map<String, Object> run) throws IOException {
        Files.createDirectories(dir);
        String stamp = run.get("started").toString().replace(":", "").replaceAll("\\.\\d+", "");
        Path file = dir.resolve(stamp + ".json");
        JSON.writeValue(file.toFile(), run);
        return file;
    }

    static void compare(Path previous, List<Result> results, PrintStream out) throws IOException {
        JsonNode old = JSON.readTree(previous.toFile());
        Map<String, JsonNode> before = new LinkedHashMap<>();
        for (JsonNode r : old.path("results")) {
            before.put(r.path("row").asText() + "|" + r.path("subject").asText(), r);
        }
        out.println();
        out.println("compared with " + previous + " (started " + old.path("started").asText() + "): medians, before -> now");
        out.printf("%-26s %-32s %-28s %-28s%n", "row", "subject", "ready ms", "destroy ms");
        for (Result r : results) {
            JsonNode b = before.get(r.row() + "|" + r.subject());
            if (b != null) {
                out.printf("%-26s %-32s %-28s %-28s%n", r.row(), r.subject(),
                        change(b.path("ready").path("median"), r.ready()),
                        change(b.path("destroy").path("median"), r.destroy()));
            }
        }
    }

    private static String change(JsonNode before, Stats now) {
        if (!before.isNumber() || now == null) {
            return "-";
        }
        double b = before.asDouble();
        return String.format("%.0f -> %.0f (%+.0f%%)", b, now.median(), (now.median() - b) * 100 / b);
    }

    private static String shortVersion(Result r) {
        return r.version().substring(r.version().lastIndexOf('/') + 1);
    }

    private static String stats(Stats s) {
        return s == null ? "-" : String.format("%.0f (%.0f-%.0f)", s.median(), s.p10(), s.p90());
    }

    private static String memory(Result r) {
        return r.rssKib() == null ? "-" : String.format("%.1f (%.1f, %d)", r.rssKib() / 1024.0, r.pssKib() / 1024.0,
                r.processes());
    }

    private static String ratio(Stats a, Stats b) {
        return a == null || b == null ? "-" : String.format("%.2f", a.median() / b.median());
    }

    private static String ratio(Long a, Long b) {
        return a == null || b == null ? "-" : String.format("%.2f", (double) a / b);
    }
}
