import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import ari, { type Client } from 'ari-client';
import { retryTransient } from '../../src/adapters/ari/transient.js';
import { sandboxNodeEnv, type SandboxNodeName } from './sandbox-nodes.js';

/**
 * A scripted citizen on the real Asterisk sandbox. A Local channel dials 137 in
 * `from-pstn`: its `;2` half is the call the hotline answers, its `;1` half sits in a
 * test Stasis application we drive — press keys (DTMF travels to the hotline side),
 * speak (a sound played on our half is what the hotline hears and records), hang up.
 * Subscribed to every channel (not `subscribeAll`), we also see what Asterisk plays to
 * the hotline half. Why not subscribeAll: it adds device-state subscriptions, and
 * Asterisk 22 can deadlock ARI when such an application's WebSocket closes
 * (asterisk/asterisk#2170) — seen here as a wedged sandbox after a test's line closed.
 */
export const CITIZEN_APP = 'hotline-citizen';

export interface AriEvent {
  type: string;
  channel?: { id: string; state?: string };
  playback?: { id: string; media_uri: string; next_media_uri?: string; target_uri: string; state?: string };
  recording?: { name: string; target_uri: string; state?: string };
  digit?: string;
  [key: string]: unknown;
}

export class CitizenLine {
  private readonly events = new EventEmitter();

  private readonly legLog: AriEvent[] = [];
  private readonly takenLegs = new Set<string>();

  private constructor(private readonly client: Client) {
    // One collector per open call plus a few waiters: the fault suite holds 100+ calls.
    this.events.setMaxListeners(500);
    (client as unknown as EventEmitter).on('*', (event: AriEvent) => {
      if (event.type === 'StasisStart' && Array.isArray(event.args) && event.args.length > 0) this.legLog.push(event);
      this.events.emit('event', event);
    });
  }

  /** On the sandbox node `env` names (ARI_URL), or on node `'a'` / `'b'` of the sandbox. */
  static async connect(envOrNode: NodeJS.ProcessEnv | SandboxNodeName = process.env): Promise<CitizenLine> {
    const env = typeof envOrNode === 'string' ? { ...process.env, ...sandboxNodeEnv(envOrNode) } : envOrNode;
    const client = await ari.connect(env.ARI_URL ?? 'http://127.0.0.1:8088', env.ARI_USER!, env.ARI_PASSWORD!);
    const line = new CitizenLine(client);
    await client.start(CITIZEN_APP);
    // "channel:" with no id is every channel (the channel part of subscribeAll).
    await client.applications.subscribe({ applicationName: CITIZEN_APP, eventSource: 'channel:' });
    return line;
  }

  /** Dials 137 as `caller`; resolves once our half is up in the test application. */
  async dial(caller: string): Promise<CitizenCall> {
    const id = `citizen-${randomUUID()}`;
    const call = new CitizenCall(this.client, this.events, id, `${id}-hotline`);
    const up = call.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === id, 20_000);
    await this.client.channels.originate({
      endpoint: 'Local/137@from-pstn/n',
      app: CITIZEN_APP,
      callerId: `"Citizen" <${caller}>`,
      channelId: id,
      otherChannelId: call.hotlineId,
      timeout: 15,
      // Like a PSTN line, 8 kHz. Unasked, a Local channel takes the richest format,
      // slin192: every prompt frame is then resampled 24-fold on each leg, and 100
      // callers alone saturated both cores of the sandbox (Asterisk at 100 % CPU).
      formats: 'slin',
    });
    await up;
    return call;
  }

  /**
   * Channels Asterisk sent into the test application with `appArgs` role (e.g. the
   * `agent` legs app_queue rings through hotline-test-agents, or `callee` for calls the
   * hotline places): resolves with the first (past or future) whose dialplan extension
   * is `exten`.
   */
  waitForLeg(role: string, exten: string, timeoutMs = 30_000): Promise<string> {
    const matches = (e: AriEvent) =>
      e.type === 'StasisStart' &&
      Array.isArray(e.args) &&
      e.args[0] === role &&
      (e.channel as { dialplan?: { exten?: string } } | undefined)?.dialplan?.exten === exten &&
      !this.takenLegs.has(e.channel!.id);
    const past = this.legLog.find(matches);
    if (past) {
      this.takenLegs.add(past.channel!.id);
      return Promise.resolve(past.channel!.id);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('event', listener);
        reject(new Error(`no ${role} leg for ${exten} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: AriEvent) => {
        if (!matches(e)) return;
        clearTimeout(timer);
        this.events.off('event', listener);
        this.takenLegs.add(e.channel!.id);
        resolve(e.channel!.id);
      };
      this.events.on('event', listener);
    });
  }

  /** True when a leg for `exten` arrived and was not taken yet. */
  hasLeg(role: string, exten: string): boolean {
    return this.legLog.some(
      (e) =>
        Array.isArray(e.args) &&
        e.args[0] === role &&
        (e.channel as { dialplan?: { exten?: string } } | undefined)?.dialplan?.exten === exten &&
        !this.takenLegs.has(e.channel!.id),
    );
  }

  /** Calls `listener` with every future event of the test application; returns its removal. */
  onEvent(listener: (e: AriEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  /** Resolves with the next event of the test application matching `predicate` (future events only). */
  nextEvent(predicate: (e: AriEvent) => boolean, timeoutMs = 30_000): Promise<AriEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('event', listener);
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: AriEvent) => {
        if (!predicate(e)) return;
        clearTimeout(timer);
        this.events.off('event', listener);
        resolve(e);
      };
      this.events.on('event', listener);
    });
  }

  /**
   * For a Local-channel leg that the hotline placed (not we): subscribes the test
   * application to its other half, so the prompts Asterisk plays there show up as events.
   * Returns that half's id.
   */
  async followPeer(legId: string): Promise<string> {
    const leg = await this.client.channels.get({ channelId: legId });
    const peerName = leg.name.replace(/;2$/, ';1');
    const peer = (await this.client.channels.list()).find((c) => c.name === peerName);
    if (!peer) throw new Error(`no peer channel ${peerName}`);
    await this.client.applications.subscribe({ applicationName: CITIZEN_APP, eventSource: `channel:${peer.id}` });
    return peer.id;
  }

  async answer(channelId: string): Promise<void> {
    await this.client.channels.answer({ channelId });
  }

  async hangupChannel(channelId: string, reason?: string): Promise<void> {
    await retryTransient(() => this.client.channels.hangup({ channelId, ...(reason ? { reason } : {}) })).catch((err: Error) => {
      if (!/not found|404/i.test(err.message)) throw err;
    });
  }

  /** Presses keys on any channel of the test application (e.g. a callee answering a survey). */
  async pressOn(channelId: string, digits: string): Promise<void> {
    await this.client.channels.sendDTMF({ channelId, dtmf: digits, between: 150, duration: 120 });
  }

  /** Plays `media` on a channel of the test application (what a callee "says"); resolves when it ends. */
  async playOn(channelId: string, media: string): Promise<void> {
    const playbackId = randomUUID();
    const done = this.nextEvent((e) => e.type === 'PlaybackFinished' && e.playback?.id === playbackId);
    await this.client.channels.play({ channelId, media, playbackId, lang: 'en' });
    await done;
  }

  close(): void {
    (this.client as unknown as EventEmitter).removeAllListeners();
    this.client.stop();
  }
}

export class CitizenCall {
  /** Every ARI event about the hotline half, in order. */
  readonly log: AriEvent[] = [];
  private readonly collector: (e: AriEvent) => void;

  constructor(
    private readonly client: Client,
    private readonly events: EventEmitter,
    readonly citizenId: string,
    /** The channel the hotline sees: its id is the call's Asterisk uniqueid in our tables. */
    readonly hotlineId: string,
  ) {
    this.collector = (e) => {
      if (this.concernsHotline(e)) this.log.push(e);
    };
    events.on('event', this.collector);
  }

  private concernsHotline(e: AriEvent): boolean {
    const target = `channel:${this.hotlineId}`;
    return e.channel?.id === this.hotlineId || e.playback?.target_uri === target || e.recording?.target_uri === target;
  }

  /** Prompt ids Asterisk has started playing to the hotline half so far. */
  get promptsHeard(): string[] {
    return this.log.map(startedPrompt).filter((p): p is string => p !== undefined);
  }

  /** Resolves with the first event (past or future) matching `predicate`. */
  waitFor(predicate: (e: AriEvent) => boolean, timeoutMs = 30_000, includePast = true): Promise<AriEvent> {
    const past = includePast ? this.log.find(predicate) : undefined;
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('event', listener);
        reject(new Error(`timed out waiting for an event; heard so far: ${this.promptsHeard.join(' ')}`));
      }, timeoutMs);
      const listener = (e: AriEvent) => {
        if (!predicate(e)) return;
        clearTimeout(timer);
        this.events.off('event', listener);
        resolve(e);
      };
      this.events.on('event', listener);
    });
  }

  /** Waits until the hotline starts playing the prompt `id` (counting only new playbacks when `fresh`). */
  waitForPrompt(id: string, timeoutMs = 30_000, fresh = false): Promise<AriEvent> {
    return this.waitFor(
      (e) => e.playback?.target_uri === `channel:${this.hotlineId}` && startedPrompt(e) === id,
      timeoutMs,
      !fresh,
    );
  }

  waitForRecordingStarted(timeoutMs = 30_000): Promise<AriEvent> {
    return this.waitFor((e) => e.type === 'RecordingStarted' && e.recording?.target_uri === `channel:${this.hotlineId}`, timeoutMs);
  }

  /** Resolves when the hotline half is gone (hung up) or has left the IVR for the dialplan. */
  waitForHotlineHangup(timeoutMs = 30_000): Promise<AriEvent> {
    return this.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === this.hotlineId, timeoutMs);
  }

  async press(digits: string): Promise<void> {
    await this.client.channels.sendDTMF({ channelId: this.citizenId, dtmf: digits, between: 150, duration: 120 });
  }

  /**
   * The IVR walk of a report: main menu 1, category key `category`, then `district` and #
   * at the district prompt. E.g. ('3', '7'): a parks problem in district 7.
   */
  async report(category: string, district: string): Promise<void> {
    await this.waitForPrompt('main-menu');
    await this.press('1');
    await this.waitForPrompt('category-menu');
    await this.press(category);
    await this.waitForPrompt('district-prompt');
    await this.press(`${district}#`);
  }

  /** Plays a sound on our half: the hotline hears it (and records it). Resolves when it ends. */
  async speak(media = 'sound:demo-congrats'): Promise<void> {
    const playbackId = randomUUID();
    const done = new Promise<void>((resolve) => {
      const listener = (e: AriEvent) => {
        if (e.type === 'PlaybackFinished' && e.playback?.id === playbackId) {
          this.events.off('event', listener);
          resolve();
        }
      };
      this.events.on('event', listener);
    });
    await this.client.channels.play({ channelId: this.citizenId, media, playbackId, lang: 'en' });
    await done;
  }

  async hangup(): Promise<void> {
    // Only "already gone" is fine: a hang-up Asterisk never received left the call up
    // and the test waiting on it (seen when 100 callers hung up at once).
    await retryTransient(() => this.client.channels.hangup({ channelId: this.citizenId })).catch((err: Error) => {
      if (!/not found|404/i.test(err.message)) throw err;
    });
  }

  dispose(): void {
    this.events.off('event', this.collector);
  }
}

/**
 * The prompt an event says has just begun. Asterisk sends PlaybackStarted for every
 * item of a list playback (PlaybackContinuing only marks the step between two items).
 */
function startedPrompt(e: AriEvent): string | undefined {
  return e.type === 'PlaybackStarted' ? e.playback?.media_uri.replace(/^sound:/, '') : undefined;
}
