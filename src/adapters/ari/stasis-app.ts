import type { Channel, AriClient, StasisStart } from './ari-client.js';
import type { Logger } from 'pino';
import type { AriConnection } from './ari-connection.js';
import { CallSession, type CallServices, type IvrReducer, type IvrStateView } from './call-session.js';
import { within } from './time-limit.js';
import { isAriNotFound } from './transient.js';
import { eachWithLimit } from '../../domain/concurrency.js';

/** How long a shutdown waits for hung-up outbound calls to record what they collected. */
const OUTBOUND_END_WAIT_MS = 5_000;
/** Reconciliation also runs this often: a missed StasisStart must not leave a caller in silence. */
const RECONCILE_EVERY_MS = 15_000;
/** Where the dialplan tells a caller whose message was stopped by a shutdown that it is kept. */
const KEPT_EXTENSION = 'kept';
/** How long the welcome waits on the open-case lookup before going on without it. */
const OPEN_CASE_WAIT_MS = 1_500;
/**
 * The same for a caller resumed after a restart or a standby's takeover: they have been
 * waiting already, and 100 lookups at once kept the last of them 1.5 s more in silence.
 */
const RESUMED_OPEN_CASE_WAIT_MS = 300;
/**
 * Callers resumed at once after a restart: all of 100 (measured: 25 at a time kept the last
 * ones ~2 s longer in silence after a standby's takeover; one listing serves them all).
 */
const RESUME_CONCURRENCY = 100;


export interface StasisAppServices extends CallServices {
  /**
   * Records the call (idempotent per channel) and, with `findOpenCase`, answers the
   * caller's newest open case in the same round trip (null otherwise).
   */
  callStarted(callUniqueId: string, caller: string | null, at: Date, opts?: { findOpenCase?: boolean }): Promise<{ openCase: { trackingNumber: string } | null }>;
}

/**
 * The `hotline` Stasis application: one CallSession per channel, ARI events routed to
 * it by channel id (global listeners only: per-channel listeners in ari-client leak),
 * and reconciliation after the WebSocket comes back.
 */
export class StasisApp<S extends IvrStateView> {
  private readonly sessions = new Map<string, CallSession<S>>();
  /** Sessions still writing their last rows after the call left Stasis. */
  private readonly ending = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      connection: AriConnection;
      reducer: IvrReducer<S>;
      services: StasisAppServices;
      logger: Logger;
      now: () => Date;
      /** Context a caller is sent to when the engine shuts down mid-IVR. */
      shutdownContext?: string;
      /** Flows of calls the engine places itself, by the first Stasis argument (e.g. `callback`). */
      outbound?: Record<string, (client: AriClient, channel: Channel, args: string[]) => Promise<void>>;
      /** Channels of our own outbound calls: after a restart they are hung up, not greeted as callers. */
      isOutboundChannel?: (channelId: string) => boolean;
      /** Period of the background reconciliation (RECONCILE_EVERY_MS by default). */
      reconcileEveryMs?: number;
      /**
       * Fencing of a standby pair: false once this engine may no longer drive calls (its ARI
       * lease lapsed, e.g. the process was paused), even before its WebSocket is closed.
       */
      mayDrive?: () => boolean;
    },
  ) {
    deps.connection.on('client', (client: AriClient) => this.attach(client));
    // On every connection, the first one too: after a crash or a restart of the engine,
    // callers may still be waiting in Stasis with nobody serving them.
    deps.connection.on('connected', (client: AriClient) => void this.reconcile(client));
    this.reconcileTimer = setInterval(() => {
      const client = deps.connection.client;
      if (client && deps.connection.isConnected()) void this.reconcile(client);
    }, deps.reconcileEveryMs ?? RECONCILE_EVERY_MS);
    this.reconcileTimer.unref();
  }

  private readonly reconcileTimer: NodeJS.Timeout;
  /** One reconciliation at a time; a request meanwhile joins the one running. */
  private reconciling: Promise<void> | undefined;
  /** Set by drain(): new calls go straight to the dialplan fallback. */
  private draining = false;
  /** Channels handed to the dialplan and not yet out of Stasis: their session hears nothing more. */
  private readonly leaving = new Set<string>();
  /** drain()'s wait for the last session to leave Stasis. */
  private lastSessionLeft: (() => void) | undefined;

  /** Outbound call flows running in Stasis, by channel. */
  private readonly outboundFlows = new Map<string, Promise<void>>();

  get activeCalls(): number {
    return this.sessions.size;
  }

  /** True while this process serves the call (IVR session, ending, or outbound flow): its files are not final. */
  owns(channelId: string): boolean {
    return this.sessions.has(channelId) || this.endingIds.has(channelId) || this.outboundFlows.has(channelId);
  }

  private readonly endingIds = new Set<string>();

  private driving(): boolean {
    return this.deps.mayDrive?.() ?? true;
  }

  private attach(client: AriClient): void {
    const { logger } = this.deps;
    client.on('StasisStart', (event: StasisStart, channel: Channel) => {
      if (!this.driving()) return;
      const args = ([] as string[]).concat(event.args ?? []);
      const outbound = args[0] ? this.deps.outbound?.[args[0]] : undefined;
      if (outbound && this.draining) {
        // Our own call answered as we shut down: nobody would run its flow.
        client.channels.hangup({ channelId: channel.id }).catch(() => undefined);
        return;
      }
      if (outbound) {
        // Our own outbound calls (callbacks…), answered: not IVR sessions.
        const flow = outbound(client, channel, args.slice(1)).catch((err: Error) => {
          logger.error({ err: err.message, callId: channel.id, flow: args[0] }, 'outbound call flow failed');
          client.channels.hangup({ channelId: channel.id }).catch(() => undefined);
        });
        this.outboundFlows.set(channel.id, flow);
        void flow.finally(() => this.outboundFlows.delete(channel.id));
        return;
      }
      if (this.draining) {
        // Shutting down: the dialplan serves the call (queue or voicebox), not a dying engine.
        logger.info({ callId: channel.id }, 'shutting down: call sent to the dialplan fallback');
        void this.handOff(client, channel.id);
        return;
      }
      void this.startSession(channel, args).catch((err: Error) => {
        // The engine cannot serve this call (ARI refused its first steps): the dialplan's
        // own fallback still can, so the caller is not left in silence.
        logger.error({ err: err.message, callId: channel.id }, 'could not start call session; handing the call to the dialplan fallback');
        void this.handOff(client, channel.id);
        this.sessions.delete(channel.id);
      });
    });
    client.on('StasisEnd', (_event, channel: Channel) => {
      if (!this.driving()) return;
      this.leaving.delete(channel.id);
      this.endSession(channel.id);
    });
    client.on('ChannelDtmfReceived', (event, channel: Channel) => {
      if (!this.driving()) return;
      if (this.leaving.has(channel.id)) return;
      this.sessions.get(channel.id)?.onDtmf(event.digit);
    });
    // No PlaybackStarted: a session knows its own prompt (two events fewer per call).
    client.on('PlaybackFinished', (event) => {
      if (!this.driving()) return;
      const channelId = targetChannel(event.playback.target_uri);
      if (channelId && !this.leaving.has(channelId)) this.sessions.get(channelId)?.onPlaybackFinished(event.playback.id);
    });
    const onRecording = (failed: boolean) => (event: { recording: { name: string; target_uri: string; duration?: number } }) => {
      if (!this.driving()) return;
      const channelId = targetChannel(event.recording.target_uri);
      if (!channelId) return;
      this.sessions.get(channelId)?.onRecordingFinished(event.recording.name, event.recording.duration ?? null, failed);
    };
    client.on('RecordingFinished', onRecording(false));
    client.on('RecordingFailed', onRecording(true));
  }

  /** The call left Stasis (or the watchdog/reconcile found it gone): its session writes its last rows. */
  private endSession(channelId: string): void {
    const session = this.sessions.get(channelId);
    if (!session) return;
    this.sessions.delete(channelId);
    if (this.sessions.size === 0) this.lastSessionLeft?.();
    this.endingIds.add(channelId);
    const { logger } = this.deps;
    const ended = session.onStasisEnd().then(
      () => logger.info({ callId: channelId }, 'call left the IVR'),
      (err: Error) => logger.error({ err: err.message, callId: channelId }, 'call session did not end cleanly'),
    );
    this.ending.add(ended);
    void ended.finally(() => {
      this.ending.delete(ended);
      this.endingIds.delete(channelId);
    });
  }

  private async startSession(channel: Channel, args: string[], resumed = false): Promise<void> {
    // StasisStart and a reconciliation may both find the same new channel.
    if (this.sessions.has(channel.id)) return;
    const { logger, services } = this.deps;
    const caller = channel.caller?.number?.trim() || null;
    const entry = args[0] === 'queue-exit' ? 'queue-exit' : 'inbound';
    const log = logger.child({ callId: channel.id });
    const session = new CallSession<S>({
      client: this.deps.connection.rest,
      channelId: channel.id,
      caller,
      reducer: this.deps.reducer,
      services,
      logger: log,
      now: this.deps.now,
      onGone: () => this.endSession(channel.id),
    });
    this.sessions.set(channel.id, session);
    // One info line per call is enough at 500 calls a minute ('call left the IVR'); the
    // arrival is there at debug for whoever follows a single call.
    log.debug({ entry, queueStatus: args[1] }, 'call entered the IVR');
    // The caller hears the welcome without waiting on the database: a slow or absent one
    // costs the call row and the open-case notice, never the IVR itself (the choices
    // travel with the recording's name).
    const started = services.callStarted(channel.id, caller, this.deps.now(), { findOpenCase: entry === 'inbound' });
    const recorded = started.then(
      () => undefined,
      (err: Error) => log.warn({ err: err.message }, 'call row not written; the IVR goes on'),
    );
    session.afterCallRow(recorded);
    // The open-case notice waits a bounded time for the same round trip; the row goes on
    // being written in the background past it.
    const openCase =
      entry === 'inbound'
        ? await within(
            started.then((s) => s.openCase),
            resumed ? RESUMED_OPEN_CASE_WAIT_MS : OPEN_CASE_WAIT_MS,
          ).catch(() => null)
        : null;
    await session.deliver({ type: 'started', caller, entry, openCase, queueStatus: entry === 'queue-exit' ? (args[1] ?? null) : null });
  }

  /**
   * After a WebSocket outage, after a restart, and every RECONCILE_EVERY_MS: channels
   * may have hung up unseen, or be in Stasis with no session. End the former; start the
   * latter over from the welcome (their call row is kept: it is keyed by the channel).
   * Each channel on its own: one that fails (gone meanwhile, a database error) does not
   * strand the callers after it.
   */
  reconcile(client: AriClient): Promise<void> {
    this.reconciling ??= this.reconcileOnce(client).finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileOnce(client: AriClient): Promise<void> {
    const { logger } = this.deps;
    if (!this.driving()) return;
    // Sessions started after the listing below are not in it: they must not be ended.
    const known = [...this.sessions];
    let listed: string[];
    try {
      listed = ([] as string[]).concat((await client.applications.get({ applicationName: 'hotline' })).channel_ids);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'ARI reconciliation failed');
      return;
    }
    const inStasis = new Set(listed);
    for (const [id, session] of known) {
      if (this.sessions.get(id) !== session) continue;
      if (inStasis.has(id)) {
        // Events may have been lost: a prompt or a recording that ended unseen.
        void session.recheck().catch((err: Error) => logger.warn({ err: err.message, callId: id }, 'session recheck failed'));
        continue;
      }
      this.endSession(id);
    }
    // Side by side, not one after another: each resume waits on Asterisk and on the
    // open-case lookup (up to OPEN_CASE_WAIT_MS), so a queue of 100 callers resumed in
    // turn kept the last of them in silence for many seconds after a restart.
    const orphans = [...inStasis].filter((id) => !this.owns(id));
    // One listing instead of a request per caller: 100 callers found at once after a
    // takeover are resumed sooner. A channel missing from it is asked for on its own.
    const channels = orphans.length > 1 ? await listChannels(client) : new Map<string, Channel>();
    await eachWithLimit(orphans, RESUME_CONCURRENCY, async (id) => {
      try {
        await this.resume(client, id, channels.get(id));
      } catch (err) {
        logger.error({ err: (err as Error).message, callId: id }, 'could not resume a call found in Stasis');
      }
    });
  }

  /**
   * A channel the application lists but nobody here serves. The list holds the app's
   * subscriptions, not only channels in Stasis: a callback now waiting in a queue is
   * listed too and must be left alone. Only a channel whose dialplan application is
   * Stasis(hotline…) is ours to pick up.
   */
  private async resume(client: AriClient, channelId: string, listed?: Channel): Promise<void> {
    const channel =
      listed ??
      (await client.channels.get({ channelId }).catch((err: Error) => {
        if (isAriNotFound(err)) return null;
        throw err;
      }));
    if (!channel) return;
    const args = stasisArgs(channel);
    if (!args) return;
    if (this.owns(channelId)) return;
    if (this.deps.outbound?.[args[0] ?? ''] || this.deps.isOutboundChannel?.(channelId)) {
      // Our own call whose flow died with an earlier process: the attempt is recorded by its hang-up.
      await client.channels.hangup({ channelId }).catch(() => undefined);
      return;
    }
    this.deps.logger.warn({ callId: channelId }, 'resuming a call found in Stasis without a session');
    await this.startSession(channel, args, true);
  }

  /**
   * The ARI lease went to another engine (standby pair): every session stops where it is,
   * without a word to Asterisk and without ending rows. The new holder's reconciliation
   * finds the callers in Stasis and resumes them. Outbound flows already running finish
   * on their own; new events no longer reach this process once its WebSocket is closed.
   */
  abandonAll(): number {
    const count = this.sessions.size;
    for (const session of this.sessions.values()) session.abandon();
    this.sessions.clear();
    this.leaving.clear();
    this.lastSessionLeft?.();
    return count;
  }

  /**
   * On shutdown, hand every caller still in the IVR back to the dialplan's fallback
   * (queue or voicebox) rather than dropping them.
   */
  async handOffAll(): Promise<void> {
    const client = this.deps.connection.client;
    if (!client) return;
    this.draining = true;
    await Promise.all(
      [...this.sessions].map(async ([channelId, session]) => {
        const recording = session.isRecording;
        if (recording) await session.stopRecording();
        await this.handOff(client, channelId, recording ? KEPT_EXTENSION : 's');
      }),
    );
    await this.endOutboundFlows(client);
  }

  /**
   * A call we placed (a survey mid-questions, a callback still hearing its greeting) has
   * no dialplan to fall back to: left in Stasis it would sit in silence. Hang up, and
   * let each flow record what it collected while ARI still reports the hang-ups.
   */
  private async endOutboundFlows(client: AriClient): Promise<void> {
    const flows = [...this.outboundFlows];
    if (flows.length === 0) return;
    this.deps.logger.info({ calls: flows.length }, 'ending outbound calls in progress before shutdown');
    await Promise.all(flows.map(([channelId]) => client.channels.hangup({ channelId }).catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, OUTBOUND_END_WAIT_MS)));
    await Promise.race([Promise.all(flows.map(([, flow]) => flow)), limit]);
    clearTimeout(timer);
  }

  /**
   * Shutdown of the calls (app.stop): from now on new calls go to the dialplan fallback;
   * a caller mid-message has the recording stopped, so Asterisk keeps it under a name
   * carrying their choices, and is told so by the dialplan (hotline-fallback,kept); every
   * other caller is handed to the fallback; outbound calls are ended. Resolves when that
   * is done and the ended calls have written their rows, or at `deadlineMs`.
   */
  async drain(deadlineMs = 10_000): Promise<void> {
    this.draining = true;
    clearInterval(this.reconcileTimer);
    const client = this.deps.connection.client;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    const left = new Promise<void>((resolve) => {
      this.lastSessionLeft = resolve;
      if (this.sessions.size === 0) resolve();
    });
    const work = (async () => {
      // Without ARI no caller can be handed off, nor be seen leaving: no use waiting.
      if (client) {
        await this.handOffAll();
        await left;
      }
      await this.settled();
    })();
    await Promise.race([work, deadline]);
    clearTimeout(timer);
  }

  /** Resolves once every ended call has written its rows (before the database closes). */
  async settled(): Promise<void> {
    await Promise.all([...this.ending]);
  }

  /**
   * Asterisk runs the continue only after the channel's current playback: a long menu
   * prompt would hold the caller (and the shutdown) back. So the playback is stopped
   * once the continue is queued, and the session hears no more events to start another.
   */
  private handOff(client: AriClient, channelId: string, extension = 's'): Promise<void> {
    const context = this.deps.shutdownContext ?? 'hotline-fallback';
    this.leaving.add(channelId);
    const continued = client.channels
      .continueInDialplan({ channelId, context, extension, priority: 1 })
      .then(
        () => undefined,
        (err: Error) => {
        // A caller who hung up meanwhile needs no hand-off.
        const gone = /not found/i.test(err.message);
        this.deps.logger[gone ? 'debug' : 'warn']({ err: err.message, callId: channelId }, 'hand-off failed');
        },
      );
    this.sessions.get(channelId)?.stopPrompts();
    return continued;
  }
}

/** Asterisk's channels by id; empty when the listing fails (each channel is then asked for alone). */
async function listChannels(client: AriClient): Promise<Map<string, Channel>> {
  const all = await client.channels.list().catch(() => [] as Channel[]);
  return new Map(all.map((c) => [c.id, c]));
}

/** The arguments of the Stasis(hotline,…) a channel is in, or null when it is not in ours. */
export function stasisArgs(channel: { dialplan?: { app_name?: string; app_data?: string } }): string[] | null {
  const { app_name: app, app_data: data } = channel.dialplan ?? {};
  if (app?.toLowerCase() !== 'stasis' || data === undefined) return null;
  const [name, ...args] = data.split(',');
  return name?.trim() === 'hotline' ? args.map((a) => a.trim()) : null;
}

function targetChannel(uri: string | undefined): string | undefined {
  return uri?.startsWith('channel:') ? uri.slice('channel:'.length) : undefined;
}
