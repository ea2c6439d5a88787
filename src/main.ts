import 'dotenv/config';
import { createLogger } from './adapters/log/logger.js';
import { startHotline } from './app.js';
import { compactHeap } from './adapters/runtime/compact-heap.js';
import { loadConfig } from './config.js';

const logger = createLogger(process.env.LOG_LEVEL ?? 'info');

async function main(): Promise<void> {
  const config = loadConfig();
  const hotline = await startHotline(config, { logger });
  // Start-up's garbage collected now, while no call waits on it, rather than never
  // (see compactHeap). In this process only: tests start many engines in one.
  const compaction = compactHeap();
  if (compaction) logger.info(compaction, 'start-up garbage collected');
  logger.info(`hotline-137 is up: API ${hotline.url}/api  docs ${hotline.url}/docs  agent desktop ${hotline.url}/agent`);
  // Plain lines as well, for the person who ran `npm start`.
  console.log(
    `\n  hotline-137 API:  ${hotline.url}/api/health\n  OpenAPI docs:     ${hotline.url}/docs\n  Agent desktop:    ${hotline.url}/agent\n`,
  );

  const shutdown = (signal: string) => {
    logger.info({ signal, deadlineMs: config.shutdownDeadlineMs }, 'shutting down');
    // Whatever still holds the event loop (a hung socket, a worker's job) cannot keep
    // the process alive past the deadline: an orchestrator would SIGKILL it mid-call.
    setTimeout(() => {
      logger.error('shutdown deadline passed: exiting with work still open');
      process.exit(1);
    }, config.shutdownDeadlineMs).unref();
    hotline.stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

// One stray rejected promise must not drop every call in progress: log it loudly and
// keep serving (Asterisk's fallback covers the calls if the process does die).
process.on('unhandledRejection', (reason) => {
  logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled promise rejection');
});

main().catch((err: Error) => {
  logger.fatal({ err: err.message, code: (err as { code?: string }).code }, 'hotline-137 could not start');
  process.exit(1);
});
