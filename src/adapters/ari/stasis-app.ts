import type { Channel, Client, StasisStart } from 'ari-client';
import type { Logger } from 'pino';
import type { AriConnection } from './ari-connection.js';
import { CallSession, type CallServices, type IvrReducer, type IvrStateView } from './call-session.js';

/** How long a shutdown waits for hung-up outbound calls to record what they collected. */
const OUTBOUND_END_WAIT_MS = 5_000;

export interface StasisAppServices extends CallServices {
  /** Records the call (idempotent per channel). */
  callStarted(callUniqueId: string, caller: string | null, at: Date): Promise<void>;
  /** The caller's newest open case, if any. */
  findOpenCase(caller: string | null): Promise<{ trackingNumber: string } | null>;
}

/**
 * The `hotline` Stasis application: one CallSession per channel, ARI events routed to
 * it by channel id (global listeners only: per-channel listeners in ari-client leak),
 * and reconciliation after the WebSocket comes back.
 */
export class StasisApp<S extends IvrStateView> {
  private readonly sessions = new Map<string, CallSession<S>>();
  private readonly playbackOwner = new Map<string, string>();
  /** Sessions still writing their last rows after the call left Stasis. */
  private readonly ending = new Set<Promise<void>>();
  /** Set by drain(): new calls go straight to the dialplan fallback. */
  private draining = false;
  /** Channels handed to the dialplan and not yet out of Stasis: their session hears nothing more. */
  private readonly leaving = new Set<string>();
  /** drain()'s wait for the last session to leave Stasis. */
  private lastSessionLeft: (() => void) | undefined;

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
      outbound?: Record<string, (client: Client, channel: Channel, args: string[]) => Promise<void>>;
      /** Channels of our own outbound calls: after a restart they are hung up, not greeted as callers. */
      isOutboundChannel?: (channelId: string) => boolean;
    },
  ) {
    deps.connection.on('client', (client: Client) => this.attach(client));
    // On every connection, the first one too: after a crash or a restart of the engine,
    // callers may still be waiting in Stasis with nobody serving them.
    deps.connection.on('connected', (client: Client) => void this.reconcile(client));
  }

  /** Outbound call flows running in Stasis, by channel. */
  private readonly outboundFlows = new Map<string, Promise<void>>();

  get activeCalls(): number {
    return this.sessions.size;
  }

  private attach(client: Client): void {
    const { logger } = this.deps;
    client.on('StasisStart', (event: StasisStart, channel: Channel) => {
      const args = ([] as string[]).concat(event.args ?? []);
      if (this.draining) {
        this.refuse(client, channel.id, args);
        return;
      }
      const outbound = args[0] ? this.deps.outbound?.[args[0]] : undefined;
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
      void this.startSession(client, channel, args).catch((err: Error) => {
        // The engine cannot serve this call (its database is down…): the dialplan's own
        // fallback still can, so the caller is not left in silence.
        logger.error({ err: err.message, callId: channel.id }, 'could not start call session; handing the call to the dialplan fallback');
        this.sessions.delete(channel.id);
        this.handOff(client, channel.id);
      });
    });
    client.on('StasisEnd', (_event, channel: Channel) => {
      this.leaving.delete(channel.id);
      const session = this.sessions.get(channel.id);
      if (!session) return;
      this.sessions.delete(channel.id);
      if (this.sessions.size === 0) this.lastSessionLeft?.();
      const ended = session.onStasisEnd().then(
        () => logger.info({ callId: channel.id }, 'call left the IVR'),
        (err: Error) => logger.error({ err: err.message, callId: channel.id }, 'call session did not end cleanly'),
      );
      this.ending.add(ended);
      void ended.finally(() => this.ending.delete(ended));
    });
    client.on('ChannelDtmfReceived', (event, channel: Channel) => {
      if (this.leaving.has(channel.id)) return;
      this.sessions.get(channel.id)?.onDtmf(event.digit);
    });
    client.on('PlaybackStarted', (event) => {
      const channelId = targetChannel(event.playback.target_uri);
      if (!channelId) return;
      this.playbackOwner.set(event.playback.id, channelId);
      // Started just as the call was handed off: it would hold the hand-off back.
      if (this.leaving.has(channelId)) this.stopPlayback(client, event.playback.id);
    });
    client.on('PlaybackFinished', (event) => {
      const channelId = targetChannel(event.playback.target_uri) ?? this.playbackOwner.get(event.playback.id);
      this.playbackOwner.delete(event.playback.id);
      if (channelId && !this.leaving.has(channelId)) this.sessions.get(channelId)?.onPlaybackFinished(event.playback.id);
    });
    const onRecording = (failed: boolean) => (event: { recording: { name: string; target_uri: string; duration?: number } }) => {
      const channelId = targetChannel(event.recording.target_uri);
      if (!channelId) return;
      this.sessions.get(channelId)?.onRecordingFinished(event.recording.name, event.recording.duration ?? null, failed);
    };
    client.on('RecordingFinished', onRecording(false));
    client.on('RecordingFailed', onRecording(true));
  }

  private async startSession(client: Client, channel: Channel, args: string[]): Promise<void> {
    const { logger, services } = this.deps;
    const caller = channel.caller?.number?.trim() || null;
    const entry = args[0] === 'queue-exit' ? 'queue-exit' : 'inbound';
    const log = logger.child({ callId: channel.id });
    const session = new CallSession<S>({
      client,
      channelId: channel.id,
      caller,
      reducer: this.deps.reducer,
      services,
      logger: log,
      now: this.deps.now,
    });
    this.sessions.set(channel.id, session);
    log.info({ entry, queueStatus: args[1] }, 'call entered the IVR');
    await services.callStarted(channel.id, caller, this.deps.now());
    const openCase = entry === 'inbound' ? await services.findOpenCase(caller).catch(() => null) : null;
    await session.deliver({ type: 'started', caller, entry, openCase, queueStatus: entry === 'queue-exit' ? (args[1] ?? null) : null });
  }

  /**
   * After a WebSocket outage: channels may have hung up unseen, or (after a restart)
   * be in Stasis with no session. End the former; start the latter over from the
   * welcome (their call row is kept: it is keyed by the channel).
   */
  private async reconcile(client: Client): Promise<void> {
    const { logger } = this.deps;
    try {
      const app = await client.applications.get({ applicationName: 'hotline' });
      const inStasis = new Set(app.channel_ids);
      for (const [id, session] of this.sessions) {
        if (inStasis.has(id)) continue;
        this.sessions.delete(id);
        await session.onStasisEnd();
      }
      for (const id of inStasis) {
        if (this.sessions.has(id)) continue;
        if (this.deps.isOutboundChannel?.(id)) {
          // Its flow died with the old process; the attempt is recorded by its hang-up.
          await client.channels.hangup({ channelId: id }).catch(() => undefined);
          continue;
        }
        const channel = await client.channels.get({ channelId: id });
        logger.warn({ callId: id }, 'resuming a call found in Stasis without a session');
        await this.startSession(client, channel, []);
      }
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'ARI reconciliation failed');
    }
  }

  /**
   * On shutdown, hand every caller still in the IVR back to the dialplan's fallback
   * (queue or voicebox) rather than dropping them.
   */
  async handOffAll(): Promise<void> {
    const client = this.deps.connection.client;
    if (!client) return;
    await Promise.all([...this.sessions.keys()].map((channelId) => this.handOff(client, channelId)));
    await this.endOutboundFlows(client);
  }

  /**
   * A call we placed (a survey mid-questions, a callback still hearing its greeting) has
   * no dialplan to fall back to: left in Stasis it would sit in silence. Hang up, and
   * let each flow record what it collected while ARI still reports the hang-ups.
   */
  private async endOutboundFlows(client: Client): Promise<void> {
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
   * Shutdown: from now on new calls go straight to the dialplan fallback; callers in the
   * IVR are handed to it and outbound calls end. Resolves once every call has left
   * Stasis and written its rows, or at the deadline. ARI must stay connected meanwhile:
   * the hang-ups and StasisEnds arriving now are what the rows record.
   */
  async drain(deadlineMs: number): Promise<void> {
    this.draining = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    const left = new Promise<void>((resolve) => {
      this.lastSessionLeft = resolve;
      if (this.sessions.size === 0) resolve();
    });
    const drained = (async () => {
      await this.handOffAll();
      // Without ARI no caller can be handed off, nor be seen leaving: no use waiting.
      if (this.deps.connection.client) await left;
      await Promise.all([...this.ending]);
    })();
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
  }

  /** A call arriving during shutdown: a citizen to the dialplan fallback, our own outbound call hung up. */
  private refuse(client: Client, channelId: string, args: string[]): void {
    if (args[0] && this.deps.outbound?.[args[0]]) {
      client.channels.hangup({ channelId }).catch(() => undefined);
      return;
    }
    this.deps.logger.info({ callId: channelId }, 'shutting down: call sent to the dialplan fallback');
    void this.handOff(client, channelId);
  }

  /**
   * Asterisk runs the continue only after the channel's current playback: a long menu
   * prompt would hold the caller (and the shutdown) back. So the playback is stopped
   * once the continue is queued, and the session hears no more events to start another.
   */
  private handOff(client: Client, channelId: string): Promise<void> {
    const context = this.deps.shutdownContext ?? 'hotline-fallback';
    this.leaving.add(channelId);
    const continued = client.channels
      .continueInDialplan({ channelId, context, extension: 's', priority: 1 })
      .catch((err: Error) => {
        // A caller who hung up meanwhile needs no hand-off.
        const gone = /not found/i.test(err.message);
        this.deps.logger[gone ? 'debug' : 'warn']({ err: err.message, callId: channelId }, 'hand-off failed');
      });
    for (const [playbackId, owner] of this.playbackOwner) if (owner === channelId) this.stopPlayback(client, playbackId);
    return continued;
  }

  private stopPlayback(client: Client, playbackId: string): void {
    client.playbacks.stop({ playbackId }).catch(() => undefined);
  }
}

function targetChannel(uri: string | undefined): string | undefined {
  return uri?.startsWith('channel:') ? uri.slice('channel:'.length) : undefined;
}
