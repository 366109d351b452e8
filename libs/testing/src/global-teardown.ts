/** Stops the containers global-setup started, if it started any. */
export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.kinshipTestContainers ?? []).map((container) => container.stop()));
}
