package dev.addons.bench.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one test class on the JUnit Platform, as a build tool's test JVM does: {@code JunitMain
 * <class>}. Exits with 0 when every test passed and at least one ran, else 1 with the failures on
 * standard error.
 */
public final class JunitMain {
    private JunitMain() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: JunitMain <test class>");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(args[0])).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() == 0) {
            summary.printTo(new PrintWriter(System.err, true));
            summary.printFailuresTo(new PrintWriter(System.err, true), 20);
            System.exit(1);
        }
        System.exit(0);
    }
}
