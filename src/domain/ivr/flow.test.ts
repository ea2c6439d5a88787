import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../cases/case.js';
import { FLOW_PROMPT_IDS, HELP_KEY, MENUS } from './flow.js';

const manifest = JSON.parse(
  readFileSync(new URL('../../../sounds/fa/manifest.json', import.meta.url), 'utf8'),
) as { prompts: { id: string }[] };
const manifestIds = new Set(manifest.prompts.map((p) => p.id));

describe('the flow and the prompt manifest', () => {
  it.each(FLOW_PROMPT_IDS.map((id) => [id]))('%s is in sounds/fa/manifest.json', (id) => {
    expect(manifestIds.has(id)).toBe(true);
  });

  it('lists every menu prompt among the flow prompts', () => {
    for (const menu of Object.values(MENUS)) expect(FLOW_PROMPT_IDS).toContain(menu.prompt);
  });
});

describe('menus as data', () => {
  it('maps the category keys 1..6 to the case categories in order', () => {
    const keys = MENUS.category.keys;
    for (const c of CATEGORIES) expect(keys[c.key]).toEqual({ kind: 'district', category: c.id });
    expect(Object.keys(keys).sort()).toEqual(['*', '1', '2', '3', '4', '5', '6']);
    expect(keys[HELP_KEY]).toEqual({ kind: 'help' });
  });

  it('routes the main menu keys as the issue says', () => {
    expect(MENUS.main.keys['3']).toEqual({ kind: 'agent', queue: 'complaints', category: 'staff_complaint' });
    expect(MENUS.main.keys['0']).toEqual({ kind: 'agent', queue: 'general', category: null });
    expect(MENUS.main.exhausted).toEqual({ kind: 'agent', queue: 'general', category: null });
  });

  it('never drops a message when the review menu runs out', () => {
    expect(MENUS.review.exhausted).toEqual({ kind: 'save' });
  });
});
