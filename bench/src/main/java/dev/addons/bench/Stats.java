package dev.addons.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Order statistics of repeated timings, in milliseconds: the median and the spread (p10/p90 by
 * nearest rank, min and max). Immutable.
 */
record Stats(int n, double median, double p10, double p90, double min, double max) {

    /** The statistics of {@code samples} (milliseconds); {@code null} when there are none. */
    static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return new Stats(sorted.size(), median(sorted), rank(sorted, 0.10), rank(sorted, 0.90),
                sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double rank(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
