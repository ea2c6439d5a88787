import { randomUUID } from 'node:crypto';
import type { Client } from 'ari-client';
import type { Logger } from 'pino';
import type { CaseCategory, CaseStatus, QueueName } from '../../domain/cases/case.js';
import type { IvrCommand, IvrEvent, StepContext, StepResult } from '../../domain/ivr/types.js';
import { recordingSafeName, voiceboxRecordingPrefix } from '../../domain/ivr/recording-names.js';

/** The minimum the adapter reads from the reducer's state. */
export interface IvrStateView {
  path: string[];
  category: CaseCategory | null;
  district: number | null;
}

export interface IvrReducer<S extends IvrStateView> {
  initialState(): S;
  step(state: S, event: IvrEvent, ctx: StepContext): StepResult<S>;
}

/** What a call needs from the rest of the engine (cases, calls, hours). */
export interface CallServices {
  officeOpen(now: Date): boolean;
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
  /** The call left the IVR: queued (still connected) or ended. */
  finish(callUniqueId: string, how: { queued: QueueName | null; view: IvrStateView; endedAt: Date | null }): Promise<void>;
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
 * and carries out its commands over ARI. Nothing else talks to the channel.
 */
export class CallSession<S extends IvrStateView> {
  private state: S;
  private chain: Promise<void> = Promise.resolve();
  private playbackId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private recording: ActiveRecording | undefined;
  private queued: QueueName | null = null;
  private over = false;
  private savedPathLength = 0;

  constructor(
    private readonly deps: {
      client: Client;
      channelId: string;
      caller: string | null;
      reducer: IvrReducer<S>;
      services: CallServices;
      logger: Logger;
      now: () => Date;
    },
  ) {
    this.state = deps.reducer.initialState();
  }

  get channelId(): string {
    return this.deps.channelId;
  }

  get ended(): boolean {
    return this.over;
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
    void this.deliver({ type: 'playbackDone' });
  }

  onRecordingFinished(storedName: string, duration: number | null, failed: boolean): void {
    if (this.recording?.storedName !== storedName) return;
    this.recording.done({ duration, failed });
  }

  /** The channel left Stasis: hung up, or continued to the dialplan queue. */
  async onStasisEnd(): Promise<void> {
    if (this.queued) {
      this.over = true;
      this.clearTimer();
      await this.chain;
      await this.deps.services.finish(this.deps.channelId, { queued: this.queued, view: this.state, endedAt: null });
      return;
    }
    this.over = true;
    this.clearTimer();
    const rec = this.recording;
    if (rec) {
      // Hung up mid-message: let Asterisk close the file first (bounded wait).
      const result = await Promise.race([rec.finished, delay(3000).then(() => ({ duration: null, failed: false }))]);
      this.recording = undefined;
      void this.deliverAfterEnd({
        type: 'recordingDone',
        name: rec.name,
        durationSeconds: result.duration ?? 0,
        reason: 'hangup',
      });
    }
    await this.deliverAfterEnd({ type: 'hangup' });
    await this.deps.services.finish(this.deps.channelId, { queued: null, view: this.state, endedAt: this.deps.now() });
  }

  private deliverAfterEnd(event: IvrEvent): Promise<void> {
    return this.enqueue(() => this.handle(event, true));
  }

  private async handle(event: IvrEvent, afterEnd = false): Promise<void> {
    if (this.over && !afterEnd) return;
    const now = this.deps.now();
    const result = this.deps.reducer.step(this.state, event, { now, officeOpen: this.deps.services.officeOpen(now) });
    this.state = result.state;
    await this.persistProgress();
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
  }

  private async persistProgress(): Promise<void> {
    if (this.state.path.length === this.savedPathLength) return;
    this.savedPathLength = this.state.path.length;
    try {
      await this.deps.services.saveProgress(this.deps.channelId, this.state);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'could not save IVR progress');
    }
  }

  private async run(command: IvrCommand, afterEnd: boolean): Promise<void> {
    const { client, channelId } = this.deps;
    switch (command.type) {
      case 'play': {
        if (afterEnd) return;
        const playbackId = randomUUID();
        this.playbackId = playbackId;
        await client.channels.play({
          channelId,
          playbackId,
          lang: 'fa',
          media: command.prompts.map((p) => `sound:${p}`).join(','),
        });
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
        const storedName = voiceboxRecordingPrefix(channelId) + recordingSafeName(command.name);
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
        await client.channels.record({
          channelId,
          name: storedName,
          format: 'wav',
          maxDurationSeconds: command.maxDurationSeconds,
          maxSilenceSeconds: command.maxSilenceSeconds,
          beep: command.beep,
          terminateOn: command.terminateOn,
          ifExists: 'overwrite',
        });
        void finished.then((result) => {
          if (this.recording !== rec || this.over) return;
          this.recording = undefined;
          if (result.failed) {
            void this.deliver({ type: 'failed', command: 'record', message: 'recording failed' });
            return;
          }
          const duration = result.duration ?? 0;
          const reason = rec.sawHash ? 'dtmf' : duration >= rec.maxDurationSeconds - 1 ? 'maxDuration' : 'silence';
          void this.deliver({ type: 'recordingDone', name: rec.name, durationSeconds: duration, reason });
        });
        return;
      }
      case 'lookupCase': {
        const found = await this.deps.services.lookupCase(command.trackingNumber).catch((err: Error) => {
          void this.deliver({ type: 'failed', command: 'lookupCase', message: err.message });
          return undefined;
        });
        if (found !== undefined) void this.deliver({ type: 'lookupResult', trackingNumber: command.trackingNumber, found });
        return;
      }
      case 'createCase': {
        const recordingName = command.recording
          ? voiceboxRecordingPrefix(channelId) + recordingSafeName(command.recording)
          : null;
        try {
          const created = await this.deps.services.createVoiceboxCase({
            callUniqueId: channelId,
            caller: this.deps.caller,
            category: command.category,
            district: command.district,
            recordingName,
          });
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

  private bargeIn(): void {
    const id = this.playbackId;
    if (!id) return;
    this.playbackId = undefined;
    this.deps.client.playbacks
      .stop({ playbackId: id })
      .catch((err: Error) => this.deps.logger.debug({ err: err.message }, 'playback already over'));
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A 404 from ARI means the channel/playback is already gone: nothing left to do. */
function ignoreGone(err: unknown): void {
  const message = (err as Error)?.message ?? '';
  if (/not found|404/i.test(message)) return;
  throw err;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
