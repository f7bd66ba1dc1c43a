/**
 * The {@code process} runtime: servers run from engine binaries on this host, as detached
 * processes on 127.0.0.1 under {@code <home>/servers/<serverId>/}, with binaries from the host or
 * fetched once from a Maven repository into {@code <home>/cache/binaries/}. Internal: the only
 * entry point is {@link dev.addons.core.internal.process.ProcessRuntime}.
 */
package dev.addons.core.internal.process;
