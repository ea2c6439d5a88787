import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CaseCategory, CaseStatus, QueueName } from '../../domain/cases/case.js';
import { voiceboxName } from '../../domain/ivr/kept-message.js';
import type { IvrCommand, IvrEvent, StepContext, StepResult } from '../../domain/ivr/types.js';
import { recordingEndReason, watchdogDue, watchdogVerdict, WATCHDOG_INTERVAL_MS, type Presence } from '../../domain/ivr/watchdog.js';
import type { CallAri } from './ari-rest.js';
import { within } from './time-limit.js';
import { isAriNotFound, retryTransient } from './transient.js';

/**
 * Longest the caller waits on the database for one answer (case lookup, case creation):
 * past it the IVR goes on as if the database had failed (the pool's own limits are longer).
 */
const DATABASE_WAIT_MS = 4_000;
/** Longest wait for Asterisk to close a recording after a hang-up. */
const RECORDING_CLOSE_WAIT_MS = 3_000;
/** How long IVR progress may wait to be written, gathering the steps taken meanwhile. */
const PROGRESS_WRITE_DELAY_MS = 1_000;

/** The minimum the adapter reads from the reducer's state. */
export interface IvrStateView {
  path: string[];
  category: CaseCategory | null;
  district: number | null;
  /** The recording the caller kept (by the reducer's name), if any. */
  message: { name: string } | null;
}

export interface IvrReducer<S extends IvrStateView> {
  initialState(): S;
  step(state: S, event: IvrEvent, ctx: StepContext): StepResult<S>;
}

/** What a call needs from the rest of the engine (cases, calls, hours). */
export interface CallServices {
  officeOpen(now: Date): boolean;
  /** When agents answer again by the calendar (null: unknown); asked only while closed. */
  nextOpening?(now: Date): Date | null;
  lookupCase(trackingNumber: string): Promise<{ status: CaseStatus; updatedAt: Date } | null>;
  /** Creates (idempotently per call) the voicebox case; imports the recording from Asterisk. */
  createVoiceboxCase(input: {
    callUniqueId: string;
    caller: string | null;
    category: CaseCategory | null;
    district: number | null;
    recordingName: string | null;
  }): Promise<{ trackingNumber: string }>;
  /** Stores a request to be called back (pressed 1 in the queue) and queues its job. */
  requestCallback(input: { callUniqueId: string; caller: string | null }): Promise<void>;
  /** Persists the IVR progress of the call (path, choices). */
  saveProgress(callUniqueId: string, view: IvrStateView): Promise<void>;
  /**
   * The call left the IVR: queued (still connected) or ended. `recordings` are the names
   * of every take in Asterisk, `kept` the one holding the caller's message (kept in
   * Asterisk until a case holds its audio).
   */
  finish(
    callUniqueId: string,
    how: { queued: QueueName | null; view: IvrStateView; endedAt: Date | null; recordings: string[]; kept: string | null },
  ): Promise<void>;
  /** Length in seconds of a stored recording (its RecordingFinished was missed), or null. */
  storedRecordingSeconds(storedName: string): Promise<number | null>;
}

interface ActiveRecording {
  /** The reducer's name for it. */
  name: string;
  /** The name it is stored under in Asterisk (unique per call). */
  storedName: string;
  maxDurationSeconds: number;
  sawHash: boolean;
  done: (result: { duration: number | null; failed: boolean }) => void;
  finished: Promise<{ duration: number | null; failed: boolean }>;
}

/**
 * One call in Stasis: feeds Asterisk's happenings to the pure reducer, one at a time,
 * and carries out its commands over ARI. Nothing else talks to the channel. The IVR and
 * the satisfaction survey (outbound/adapters/ari/survey-call.ts) both run on it.
 */
export class CallSession<S extends IvrStateView> {
  private state: S;
  private chain: Promise<void> = Promise.resolve();
  private playbackId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private recording: ActiveRecording | undefined;
  private queued: QueueName | null = null;
  private over = false;
  /** Handed to the dialplan (shutdown): the prompt stops and no other starts. */
  private handingOff = false;
  private savedPathLength = 0;
  /** Progress rows are written in the background, in order: a slow database never holds up the caller. */
  private saving: Promise<void> = Promise.resolve();
  private progressTimer: NodeJS.Timeout | undefined;
  /** Asterisk's name of each take, by the reducer's name. */
  private readonly storedNames = new Map<string, string>();
  /** Since when the session has waited on a prompt or a recording (for the watchdog). */
  private waitingSince: number | null = null;
  private readonly watchdog: NodeJS.Timeout;
  private probing = false;

  constructor(
    private readonly deps: {
      /** ARI's requests for the call: the kept-alive REST client, or ari-client's (same shape). */
      client: CallAri;
      channelId: string;
      caller: string | null;
      reducer: IvrReducer<S>;
      services: CallServices;
      logger: Logger;
      now: () => Date;
      /** The watchdog found the channel gone (or `isOver` says the flow is over): end the session as on StasisEnd. */
      onGone?: () => void;
      /**
       * Asterisk's name for take number `take` of the reducer's recording `name`; by
       * default the voicebox name, which carries the caller's choices.
       */
      recordingName?: (take: { name: string; take: number }) => string;
      /** A flow that hangs up itself (the survey) is over when this says so, without waiting for StasisEnd. */
      isOver?: (state: S) => boolean;
    },
  ) {
    this.state = deps.reducer.initialState();
    this.watchdog = setInterval(() => {
      if (watchdogDue(this.waitingSince, Date.now())) void this.recheck();
    }, WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
  }

  get channelId(): string {
    return this.deps.channelId;
  }

  get ended(): boolean {
    return this.over;
  }

  get isRecording(): boolean {
    return this.recording !== undefined;
  }

  /** Progress rows wait for the call row being written (in the background) before them. */
  afterCallRow(written: Promise<void>): void {
    this.saving = written;
  }

  /** Queue an event: events are handled strictly one after another. */
  deliver(event: IvrEvent): Promise<void> {
    return this.enqueue(() => this.handle(event));
  }

  /** Runs `work` after everything queued before it; a failure is logged, never thrown. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work).catch((err: Error) => {
      this.deps.logger.error({ err: err.message }, 'IVR event handling failed');
    });
    return this.chain;
  }

  onDtmf(digit: string): void {
    if (this.over) return;
    if (this.recording) {
      // Asterisk itself stops the recording on '#'; remember why it stopped.
      if (digit === '#') this.recording.sawHash = true;
      return;
    }
    this.bargeIn();
    void this.deliver({ type: 'dtmf', digit });
  }

  onPlaybackFinished(playbackId: string): void {
    if (playbackId !== this.playbackId) return;
    this.playbackId = undefined;
    this.waitingSince = null;
    void this.deliver({ type: 'playbackDone' });
  }

  onRecordingFinished(storedName: string, duration: number | null, failed: boolean): void {
    if (this.recording?.storedName !== storedName) return;
    this.waitingSince = null;
    this.recording.done({ duration, failed });
  }

  /**
   * Asks Asterisk about what the session waits on, for events that may have been lost
   * (a WebSocket drop): a prompt that ended, a recording that stopped, a channel that
   * hung up. Run by the watchdog and after every reconnect.
   */
  async recheck(): Promise<void> {
    if (this.over || this.probing) return;
    const playbackId = this.playbackId;
    const rec = this.recording;
    if (!playbackId && !rec) return;
    this.probing = true;
    try {
      const { client, channelId } = this.deps;
      const [channel, media] = await Promise.all([
        presence(client.channels.get({ channelId })),
        rec ? presence(client.recordings.getLive({ recordingName: rec.storedName })) : presence(client.playbacks.get({ playbackId: playbackId! })),
      ]);
      // The call may have ended (its StasisEnd came meanwhile) or gone to another engine
      // (the lease was lost) while Asterisk was asked: the answer is then moot, and no
      // event was missed.
      if (this.over) return;
      const verdict = watchdogVerdict({ channel, media });
      if (verdict === 'wait') return;
      this.deps.logger.warn({ verdict, waitingOn: rec ? 'recording' : 'playback' }, 'watchdog: an Asterisk event was missed');
      if (verdict === 'end') {
        this.deps.onGone?.();
        return;
      }
      if (rec && this.recording === rec) {
        this.onRecordingFinished(rec.storedName, await this.storedSeconds(rec.storedName), false);
      } else if (playbackId) {
        this.onPlaybackFinished(playbackId);
      }
    } finally {
      this.probing = false;
    }
  }

  private storedSeconds(storedName: string): Promise<number | null> {
    return this.deps.services.storedRecordingSeconds(storedName).catch(() => null);
  }

  /**
   * Shutdown with the caller mid-message: stop the recording so Asterisk keeps the file
   * (under a name that carries the caller's choices) and wait until it is closed.
   */
  async stopRecording(): Promise<void> {
    const rec = this.recording;
    if (!rec) return;
    // No review menu for a caller being handed off: the take is their message, and the
    // hang-up that follows the hand-off turns it into a case (or leaves it for the importer).
    this.over = true;
    this.clearTimer();
    await this.deps.client.recordings.stop({ recordingName: rec.storedName }).catch(() => undefined);
    await Promise.race([rec.finished, delay(RECORDING_CLOSE_WAIT_MS)]);
  }

  /**
   * The call is being handed to the dialplan: Asterisk runs the continue only after the
   * channel's current playback, so the prompt is stopped, now and, for a play request
   * still on its way, as soon as Asterisk has it; no prompt starts after this.
   */
  stopPrompts(): void {
    this.handingOff = true;
    this.clearTimer();
    this.bargeIn();
  }

  /**
   * Another engine drives this call now (the ARI lease was lost): stop at once, without
   * a command to Asterisk or a row, since the call goes on under the new holder.
   */
  abandon(): void {
    this.over = true;
    this.clearTimer();
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    clearInterval(this.watchdog);
  }

  /** The channel left Stasis: hung up, or continued to the dialplan queue. */
  async onStasisEnd(): Promise<void> {
    this.over = true;
    this.clearTimer();
    // The end of the call writes the whole path; a progress write still waiting is moot.
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    clearInterval(this.watchdog);
    if (this.queued) {
      await this.chain;
      await this.finish(this.queued, null);
      return;
    }
    const rec = this.recording;
    if (rec) {
      // Hung up mid-message: let Asterisk close the file first (bounded wait).
      const result = await Promise.race([rec.finished, delay(RECORDING_CLOSE_WAIT_MS).then(() => ({ duration: null, failed: false }))]);
      this.recording = undefined;
      // RecordingFinished lost (a WebSocket drop): the file itself says how long it is,
      // rather than a message counted as 0 s and thrown away.
      const duration = result.duration ?? (await this.storedSeconds(rec.storedName)) ?? 0;
      void this.deliverAfterEnd({ type: 'recordingDone', name: rec.name, durationSeconds: duration, reason: 'hangup' });
    }
    await this.deliverAfterEnd({ type: 'hangup' });
    await this.finish(null, this.deps.now());
  }

  private async finish(queued: QueueName | null, endedAt: Date | null): Promise<void> {
    await this.saving;
    const kept = this.state.message ? (this.storedNames.get(this.state.message.name) ?? null) : null;
    await this.deps.services.finish(this.deps.channelId, {
      queued,
      view: this.state,
      endedAt,
      recordings: [...this.storedNames.values()],
      kept,
    });
  }

  private deliverAfterEnd(event: IvrEvent): Promise<void> {
    return this.enqueue(() => this.handle(event, true));
  }

  private async handle(event: IvrEvent, afterEnd = false): Promise<void> {
    if (this.over && !afterEnd) return;
    const now = this.deps.now();
    const officeOpen = this.deps.services.officeOpen(now);
    const nextOpening = officeOpen ? null : (this.deps.services.nextOpening?.(now) ?? null);
    const result = this.deps.reducer.step(this.state, event, { now, officeOpen, nextOpening });
    this.state = result.state;
    this.persistProgress();
    for (const command of result.commands) {
      if (this.over && !afterEnd) break;
      try {
        await this.run(command, afterEnd);
      } catch (err) {
        this.deps.logger.error({ err: (err as Error).message, command: command.type }, 'IVR command failed');
        if (!afterEnd && (command.type === 'record' || command.type === 'play')) {
          void this.deliver({ type: 'failed', command: command.type, message: (err as Error).message });
        }
      }
    }
    if (!afterEnd && !this.over && this.deps.isOver?.(this.state)) this.deps.onGone?.();
  }

  private persistProgress(): void {
    if (this.state.path.length === this.savedPathLength) return;
    this.savedPathLength = this.state.path.length;
    // One write per PROGRESS_WRITE_DELAY_MS at most, of the latest state: a caller who
    // barges through three menus costs one round trip, not three (each round trip is
    // most of the engine's CPU per call), and the end of the call writes the whole path.
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      if (this.over) return;
      const view = this.state;
      this.saving = this.saving
        .then(() => this.deps.services.saveProgress(this.deps.channelId, view))
        .catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'could not save IVR progress'));
    }, PROGRESS_WRITE_DELAY_MS);
    this.progressTimer.unref();
  }

  private async run(command: IvrCommand, afterEnd: boolean): Promise<void> {
    const { client, channelId } = this.deps;
    switch (command.type) {
      case 'play': {
        if (afterEnd || this.handingOff) return;
        const playbackId = randomUUID();
        this.playbackId = playbackId;
        await retryTransient(() =>
          client.channels.play({
            channelId,
            playbackId,
            lang: 'fa',
            media: command.prompts.map((p) => `sound:${p}`).join(','),
          }),
        );
        // Handed off while the request was on its way: the stop sent then may have come first.
        if (this.handingOff) {
          this.playbackId = playbackId;
          this.bargeIn();
          return;
        }
        // From now on Asterisk knows the playback: a probe cannot mistake "not yet" for "over".
        if (this.playbackId === playbackId) this.waitingSince = Date.now();
        return;
      }
      case 'startTimer':
        if (afterEnd) return;
        this.clearTimer();
        this.timer = setTimeout(() => void this.deliver({ type: 'timer', name: command.name }), command.ms);
        return;
      case 'cancelTimer':
        this.clearTimer();
        return;
      case 'record': {
        if (afterEnd) return;
        // The name carries the caller's choices: the message keeps them even if this
        // process dies or the database is down before the case is made.
        const take = this.storedNames.size + 1;
        const storedName = this.deps.recordingName
          ? this.deps.recordingName({ name: command.name, take })
          : voiceboxName({
              recordedAt: this.deps.now(),
              take,
              callId: channelId,
              caller: this.deps.caller,
              category: this.state.category,
              district: this.state.district,
            });
        this.storedNames.set(command.name, storedName);
        let done!: ActiveRecording['done'];
        const finished = new Promise<{ duration: number | null; failed: boolean }>((resolve) => (done = resolve));
        const rec: ActiveRecording = {
          name: command.name,
          storedName,
          maxDurationSeconds: command.maxDurationSeconds,
          sawHash: false,
          done,
          finished,
        };
        this.recording = rec;
        await retryTransient(() =>
          client.channels.record({
            channelId,
            name: storedName,
            format: 'wav',
            maxDurationSeconds: command.maxDurationSeconds,
            maxSilenceSeconds: command.maxSilenceSeconds,
            beep: command.beep,
            terminateOn: command.terminateOn,
            ifExists: 'overwrite',
          }),
        );
        if (this.recording === rec) this.waitingSince = Date.now();
        void finished.then((result) => {
          if (this.recording !== rec || this.over) return;
          this.recording = undefined;
          if (result.failed) {
            void this.deliver({ type: 'failed', command: 'record', message: 'recording failed' });
            return;
          }
          const duration = result.duration ?? 0;
          const reason = recordingEndReason({ sawHash: rec.sawHash, durationSeconds: duration, maxDurationSeconds: rec.maxDurationSeconds });
          void this.deliver({ type: 'recordingDone', name: rec.name, durationSeconds: duration, reason });
        });
        return;
      }
      case 'lookupCase': {
        const found = await within(this.deps.services.lookupCase(command.trackingNumber), DATABASE_WAIT_MS).catch((err: Error) => {
          void this.deliver({ type: 'failed', command: 'lookupCase', message: err.message });
          return undefined;
        });
        if (found !== undefined) void this.deliver({ type: 'lookupResult', trackingNumber: command.trackingNumber, found });
        return;
      }
      case 'createCase': {
        const recordingName = command.recording ? (this.storedNames.get(command.recording) ?? null) : null;
        try {
          const creating = this.deps.services.createVoiceboxCase({
            callUniqueId: channelId,
            caller: this.deps.caller,
            category: command.category,
            district: command.district,
            recordingName,
          });
          // A late success still makes the case; the caller is told the message is kept either way.
          creating.catch(() => undefined);
          const created = await within(creating, DATABASE_WAIT_MS);
          if (!afterEnd) void this.deliver({ type: 'caseCreated', trackingNumber: created.trackingNumber });
        } catch (err) {
          this.deps.logger.error({ err: (err as Error).message }, 'voicebox case creation failed');
          if (!afterEnd) void this.deliver({ type: 'failed', command: 'createCase', message: (err as Error).message });
        }
        return;
      }
      case 'enqueue': {
        if (afterEnd) return;
        this.queued = command.queue;
        this.clearTimer();
        const variables: Record<string, string> = {
          HOTLINE_CALL_ID: channelId,
          HOTLINE_QUEUE: command.queue,
          HOTLINE_CATEGORY: command.category ?? '',
          HOTLINE_DISTRICT: command.district === null ? '' : String(command.district),
        };
        for (const [variable, value] of Object.entries(variables)) {
          await client.channels.setChannelVar({ channelId, variable, value });
        }
        await client.channels.continueInDialplan({ channelId, context: 'hotline-queue', extension: command.queue, priority: 1 });
        return;
      }
      case 'requestCallback': {
        if (afterEnd) return;
        try {
          await this.deps.services.requestCallback({ callUniqueId: channelId, caller: this.deps.caller });
          void this.deliver({ type: 'callbackRegistered' });
        } catch (err) {
          this.deps.logger.error({ err: (err as Error).message }, 'callback request failed');
          void this.deliver({ type: 'failed', command: 'requestCallback', message: (err as Error).message });
        }
        return;
      }
      case 'hangup':
        if (afterEnd) return;
        await client.channels.hangup({ channelId }).catch(ignoreGone);
        return;
    }
  }

  /**
   * Stops the prompt playing. The stop is retried when it fails on the way (a kept-alive
   * connection Asterisk closed, a timeout), as a play is: lost, it would leave the caller
   * to hear the rest of the prompt, with the next one queued behind it.
   */
  private bargeIn(): void {
    const id = this.playbackId;
    if (!id) return;
    this.playbackId = undefined;
    this.waitingSince = null;
    retryTransient(() => this.deps.client.playbacks.stop({ playbackId: id })).catch((err: Error) => {
      if (isAriNotFound(err)) this.deps.logger.debug({ err: err.message }, 'playback already over');
      else this.deps.logger.warn({ err: err.message }, 'prompt not stopped: Asterisk did not take the stop');
    });
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A 404 from ARI means the channel/playback is already gone: nothing left to do. */
function ignoreGone(err: unknown): void {
  if (isAriNotFound(err)) return;
  throw err;
}

/** Where a probe of ARI stands: 404 is 'gone', any other failure 'unknown'. */
function presence(request: Promise<unknown>): Promise<Presence> {
  return request.then(
    () => 'present' as const,
    (err: Error) => (isAriNotFound(err) ? ('gone' as const) : ('unknown' as const)),
  );
}


function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
