import { createLogger } from '@kinship/observability';

interface Closable {
  close(): Promise<void>;
}

/**
 * Runs a process until SIGTERM or SIGINT, then closes it (in-flight requests and the outbox
 * relay drain) and flushes traces. A failure to start, such as bad configuration, exits 1 with
 * the reason logged.
 */
export async function runUntilSignalled(name: string, start: () => Promise<Closable>, stopTracing: () => Promise<void>): Promise<void> {
  const logger = createLogger(name, process.env.LOG_LEVEL ?? 'info');
  let running: Closable;
  try {
    running = await start();
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    await stopTracing().catch(() => undefined);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    try {
      await running.close();
      await stopTracing();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'failed to stop cleanly');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}
