import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { loadConfig } from '../../src/config.js';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The sandbox's Asterisk nodes (scripts/asterisk-sandbox.sh): `a`, the one every test
 * uses, and `b`, a second Asterisk from the same root on other ports (`--node b`,
 * `hotline_ensure sandbox-b` in scripts/test.sh) for the several-node tests.
 */
export type SandboxNodeName = 'a' | 'b';

export interface SandboxNode {
  name: SandboxNodeName;
  ariUrl: string;
  amiHost: string;
  amiPort: number;
  /** PJSIP's udp transport on 127.0.0.1: where phones register and the trunk sends calls. */
  sipPort: number;
  /**
   * How the uniqueids of the channels Asterisk names itself begin: node b has
   * `systemname = node-b` (uniqueids `node-b-<epoch>.<n>`), node a none (`<epoch>.<n>`).
   */
  uniqueIdPrefix: string;
  /** Asterisk's recording folder as Asterisk sees it (RECORDING_ASTERISK_DIR). */
  recordingDir: string;
}

/** Node a follows the environment the tests run with (ARI_URL, AMI_*); node b's ports are the script's. */
export function sandboxNode(name: SandboxNodeName = 'a', env: NodeJS.ProcessEnv = process.env): SandboxNode {
  if (name === 'a') {
    return {
      name,
      ariUrl: env.ARI_URL?.trim() || 'http://127.0.0.1:8088',
      amiHost: env.AMI_HOST?.trim() || '127.0.0.1',
      amiPort: Number(env.AMI_PORT?.trim() || 5038),
      sipPort: 5060,
      uniqueIdPrefix: '',
      recordingDir: '/var/spool/asterisk/recording',
    };
  }
  return {
    name,
    ariUrl: 'http://127.0.0.1:8090',
    amiHost: '127.0.0.1',
    amiPort: 5039,
    sipPort: 5070,
    uniqueIdPrefix: 'node-b-',
    recordingDir: '/var/spool/asterisk-b/recording',
  };
}

/**
 * The environment keys that point the engine's ARI and AMI at `name` (same users and
 * secrets: both nodes take them from .env); none for node a, which the environment
 * already names. E.g. `startTestEngine(undefined, sandboxNodeEnv('b'))`,
 * `CitizenLine.connect('b')`.
 */
export function sandboxNodeEnv(name: SandboxNodeName): Record<string, string> {
  if (name === 'a') return {};
  const node = sandboxNode(name);
  return {
    ARI_URL: node.ariUrl,
    AMI_HOST: node.amiHost,
    AMI_PORT: String(node.amiPort),
    RECORDING_ASTERISK_DIR: node.recordingDir,
  };
}

/** Runs scripts/asterisk-sandbox.sh for `name` (e.g. `status`, `start`); resolves with its stdout. */
export async function sandboxScript(name: SandboxNodeName, ...args: string[]): Promise<string> {
  const { stdout } = await run('bash', ['scripts/asterisk-sandbox.sh', '--node', name, ...args], { cwd: REPO });
  return stdout;
}

/** An Asterisk CLI command on `name` (its own control socket); resolves with the output. */
export function sandboxCli(name: SandboxNodeName, command: string): Promise<string> {
  return sandboxScript(name, 'cli', command);
}

/** A separate AMI connection to `name` for a test's own questions and actions. */
export async function sandboxAmi(name: SandboxNodeName = 'a'): Promise<AmiClient> {
  const config = loadConfig({ ...process.env, ...sandboxNodeEnv(name), PORT: '0' });
  const ami = new AmiClient({ ...config.ami, logger: pino({ level: 'silent' }) });
  await ami.start();
  return ami;
}

/**
 * Dials 137 in `from-pstn` on `name` from a Local channel whose ids Asterisk chooses
 * (unlike CitizenLine.dial, which names its channels): the hotline half gets the node's
 * own uniqueid. The caller's half waits `holdSeconds` in Wait() and then hangs up.
 * Resolves once Asterisk has accepted the originate.
 */
export async function dialHotlineOverAmi(ami: AmiClient, caller: string, holdSeconds = 30): Promise<void> {
  await ami.action({
    action: 'Originate',
    channel: 'Local/137@from-pstn/n',
    application: 'Wait',
    data: String(holdSeconds),
    callerid: `"Citizen" <${caller}>`,
    // Like a PSTN line, 8 kHz (see CitizenLine.dial).
    codecs: 'slin',
    async: 'true',
  });
}
