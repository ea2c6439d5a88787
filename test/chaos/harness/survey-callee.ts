import type { ChaosBed } from './chaos-bed.js';
import { randomMobile } from '../../helpers/call-rows.js';
import { testAmi } from '../../helpers/engine.js';
import { promptStarted } from '../../helpers/survey-calls.js';
import { installTestDialplan } from '../../helpers/test-agents.js';
import { PARKS } from './voicebox-caller.js';

/** Files a case through the engine's API and returns its tracking number. */
export async function fileCase(bed: ChaosBed, phone: string, district: number): Promise<string> {
  const res = await bed.engine.api('POST', '/api/cases', { channel: 'manual', category: PARKS.category, district, callerPhone: phone, description: 'chaos' });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`filing a case: ${res.status} ${body}`);
  return (JSON.parse(body) as { trackingNumber: string }).trackingNumber;
}

export interface SurveyCallee {
  trackingNumber: string;
  /** The hotline's outbound leg, answered by the test's citizen. */
  channelId: string;
}

/**
 * A case closed through the API makes the engine call the citizen for the satisfaction
 * survey (the trunk points at the test application, the calling window is the whole
 * week): resolves once the citizen answered and hears the first question.
 */
export async function surveyAtFirstQuestion(bed: ChaosBed): Promise<SurveyCallee> {
  const ami = await testAmi();
  try {
    await installTestDialplan(ami);
  } finally {
    await ami.close();
  }
  const phone = randomMobile('0912');
  const trackingNumber = await fileCase(bed, phone, 4);
  // Staff walk it to closed; the district's delivery may move it to dispatched meanwhile.
  const walk = ['new', 'dispatched', 'acknowledged', 'resolved', 'closed'];
  for (;;) {
    const current = ((await (await bed.engine.api('GET', `/api/cases/${trackingNumber}`)).json()) as { status: string }).status;
    const status = walk[walk.indexOf(current) + 1];
    if (current === 'closed' || !status) break;
    const res = await bed.engine.api('PATCH', `/api/cases/${trackingNumber}`, { status, note: `to ${status}` });
    if (res.status !== 200 && res.status !== 409) throw new Error(`closing ${trackingNumber}: ${res.status} ${await res.text()}`);
  }
  const channelId = await bed.line.waitForLeg('callee', phone, 60_000);
  await bed.line.followPeer(channelId);
  const question = bed.line.nextEvent(promptStarted('survey-solved-question'), 60_000);
  await bed.line.answer(channelId);
  await question;
  return { trackingNumber, channelId };
}

/** Answers: solved (1), rating 4, no comment (2); resolves when the thanks start. */
export async function answerSurvey(bed: ChaosBed, callee: SurveyCallee): Promise<void> {
  for (const [key, next] of [
    ['1', 'survey-rating-question'],
    ['4', 'survey-comment-offer'],
    ['2', 'survey-thanks'],
  ] as const) {
    const heard = bed.line.nextEvent(promptStarted(next), 20_000);
    await bed.line.pressOn(callee.channelId, key);
    await heard;
  }
}

/** The survey's state as the API reports it once answered (or the last state within 20 s). */
export async function surveyState(bed: ChaosBed, trackingNumber: string): Promise<{ status: string; solved: boolean | null; rating: number | null } | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await bed.engine.api('GET', `/api/cases/${trackingNumber}/surveys`);
    const [survey] = (await res.json()) as Array<{ status: string; solved: boolean | null; rating: number | null }>;
    if (survey?.status === 'answered' || Date.now() > deadline) return survey;
    await new Promise((r) => setTimeout(r, 250));
  }
}
