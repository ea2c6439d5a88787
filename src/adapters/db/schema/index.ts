export { calls, CALL_DIRECTIONS } from './calls.js';
export { cases } from './cases.js';
export { caseEvents } from './case-events.js';
export { settings } from './settings.js';
export { districts } from './districts.js';
export { caseDispatches } from './case-dispatches.js';
