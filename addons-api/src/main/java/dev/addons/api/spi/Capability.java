package dev.addons.api.spi;

/**
 * An optional part of a provider: something some engines can do and others cannot, such as
 * backups ({@link BackupCapability}), copies of a tenant ({@link TenantCopyCapability}) or limits
 * on a shared tenant's connections ({@link ConnectionLimitCapability}). addons asks a provider
 * for one with {@link AddonProvider#capability(Class)} and, when it is absent, refuses the
 * operation itself, naming the engine, the operation and the engines that can do it; a provider
 * never throws for an operation it does not offer.
 *
 * <p>Implementations have the thread-safety of the provider that returns them: safe to call from
 * many threads at once.
 *
 * @since 0.3
 */
public interface Capability {
}
