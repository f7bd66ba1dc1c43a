package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.ServerInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code addons servers add|list|remove}: the external servers shared addons can go on. The admin
 * URL is read once (from a file, stdin or the environment, see {@link AdminUrlOptions}) and kept in
 * the home's state; no output shows its password.
 */
@Command(name = "servers", synopsisSubcommandLabel = "COMMAND",
        description = "Register, list and remove external servers that shared addons can go on.",
        subcommands = {ServersCommand.Add.class, ServersCommand.ListServers.class, ServersCommand.Remove.class})
final class ServersCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Failures.BAD_INPUT;
    }

    /** What each {@code servers} subcommand has: the global options and its streams. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        ServersCommand parent;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        Addons open() {
            return parent.main.open(spec.commandLine().getErr());
        }

        boolean json() {
            return parent.main.json();
        }
    }

    /** {@code addons servers add NAME --addon A --url-file FILE|--url-stdin|--url-env NAME|--url URL}. */
    @Command(name = "add", description = "Register an existing server, after checking it answers with the admin"
            + " URL's credentials. Addons never starts, stops or removes it. The URL is kept owner-only and never"
            + " shown.")
    static final class Add extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "Its name, used as server = \"NAME\".")
        String name;

        @Option(names = "--addon", required = true, paramLabel = "ADDON",
                description = "Its engine's addon: postgresql or mysql.")
        String addon;

        @Mixin
        AdminUrlOptions url;

        @Option(names = "--harden", description = "Let addons change the server beyond what it makes there:"
                + " on PostgreSQL, revoke CONNECT and TEMPORARY on the postgres and template1 databases from PUBLIC"
                + " (every role, not only addons' tenants). Default: addons touches only its own databases and"
                + " roles/users.")
        boolean harden;

        @Option(names = "--ca-file", paramLabel = "FILE", description = "Verify the server's TLS certificate"
                + " and host name with the CA certificate(s) in FILE (PEM), for addons' connections and the"
                + " tenants' variables. The URL must then ask for it: ?sslmode=verify-full (PostgreSQL) or"
                + " ?sslMode=VERIFY_IDENTITY (MySQL).")
        java.nio.file.Path caFile;

        @Override
        public Integer call() {
            String adminUrl = url.read();
            ServerInfo added;
            try (Addons addons = open()) {
                added = addons.registerServer(name, addon, adminUrl, new dev.addons.api.spi.ServerAccess.External(
                        harden, caFile == null ? null : caFile.toAbsolutePath().normalize()));
            }
            if (json()) {
                Json.print(out(), map(added));
            } else {
                out().println("Registered " + added.addon() + " server " + added.name() + " at " + added.endpoint()
                        + " (admin " + added.adminUser() + ", TLS " + added.tlsCaFile().map(f -> "verified with " + f)
                                .orElse("as the driver negotiates, unverified") + ").");
                out().println(added.serverWideChanges()
                        ? "Addons may change it server-wide (--harden): tenants cannot connect to postgres or"
                                + " template1."
                        : "Addons touches only the databases and users it makes there (each marked as this home's);"
                                + " tenants can connect to the databases other roles may (on PostgreSQL: postgres and"
                                + " template1), never to another tenant's. Use --harden to close those too.");
            }
            return 0;
        }
    }

    /** {@code addons servers list}. */
    @Command(name = "list", description = "List the external servers with the addons on each.")
    static final class ListServers extends Sub {
        @Override
        public Integer call() {
            List<ServerInfo> servers;
            try (Addons addons = open()) {
                servers = addons.servers();
            }
            if (json()) {
                Json.print(out(), servers.stream().map(ServersCommand::map).toList());
            } else if (servers.isEmpty()) {
                out().println("No external servers. Register one with: addons servers add NAME --addon ADDON"
                        + " --url-file FILE");
            } else {
                TextTable table = new TextTable("NAME", "ADDON", "ENDPOINT", "ADMIN", "TENANTS");
                for (ServerInfo s : servers) {
                    table.row(s.name(), s.addon(), s.endpoint().toString(), s.adminUser(),
                            Integer.toString(s.tenants().size()));
                }
                table.print(out(), "");
            }
            return 0;
        }
    }

    /** {@code addons servers remove NAME}. */
    @Command(name = "remove", description = "Forget an external server (refused while addons are on it)."
            + " The server itself is not touched.")
    static final class Remove extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The server's name.")
        String name;

        @Override
        public Integer call() {
            ServerInfo removed;
            try (Addons addons = open()) {
                removed = addons.removeServer(name);
            }
            if (json()) {
                Json.print(out(), map(removed));
            } else {
                out().println("Removed " + removed.name() + "; the server at " + removed.endpoint()
                        + " keeps running.");
            }
            return 0;
        }
    }

    static Map<String, Object> map(ServerInfo server) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", server.name());
        map.put("addon", server.addon());
        map.put("host", server.endpoint().host());
        map.put("port", server.endpoint().port());
        map.put("adminUser", server.adminUser());
        map.put("tenants", server.tenants());
        map.put("serverWideChanges", server.serverWideChanges());
        map.put("tlsCaFile", server.tlsCaFile().map(Object::toString).orElse(null));
        return map;
    }
}
