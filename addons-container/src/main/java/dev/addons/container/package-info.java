/**
 * The {@code container} runtime: servers as containers of their providers' images, through the
 * user's Docker-API endpoint (Docker, or Podman's service), found by Testcontainers' client
 * discovery. On the class path, it is found through {@code META-INF/services} as
 * {@link dev.addons.container.ContainerRuntimeFactory}, and {@code auto} prefers it when a
 * Docker-API endpoint answers. {@link dev.addons.container.ContainerRuntime} is the runtime,
 * {@link dev.addons.container.DockerApi} its connection; the other types are package-private.
 */
package dev.addons.container;
