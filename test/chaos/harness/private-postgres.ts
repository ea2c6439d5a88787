import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, until } from './ports.js';

const run = promisify(execFile);

/** Debian's newest PostgreSQL binaries (the shared test cluster uses the same ones). */
async function pgBin(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (!newest) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql is empty)');
  return `/usr/lib/postgresql/${newest}/bin`;
}

/**
 * A PostgreSQL cluster of our own, in a temp folder on a random port, that a fault
 * scenario may stop, start and freeze — never the shared test server on 54329.
 * initdb and postgres refuse to run as root: as root they run as the postgres user.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = await pgBin();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hotline-chaos-pg-'));
    await chmod(dir, 0o777);
    const pg = new PrivatePostgres(bin, path.join(dir, 'data'), await freePort());
    await pg.asPostgres('initdb', ['-D', pg.dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await pg.up();
    return pg;
  }

  private async asPostgres(tool: string, args: string[]): Promise<void> {
    const command = path.join(this.bin, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
    else await run(command, args);
  }

  async up(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.asPostgres('pg_ctl', ['-D', this.dir, '-o', options, '-l', `${this.dir}.log`, '-w', 'start']);
  }

  /** A fast shutdown: every connection is cut, as when the database server goes away. */
  async down(): Promise<void> {
    await this.asPostgres('pg_ctl', ['-D', this.dir, '-m', 'fast', '-w', 'stop']);
  }

  /** The postmaster and every backend: freezing only the postmaster would leave open connections working. */
  private async processes(): Promise<number[]> {
    const pid = Number((await readFile(path.join(this.dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const children: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // Field 4 (after the parenthesised name) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    }
    return [pid, ...children];
  }

  /** SIGSTOP: the server hangs — connections stay open, nothing answers. */
  async freeze(): Promise<void> {
    for (const pid of await this.processes()) process.kill(pid, 'SIGSTOP');
  }

  async thaw(): Promise<void> {
    for (const pid of await this.processes()) process.kill(pid, 'SIGCONT');
  }

  async answers(): Promise<boolean> {
    return run(path.join(this.bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(this.port)]).then(
      () => true,
      () => false,
    );
  }

  async dispose(): Promise<void> {
    await this.thaw().catch(() => undefined);
    await this.asPostgres('pg_ctl', ['-D', this.dir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await until(async () => !(await this.answers()), 10_000, 'private PostgreSQL stops').catch(() => undefined);
    await rm(path.dirname(this.dir), { recursive: true, force: true });
  }
}
