// The embedded PGlite database on a thread of its own (see pglite-thread.ts, which starts
// it). PGlite is PostgreSQL compiled to WebAssembly: every statement runs synchronously on
// the thread that owns it, so on the engine's main thread each query stalled the event
// loop (and every caller's next prompt with it). Here it owns the thread, and the engine
// speaks the ordinary PostgreSQL wire protocol to it through `pg`, the same driver as for
// a PostgreSQL server.
//
// Plain JavaScript on purpose: a worker thread gets no TypeScript transform under vitest,
// and this exact file runs under `node dist/main.js`, `tsx` and the tests alike.
//
// Messages from the main thread:
//   { type: 'data', id, bytes }  bytes a client wrote on connection `id` (any split);
//                                always answered by one { type: 'data', id, bytes } with
//                                everything PostgreSQL wrote back (possibly nothing)
//   { type: 'end', id }          the client closed connection `id`
//   { type: 'close' }            close PGlite (flushing its data) and exit
// To the main thread: { type: 'ready' } once open, { type: 'failed', message } if it
// could not open, { type: 'data', … } as above.
//
// Run as a process of its own (`node pglite-worker.mjs <dir>`) it only initialises a new
// data folder (initdb) and exits: see initialisePgliteFolder in pglite-thread.ts.
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// PostgreSQL's WebAssembly compiled by V8's baseline compiler only, not recompiled by its
// optimising one as it warms up: that second copy of the code was ~70 MB of the engine's
// RSS (285 → 215 MB after 500 calls, docs/benchmarks.md) and bought no measurable speed
// (the engine's CPU per call and the reaction times were the same). A V8 flag is the
// process's: set here, before PGlite compiles, it applies only when PGlite runs.
v8.setFlagsFromString('--liftoff-only');

// The thread named for what it is (Linux): `top -H` shows the embedded database's CPU as
// `pglite`, apart from the engine's own threads, and bench:calls reports it apart too.
if (!isMainThread) {
  try {
    writeFileSync('/proc/thread-self/comm', 'pglite');
  } catch {
    // Not Linux, or /proc not mounted: the thread keeps its name.
  }
}

/**
 * PGlite's PostgreSQL defaults to shared_buffers = 128MB and more, all of it resident
 * in this process once touched, while its data files sit in the OS page cache anyway:
 * a hotline's working set (today's calls and open cases) fits in a few MB. Small
 * buffers keep the engine's RSS under the 200 MB.
 */
const MEMORY_SETTINGS = ['shared_buffers=8MB', 'wal_buffers=256kB', 'work_mem=4MB', 'maintenance_work_mem=16MB', 'temp_buffers=2MB'];

const TERMINATE = 0x58; // 'X': the client's goodbye; the session is PGlite's own, not closed by it

/** @type {{ dir?: string }} */
const { dir } = isMainThread ? {} : workerData;

/** @type {Map<number, { buffer: Buffer, started: boolean }>} */
const connections = new Map();
/** Statements run one at a time, in arrival order: PGlite is a single session. */
let queue = Promise.resolve();
/** @type {PGlite} */
let db;

function post(message, transfer) {
  parentPort.postMessage(message, transfer);
}

/** Splits off the whole protocol messages at the front of `connection.buffer`. */
function takeMessages(connection) {
  const messages = [];
  for (;;) {
    const buffer = connection.buffer;
    // The startup message has no type byte: length (itself included), protocol 3.0, parameters.
    const headerLength = connection.started ? 5 : 4;
    if (buffer.length < headerLength) break;
    const length = connection.started ? 1 + buffer.readInt32BE(1) : buffer.readInt32BE(0);
    if (buffer.length < length) break;
    messages.push(buffer.subarray(0, length));
    connection.buffer = buffer.subarray(length);
    connection.started = true;
  }
  return messages;
}

async function run(id, bytes) {
  const connection = connections.get(id) ?? { buffer: Buffer.alloc(0), started: false };
  connections.set(id, connection);
  connection.buffer = connection.buffer.length ? Buffer.concat([connection.buffer, bytes]) : Buffer.from(bytes);
  const chunks = [];
  let size = 0;
  for (const message of takeMessages(connection)) {
    if (connection.started && message[0] === TERMINATE) continue;
    await db.execProtocolRawStream(message, {
      // Its file systems here (a folder on disk, or memory) write through: nothing to
      // sync, and skipping the sync skips a lock and a few awaits per protocol message.
      syncToFs: false,
      onRawData: (data) => {
        // A view on WebAssembly memory that the next statement overwrites: copied now.
        chunks.push(data.slice());
        size += data.length;
      },
    });
  }
  // One fresh buffer, transferred (not copied) to the main thread.
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  post({ type: 'data', id, bytes: out }, [out.buffer]);
}

/**
 * PGlite has one session for every connection in turn: what a server drops with a
 * connection, drop here too, or the next connection inherits it (an open transaction
 * of a client gone after an error; its named prepared statements, which pg would then
 * prepare again under the same names and fail with "already exists").
 */
async function end(id) {
  connections.delete(id);
  if (db.isInTransaction()) await db.exec('rollback');
  await db.exec('discard all');
}

function enqueue(task) {
  queue = queue.then(task).catch((err) => {
    // execProtocolRawStream reports SQL errors in the protocol; a throw here is PGlite
    // itself failing. Let the thread die: the main thread fails every query clearly.
    setImmediate(() => {
      throw err;
    });
  });
}

async function open() {
  try {
    db = new PGlite({ dataDir: dir, postgresqlconf: MEMORY_SETTINGS });
    await db.waitReady;
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  parentPort.on('message', (message) => {
    if (message.type === 'data') enqueue(() => run(message.id, message.bytes));
    else if (message.type === 'end') enqueue(() => end(message.id));
    else if (message.type === 'close') {
      enqueue(async () => {
        await db.close();
        process.exit(0);
      });
    }
  });
  post({ type: 'ready' });
}

async function initialise(folder) {
  const initialised = new PGlite({ dataDir: folder, postgresqlconf: MEMORY_SETTINGS });
  await initialised.waitReady;
  await initialised.close();
}

if (isMainThread) await initialise(process.argv[2]);
else await open();
