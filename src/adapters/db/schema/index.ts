export { calls, CALL_DIRECTIONS } from './calls.js';
export { cases } from './cases.js';
export { caseEvents } from './case-events.js';
export { settings } from './settings.js';
export { users } from './users.js';
export { sessions } from './sessions.js';
export { agents, agentQueues } from './agents.js';
export { callbacks, CALLBACK_STATUSES } from './callbacks.js';
