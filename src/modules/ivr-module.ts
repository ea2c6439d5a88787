import type { Logger } from 'pino';
import type { AriConnection } from '../adapters/ari/ari-connection.js';
import { StasisApp } from '../adapters/ari/stasis-app.js';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import * as ivr from '../domain/ivr/engine.js';
import { importFallbackMessages } from '../services/fallback-import.js';
import { createIvrCallServices } from '../services/ivr-call-services.js';
import type { OutboundFlowHandler } from '../outbound/adapters/ari/outbound-calls.js';

/** How often voice messages the dialplan recorded alone are looked for. */
const FALLBACK_SWEEP_MS = 60_000;

/**
 * The `hotline` Stasis app: the IVR on every inbound call (the reducer over a
 * CallSession per channel), the outbound flows handed in, and the import of voice
 * messages the dialplan recorded while the engine was away (at every ARI connection and
 * every minute).
 */
export function createIvrModule(deps: {
  ari: AriConnection;
  cases: CaseRepo;
  calls: CallRepo;
  recordings: RecordingStore;
  stored: StoredRecordings;
  officeOpen: (at: Date) => boolean;
  /** The next time agents answer (said by the after-hours prompt). */
  nextOpening: (at: Date) => Date | null;
  /** Survey comments a dead engine left in Asterisk go to their surveys (outbound). */
  importLeftComments: (storedNames: readonly string[], isCallActive: (channelId: string) => Promise<boolean>) => Promise<number>;
  requestCallback: (input: { callUniqueId: string; caller: string | null }) => Promise<unknown>;
  outbound: { flows: Record<string, OutboundFlowHandler>; isOutboundChannel: (channelId: string) => boolean };
  now: () => Date;
  logger: Logger;
  /** A standby pair's fencing: whether this engine holds the ARI lease now. */
  mayDrive?: () => boolean;
}) {
  const { ari, stored, recordings, now, logger } = deps;
  const services = createIvrCallServices({
    cases: deps.cases,
    calls: deps.calls,
    recordings,
    stored,
    officeOpen: deps.officeOpen,
    nextOpening: deps.nextOpening,
    requestCallback: deps.requestCallback,
    now,
    logger: logger.child({ component: 'ivr' }),
  });
  const stasis = new StasisApp({
    connection: ari,
    reducer: ivr,
    services,
    logger,
    now,
    outbound: deps.outbound.flows,
    isOutboundChannel: deps.outbound.isOutboundChannel,
    ...(deps.mayDrive ? { mayDrive: deps.mayDrive } : {}),
  });

  /** True while Asterisk still has the channel (a recording on it is not final yet). */
  const isChannelUp = async (channelId: string): Promise<boolean> => {
    if (stasis.owns(channelId)) return true;
    const client = ari.client;
    if (!client) throw new Error('ARI is not connected');
    return client.channels.get({ channelId }).then(
      () => true,
      (err: Error) => {
        if (/not found/i.test(err.message)) return false;
        throw err;
      },
    );
  };
  let importing: Promise<number> | undefined;
  // Recordings a dead engine (or a failed import) left in Asterisk: voice messages become
  // cases, survey comments go to their surveys.
  const importFallback = () => {
    importing ??= (async () => {
      const messages = await importFallbackMessages({ stored, recordings, cases: deps.cases, calls: deps.calls, isCallActive: isChannelUp, logger, now });
      const comments = await deps.importLeftComments(await stored.list(), isChannelUp);
      return messages + comments;
    })().finally(() => (importing = undefined));
    return importing;
  };
  ari.on('connected', () => {
    importFallback().catch((err: Error) => logger.warn({ err: err.message }, 'fallback import failed'));
  });
  const sweep = setInterval(() => {
    if (ari.isConnected()) importFallback().catch(() => undefined);
  }, FALLBACK_SWEEP_MS);
  sweep.unref();

  return { stasis, importFallback, isChannelUp, stop: () => clearInterval(sweep) };
}
