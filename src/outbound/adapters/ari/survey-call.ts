import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Channel, Client } from 'ari-client';
import type { Logger } from 'pino';
import type { CaseCategory } from '../../../domain/cases/case.js';
import {
  initialSurveyState,
  isSurveyOver,
  step,
  surveyResult,
  type SurveyCommand,
  type SurveyEvent,
  type SurveyResult,
  type SurveyState,
} from '../../domain/survey-flow.js';
import { DEFAULT_MAX_CALL_MS } from '../../ports.js';

/** Where a survey's voice comment is stored in Asterisk: unique per call. */
export function surveyRecordingName(channelId: string, name: string): string {
  return `hotline-survey-${channelId.replace(/[^A-Za-z0-9._-]/g, '_')}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

interface AriEventLike {
  type?: string;
  digit?: string;
  playback?: { id: string };
  recording?: { name: string; duration?: number };
  channel?: { id: string };
}

/**
 * The survey conversation on one answered outbound channel: feeds the channel's events
 * to the pure survey reducer (outbound/domain/survey-flow.ts) one at a time and carries
 * out its commands over ARI. Listens on the client for this channel only and detaches
 * when the call is over; `onEnded` gets what the citizen answered (also after a hang-up).
 * A call whose end never comes (StasisEnd lost in a WebSocket drop) is ended after
 * `maxCallMs`, the survey job's own bound: hung up, listeners removed, answers so far kept.
 */
export function runSurveyCall(
  client: Client,
  channel: Channel,
  deps: {
    survey: { trackingNumber: string; category: CaseCategory | null };
    now: () => Date;
    logger: Logger;
    onEnded: (result: SurveyResult, state: SurveyState, commentStoredAs: string | null) => Promise<void>;
    /** Longest the call may last before its end is assumed (the survey job's bound, 10 min). */
    maxCallMs?: number;
  },
): Promise<void> {
  const channelId = channel.id;
  const events = client as unknown as EventEmitter;
  let state = initialSurveyState();
  let chain: Promise<void> = Promise.resolve();
  let playbackId: string | undefined;
  let recording: { name: string; storedName: string; max: number; sawHash: boolean } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const deliver = (event: SurveyEvent) => {
    chain = chain.then(() => handle(event)).catch((err: Error) => deps.logger.error({ err: err.message }, 'survey step failed'));
    return chain;
  };

  async function handle(event: SurveyEvent): Promise<void> {
    const result = step(state, event, { now: deps.now() });
    state = result.state;
    for (const command of result.commands) await run(command);
    if (event.type === 'hangup' || isSurveyOver(state)) await finish();
  }

  async function run(command: SurveyCommand): Promise<void> {
    const ignoreGone = () => undefined;
    switch (command.type) {
      case 'play':
        playbackId = randomUUID();
        await client.channels
          .play({ channelId, playbackId, lang: 'fa', media: command.prompts.map((p) => `sound:${p}`).join(',') })
          .catch(() => void deliver({ type: 'failed', command: 'play', message: 'playback failed' }));
        return;
      case 'startTimer':
        clearTimeout(timer);
        timer = setTimeout(() => void deliver({ type: 'timer', name: command.name }), command.ms);
        return;
      case 'cancelTimer':
        clearTimeout(timer);
        return;
      case 'record': {
        const storedName = surveyRecordingName(channelId, command.name);
        recording = { name: command.name, storedName, max: command.maxDurationSeconds, sawHash: false };
        await client.channels
          .record({
            channelId,
            name: storedName,
            format: 'wav',
            maxDurationSeconds: command.maxDurationSeconds,
            maxSilenceSeconds: command.maxSilenceSeconds,
            beep: command.beep,
            terminateOn: command.terminateOn,
            ifExists: 'overwrite',
          })
          .catch(() => void deliver({ type: 'failed', command: 'record', message: 'recording failed' }));
        return;
      }
      case 'hangup':
        await client.channels.hangup({ channelId }).catch(ignoreGone);
        return;
    }
  }

  async function finish(): Promise<void> {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(hangupWait);
    clearTimeout(bound);
    detach();
    const result = surveyResult(state);
    const stored = result.commentRecording ? surveyRecordingName(channelId, result.commentRecording) : null;
    try {
      await deps.onEnded(result, state, stored);
    } finally {
      resolveDone();
    }
  }

  const onDtmf = (event: AriEventLike, ch: Channel) => {
    if (ch.id !== channelId || !event.digit) return;
    if (recording && event.digit === '#') recording.sawHash = true;
    if (playbackId) {
      // Barge-in: a key stops the prompt, as in the IVR.
      client.playbacks.stop({ playbackId }).catch(() => undefined);
      playbackId = undefined;
    }
    void deliver({ type: 'dtmf', digit: event.digit });
  };
  const onPlaybackFinished = (event: AriEventLike) => {
    if (!event.playback || event.playback.id !== playbackId) return;
    playbackId = undefined;
    void deliver({ type: 'playbackDone' });
  };
  let hungUp = false;
  let hangupWait: NodeJS.Timeout | undefined;
  const onRecording = (failed: boolean) => (event: AriEventLike) => {
    if (!recording || event.recording?.name !== recording.storedName) return;
    const rec = recording;
    recording = undefined;
    if (failed) {
      void deliver({ type: 'failed', command: 'record', message: 'recording failed' });
    } else {
      const duration = event.recording.duration ?? 0;
      const reason = hungUp ? 'hangup' : rec.sawHash ? 'dtmf' : duration >= rec.max - 1 ? 'maxDuration' : 'silence';
      void deliver({ type: 'recordingDone', name: rec.name, durationSeconds: duration, reason });
    }
    if (hungUp) {
      clearTimeout(hangupWait);
      void deliver({ type: 'hangup' });
    }
  };
  const onRecordingFinished = onRecording(false);
  const onRecordingFailed = onRecording(true);
  const onEnd = (_event: AriEventLike, ch: Channel) => {
    if (ch.id !== channelId || hungUp) return;
    hungUp = true;
    if (recording) {
      // The comment so far still counts: Asterisk reports its length once the file is
      // closed, just after the hang-up; the reducer decides whether it is long enough.
      hangupWait = setTimeout(() => {
        recording = undefined;
        void deliver({ type: 'hangup' });
      }, 3_000);
      return;
    }
    void deliver({ type: 'hangup' });
  };

  function detach(): void {
    events.off('ChannelDtmfReceived', onDtmf);
    events.off('PlaybackFinished', onPlaybackFinished);
    events.off('RecordingFinished', onRecordingFinished);
    events.off('RecordingFailed', onRecordingFailed);
    events.off('StasisEnd', onEnd);
  }

  events.on('ChannelDtmfReceived', onDtmf);
  events.on('PlaybackFinished', onPlaybackFinished);
  events.on('RecordingFinished', onRecordingFinished);
  events.on('RecordingFailed', onRecordingFailed);
  events.on('StasisEnd', onEnd);
  const bound = setTimeout(() => {
    deps.logger.warn({ channelId }, 'survey call outlived its longest duration (its end was missed?); ended here');
    // Listeners go at once: the step chain may itself be waiting on a dead ARI request.
    detach();
    client.channels.hangup({ channelId }).catch(() => undefined);
    hungUp = true;
    void deliver({ type: 'hangup' });
  }, deps.maxCallMs ?? DEFAULT_MAX_CALL_MS);
  bound.unref();
  void deliver({ type: 'started', trackingNumber: deps.survey.trackingNumber, category: deps.survey.category });
  return done;
}
