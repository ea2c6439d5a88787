import type { EventEmitter } from 'node:events';
import type { Channel, AriClient } from '../../../adapters/ari/ari-client.js';
import type { Logger } from 'pino';
import { CallSession, type CallServices, type IvrReducer, type IvrStateView } from '../../../adapters/ari/call-session.js';
import type { CaseCategory } from '../../../domain/cases/case.js';
import type { IvrEvent } from '../../../domain/ivr/types.js';
import { initialSurveyState, isSurveyOver, step, surveyResult, type SurveyEvent, type SurveyResult, type SurveyState } from '../../domain/survey-flow.js';
import { DEFAULT_MAX_CALL_MS } from '../../ports.js';

/** Where a survey's voice comment is stored in Asterisk: unique per call. */
export function surveyRecordingName(channelId: string, name: string): string {
  return `hotline-survey-${channelId.replace(/[^A-Za-z0-9._-]/g, '_')}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The survey's state as the call driver reads it: the comment is the message it keeps. */
type SurveyCallState = SurveyState & IvrStateView;

const SURVEY_EVENTS: ReadonlySet<IvrEvent['type']> = new Set(['dtmf', 'playbackDone', 'timer', 'recordingDone', 'failed', 'hangup']);

/**
 * The survey reducer (outbound/domain/survey-flow.ts) in the shape the call driver runs:
 * the driver's `started` names the case being asked about, and every other event the
 * survey knows passes through unchanged (it issues no command that could bring another).
 */
function surveyOnCallDriver(survey: { trackingNumber: string; category: CaseCategory | null }): IvrReducer<SurveyCallState> {
  const view = (s: SurveyState): SurveyCallState => ({
    ...s,
    district: null,
    message: s.commentRecording ? { name: s.commentRecording } : null,
  });
  return {
    initialState: () => view(initialSurveyState()),
    step(state, event, ctx) {
      const surveyEvent: SurveyEvent | null =
        event.type === 'started' ? { type: 'started', ...survey } : SURVEY_EVENTS.has(event.type) ? (event as SurveyEvent) : null;
      if (!surveyEvent) return { state, commands: [] };
      const result = step(state, surveyEvent, { now: ctx.now });
      return { state: view(result.state), commands: result.commands };
    },
  };
}

interface AriEventLike {
  digit?: string;
  playback?: { id: string };
  recording?: { name: string; duration?: number };
}

/**
 * The survey conversation on one answered outbound channel, run by the IVR's call
 * driver (CallSession): the channel's events go to it, it feeds them to the survey
 * reducer one at a time and carries out its commands over ARI. Listens on the client for
 * this channel only and detaches when the call is over; `onEnded` gets what the citizen
 * answered (also after a hang-up). A call whose end never comes (StasisEnd lost in a
 * WebSocket drop) is ended after `maxCallMs`, the survey job's own bound: hung up,
 * listeners removed, answers so far kept.
 */
export function runSurveyCall(
  client: AriClient,
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
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const notForSurveys = () => Promise.reject(new Error('not a survey step'));
  const services: CallServices = {
    officeOpen: () => false,
    lookupCase: notForSurveys,
    createVoiceboxCase: notForSurveys,
    requestCallback: notForSurveys,
    saveProgress: async () => undefined,
    async finish(_channelId, how) {
      const state = how.view as SurveyCallState;
      await deps.onEnded(surveyResult(state), state, how.kept);
    },
    storedRecordingSeconds: async () => null,
  };
  const session = new CallSession<SurveyCallState>({
    client,
    channelId,
    caller: null,
    reducer: surveyOnCallDriver(deps.survey),
    services,
    logger: deps.logger,
    now: deps.now,
    recordingName: ({ name }) => surveyRecordingName(channelId, name),
    isOver: isSurveyOver,
    onGone: () => end(),
  });

  let ended = false;
  /**
   * The call is over (hung up, or the survey finished): the session records what was
   * answered. The listeners stay until then, as a comment cut by the hang-up is closed
   * (RecordingFinished, with its length) just after it; `detachNow` drops them at once.
   */
  function end(detachNow = false): void {
    if (ended) return;
    ended = true;
    clearTimeout(bound);
    if (detachNow) detach();
    session
      .onStasisEnd()
      .catch((err: Error) => deps.logger.error({ err: err.message }, 'survey call did not end cleanly'))
      .finally(() => {
        detach();
        resolveDone();
      });
  }

  const onDtmf = (event: AriEventLike, ch: Channel) => {
    if (ch.id === channelId && event.digit) session.onDtmf(event.digit);
  };
  const onPlaybackFinished = (event: AriEventLike) => {
    if (event.playback) session.onPlaybackFinished(event.playback.id);
  };
  const onRecording = (failed: boolean) => (event: AriEventLike) => {
    if (event.recording) session.onRecordingFinished(event.recording.name, event.recording.duration ?? null, failed);
  };
  const onRecordingFinished = onRecording(false);
  const onRecordingFailed = onRecording(true);
  const onEnd = (_event: unknown, ch: Channel) => {
    if (ch.id === channelId) end();
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
    client.channels.hangup({ channelId }).catch(() => undefined);
    end(true);
  }, deps.maxCallMs ?? DEFAULT_MAX_CALL_MS);
  bound.unref();
  void session.deliver({ type: 'started', caller: null, entry: 'inbound', openCase: null, queueStatus: null });
  return done;
}
