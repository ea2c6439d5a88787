import { appendFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ScenarioFigures {
  scenario: string;
  calls: number;
  /** Messages the callers left, and cases (or survey comments) holding their audio. */
  messages: number;
  kept: number;
  longestSilenceMs: number;
  /** From the signal to the engine's exit, when the scenario stops it. */
  exitMs?: number;
  /** Anything else the scenario counts (dispatches delivered, surveys answered…). */
  extra?: string;
}

const RESULTS = path.resolve(import.meta.dirname, '../../../test-results/chaos.jsonl');

/** Prints one scenario's figures and appends them to test-results/chaos.jsonl (the README table's source). */
export function reportFigures(figures: ScenarioFigures, scale: string): void {
  const line = [
    `[chaos] ${figures.scenario}:`,
    `calls ${figures.calls}`,
    `messages kept ${figures.kept}/${figures.messages}`,
    `longest silence ${(figures.longestSilenceMs / 1000).toFixed(1)} s`,
    figures.exitMs === undefined ? '' : `exit ${(figures.exitMs / 1000).toFixed(1)} s`,
    figures.extra ?? '',
  ].filter(Boolean);
  console.log(line.join('  '));
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  const machine = `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}`.trim();
  appendFileSync(RESULTS, JSON.stringify({ ...figures, scale, machine, at: new Date().toISOString() }) + '\n');
}
