package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One worker of a concurrency stress test, in a thread or in a second JVM ({@code HomeCommand
 * HOME race ROUNDS ADDON:VARIANT VERSION OWN SAME...}): in each round it creates the addon of its
 * own app (which must succeed), creates one of the apps every worker races on, lists, destroys that
 * raced addon, and destroys its own addon except in the last round, so that its own app keeps the
 * addon at the end. A creation or destruction of a raced addon may be refused only as addons refuses
 * work on an addon another thread or process is creating or destroying; anything else fails the
 * worker. Every step is reported as one line (to the second JVM's standard output).
 */
public final class Race {
    /** The refusals allowed while another worker creates or destroys the same addon. */
    private static final Pattern RACED = Pattern.compile(".*(is being destroyed|was destroyed while waiting for it"
            + "|try again when it is done|is (provisioning|deprovisioning|pending)).*", Pattern.DOTALL);

    private final Addons addons;
    private final AddonSpec spec;
    private final String own;
    private final List<String> same;
    private final Consumer<String> report;

    public Race(Addons addons, AddonSpec spec, String own, List<String> same, Consumer<String> report) {
        this.addons = addons;
        this.spec = spec;
        this.own = own;
        this.same = List.copyOf(same);
        this.report = report;
    }

    /** {@code args}: HOME race ROUNDS ADDON:VARIANT VERSION OWN SAME...; prints {@code ready}, then waits for a line. */
    static void main(Addons addons, String[] args) {
        Race race = new Race(addons, AddonSpec.parse(args[3]).withVersion(args[4]), args[5],
                List.of(args).subList(6, args.length), System.out::println);
        System.out.println("ready");
        System.out.flush();
        try {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        race.run(Integer.parseInt(args[2]));
        System.out.flush();
    }

    /** Runs {@code rounds} rounds; fails at the first outcome that is not allowed. */
    public void run(int rounds) {
        String addon = spec.addon();
        for (int round = 0; round < rounds; round++) {
            AddonRecord mine = addons.app(own, "production").create(spec);
            assertThat(mine.status()).as(own + " created").isEqualTo(Status.ACTIVE);
            report.accept("created " + own + " " + mine.id());
            String raced = same.get((round + own.hashCode() & 0x7fffffff) % same.size());
            try {
                AddonRecord record = addons.app(raced, "production").create(spec);
                assertThat(record.status()).as(raced + " created").isEqualTo(Status.ACTIVE);
                report.accept("created " + raced + " " + record.id());
            } catch (ProvisioningException e) {
                refused("create", raced, e);
            }
            assertThat(addons.app(own, "production").list()).as("addons of " + own).extracting(AddonRecord::id)
                    .containsExactly(mine.id());
            assertOneRecordPerAddon(addons.listAll());
            try {
                addons.app(raced, "production").destroy(addon);
                report.accept("destroyed " + raced);
            } catch (ProvisioningException | AddonNotFoundException e) {
                refused("destroy", raced, e);
            }
            if (round < rounds - 1) {
                addons.app(own, "production").destroy(addon);
                report.accept("destroyed " + own);
            }
        }
    }

    private void refused(String what, String app, RuntimeException e) {
        if (!(e instanceof AddonNotFoundException) && !RACED.matcher(e.getMessage()).matches()) {
            throw new AssertionError(what + " of " + app + " refused for a reason other than a race: " + e, e);
        }
        report.accept("refused " + what + " " + app + " " + e.getClass().getSimpleName());
    }

    /** Asserts that no app, environment and addon has two records. */
    public static void assertOneRecordPerAddon(List<AddonRecord> records) {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (AddonRecord record : records) {
            String key = record.app() + "/" + record.environment() + "/" + record.addon();
            if (!seen.add(key)) {
                twice.add(key);
            }
        }
        assertThat(twice).as("addons recorded twice among " + records).isEmpty();
    }
}
