import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A real SIP phone: Debian's baresip (`hotline_ensure baresip` in scripts/test.sh),
 * registering to the sandbox with an agent's SIP account and answering calls by itself.
 * Its console output is kept so a test can wait for what the phone reports.
 */
export class SipPhone {
  readonly output: string[] = [];
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /**
   * `registrarPort`: the Asterisk node's SIP port (5060 node a, 5070 node b: sandboxNode(name).sipPort).
   * `listenPort`: the phone's own; two phones at once need two.
   */
  static async start(
    account: { username: string; password: string; domain: string },
    listenPort = 5071,
    registrarPort = 5060,
  ): Promise<SipPhone> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hotline-sip-phone-'));
    await writeFile(
      path.join(dir, 'config'),
      [
        `sip_listen 127.0.0.1:${listenPort}`,
        'module_path /usr/lib/baresip/modules',
        // stdio: baresip's console, which also drives auto-answer in this version.
        'module stdio.so',
        'module g711.so',
        'module aubridge.so',
        'module_app account.so',
        'module_app menu.so',
        // No sound card: audio goes through an in-process bridge.
        'audio_source aubridge,phone',
        'audio_player aubridge,phone',
        'audio_alert aubridge,phone',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'accounts'),
      `<sip:${account.username}@${account.domain}:${registrarPort};transport=udp>;auth_pass=${account.password};answermode=auto;regint=300\n`,
    );
    const child = spawn('/usr/bin/baresip', ['-f', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    return new SipPhone(child, dir);
  }

  /** Resolves with the first output line (past or future) matching `pattern`. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.output.find((l) => pattern.test(l));
      if (line) return line;
      if (this.child.exitCode !== null) throw new Error(`baresip exited (${this.child.exitCode}): ${this.output.join(' | ')}`);
      if (Date.now() > deadline) throw new Error(`baresip never printed ${pattern}: ${this.output.slice(-20).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      // A baresip stuck in a call ignores SIGTERM now and then: it must not outlive the test
      // (one left spinning at 45 % CPU slowed every later file).
      const stubborn = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(stubborn);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
