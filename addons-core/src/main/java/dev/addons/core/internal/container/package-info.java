/**
 * The {@code container} runtime: servers as containers of their providers' images, through the
 * user's Docker-API endpoint (Docker, or Podman's service), found by Testcontainers' client
 * discovery. {@link dev.addons.core.internal.container.ContainerRuntime} is the entry point.
 */
package dev.addons.core.internal.container;
