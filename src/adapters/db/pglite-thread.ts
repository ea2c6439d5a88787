import { execFile } from 'node:child_process';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

const WORKER_FILE = new URL('./pglite-worker.mjs', import.meta.url);
/** How long a closing PGlite may take to flush before its thread is stopped anyway. */
const CLOSE_GRACE_MS = 15_000;

/**
 * initdb, run by the first start of a data folder, grows PGlite's WebAssembly memory to
 * ~600 MB; a WebAssembly memory never shrinks, and even once its thread has ended the
 * process keeps most of it (glibc's per-thread heaps). Run in a short-lived process of
 * its own, it leaves nothing behind: the engine's thread then opens a ready folder.
 */
export async function initialisePgliteFolder(dir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [fileURLToPath(WORKER_FILE), dir], { maxBuffer: 16 * 1024 * 1024 });
}

type FromWorker = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'data'; id: number; bytes: Uint8Array };

/**
 * The embedded PGlite database on its own thread (pglite-worker.mjs), reached as if it
 * were a PostgreSQL server: `connect()` gives a stream for `pg`'s `stream` option, whose
 * bytes are the PostgreSQL wire protocol. So the engine's event loop never runs a
 * statement, and PGlite and PostgreSQL share one driver (node-postgres).
 */
export class PgliteThread {
  private readonly streams = new Map<number, PgliteStream>();
  private nextId = 1;
  /** Batches sent and not yet answered: the thread keeps the process alive only while > 0. */
  private inFlight = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'data') this.answer(message.id, message.bytes);
    });
    worker.on('error', (err) => this.fail(`it failed: ${err.message}`));
    worker.on('exit', (code) => this.fail(`it exited with code ${code}`));
  }

  /** Starts the thread and waits until PGlite is open (`dir` undefined = in memory). */
  static async start(dir: string | undefined): Promise<PgliteThread> {
    const worker = new Worker(WORKER_FILE, { workerData: { dir } });
    const thread = new PgliteThread(worker);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') done();
        else if (message.type === 'failed') done(new Error(`PGlite could not open ${dir ?? 'in memory'}: ${message.message}`));
      };
      const onError = (err: Error) => done(new Error(`PGlite could not open ${dir ?? 'in memory'}: ${err.message}`));
      const onExit = (code: number) => done(new Error(`PGlite could not open ${dir ?? 'in memory'}: its thread exited with code ${code}`));
      const done = (err?: Error) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (err) {
          void worker.terminate();
          reject(err);
        } else resolve();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    worker.unref();
    return thread;
  }

  /** A new session's stream, for `pg`'s `stream` option. */
  connect(): Duplex {
    const stream = new PgliteStream(this, this.nextId++);
    this.streams.set(stream.id, stream);
    return stream;
  }

  /** Closes PGlite (it flushes its data) and ends the thread; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) {
        this.failure = new Error('the PGlite database is closed');
        this.worker.ref();
        this.worker.postMessage({ type: 'close' });
        const stop = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
        await this.exited;
        clearTimeout(stop);
      }
    })();
    return this.closing;
  }

  /** Stops the thread at once, without closing PGlite: what a crash does (tests use it). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** @internal for PgliteStream */
  failed(): Error | undefined {
    return this.failure;
  }

  /** @internal for PgliteStream */
  send(id: number, bytes: Uint8Array): void {
    if (this.inFlight++ === 0) this.worker.ref();
    this.worker.postMessage({ type: 'data', id, bytes }, [bytes.buffer as ArrayBuffer]);
  }

  /** @internal for PgliteStream */
  ended(id: number): void {
    if (this.streams.delete(id) && !this.failure) this.worker.postMessage({ type: 'end', id });
  }

  private answer(id: number, bytes: Uint8Array): void {
    if (--this.inFlight === 0) this.worker.unref();
    if (bytes.length > 0) this.streams.get(id)?.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  /**
   * The thread is gone (crashed, killed, or closed): every open session fails now, and
   * every later one at connect, with an error that says so; nothing waits forever.
   */
  private fail(why: string): void {
    if (this.failure) return;
    this.failure = new Error(`the PGlite database thread stopped: ${why}`);
    for (const stream of this.streams.values()) stream.destroy(this.failure);
    this.streams.clear();
  }
}

/** One session's bytes to and from the PGlite thread, shaped as the socket `pg` expects. */
class PgliteStream extends Duplex {
  private pending: Buffer[] = [];

  constructor(
    private readonly thread: PgliteThread,
    readonly id: number,
  ) {
    super();
  }

  // The parts of net.Socket that pg's Connection calls.
  connect(): this {
    process.nextTick(() => {
      const failure = this.thread.failed();
      if (failure) this.destroy(failure);
      else this.emit('connect');
    });
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {}

  /** pg writes each protocol message on its own; the writes of one tick go as one message. */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.pending.push(chunk) === 1) process.nextTick(() => this.flush());
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush();
    this.thread.ended(this.id);
    this.push(null);
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.thread.ended(this.id);
    callback(err);
  }

  private flush(): void {
    if (this.pending.length === 0 || this.destroyed) return;
    // A fresh buffer of its own, so it can be transferred rather than copied.
    const bytes = new Uint8Array(Buffer.concat(this.pending));
    this.pending = [];
    this.thread.send(this.id, bytes);
  }
}
