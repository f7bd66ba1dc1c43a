package dev.addons.bench.junit;

/** The one assertion the cases need, without a test library on the harness's class path. */
final class Checks {
    private Checks() {
    }

    static void equal(long expected, long actual) {
        if (expected != actual) {
            throw new AssertionError("expected " + expected + ", got " + actual);
        }
    }
}
