import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`hotline_ensure chromium` in scripts/test.sh installs it); no browser is ever downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Quiet, hermetic headless flags: no GPU, no sandbox (tests run as root), and none of
 * the background traffic (updates, sync, QUIC probes) that would reach the network.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless chromium. Each launch gets a fresh, empty user-data-dir: playwright makes
 * a temporary profile per `launch` (and refuses `--user-data-dir` in args) and deletes
 * it on close, so no cookies, storage or cache leak from one test to the next.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** test-results/ (git-ignored) at the repository root: where browser tests leave screenshots. */
export async function artefactPath(name: string): Promise<string> {
  const dir = path.resolve(import.meta.dirname, '../../test-results');
  await mkdir(dir, { recursive: true });
  return path.join(dir, name);
}
