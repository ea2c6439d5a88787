export { calls, CALL_DIRECTIONS } from './calls.js';
export { cases } from './cases.js';
export { caseEvents } from './case-events.js';
export { settings } from './settings.js';
export { users } from './users.js';
export { sessions } from './sessions.js';
