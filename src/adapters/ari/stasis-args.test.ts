import { describe, expect, it } from 'vitest';
import { stasisArgs } from './stasis-app.js';

describe('stasisArgs: is a listed channel in our Stasis application?', () => {
  it.each([
    ['a caller in the IVR', { app_name: 'Stasis', app_data: 'hotline' }, []],
    ['a caller back from a queue', { app_name: 'Stasis', app_data: 'hotline,queue-exit,TIMEOUT' }, ['queue-exit', 'TIMEOUT']],
    ['an outbound call of ours', { app_name: 'Stasis', app_data: 'hotline,survey,42' }, ['survey', '42']],
  ])('%s: yes, with its arguments', (_name, dialplan, args) => {
    expect(stasisArgs({ dialplan })).toEqual(args);
  });

  it.each([
    ['a callback now waiting in a queue (still subscribed)', { app_name: 'Queue', app_data: 'general_queue,t' }],
    ['a channel in another application', { app_name: 'Stasis', app_data: 'hotline-citizen' }],
    ['the dialplan fallback recording', { app_name: 'Record', app_data: '/x.wav,5,120,k' }],
    ['no dialplan at all', undefined],
  ])('%s: no', (_name, dialplan) => {
    expect(stasisArgs({ ...(dialplan ? { dialplan } : {}) })).toBeNull();
  });
});
