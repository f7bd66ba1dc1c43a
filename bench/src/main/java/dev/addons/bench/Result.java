package dev.addons.bench;

/**
 * What one subject measured on one row: the time from the start call to the first successful
 * query, the time of the stop call, and the median memory of its idle server (process runtime
 * only; {@code null} otherwise). {@code note} says why something is missing, or is {@code null}.
 */
record Result(String row, String subject, String version, Stats ready, Stats destroy, Long rssKib, Long pssKib,
        Integer processes, String note) {

    static Result unavailable(Row row, String subject, String version, String why) {
        return new Result(row.toString(), subject, version, null, null, null, null, null, why);
    }
}
