/**
 * A local stand-in for Kavenegar's REST API, implementing the parts the hotline uses as
 * its public documentation describes them (https://kavenegar.com/rest.html):
 *
 * - `/v1/<API-KEY>/sms/send.json` (GET or POST, form parameters receptor, message, sender,
 *   localid): `{"return": {"status": 200, "message": "تایید شد"}, "entries": [{messageid,
 *   message, status: 1, statustext, sender, receptor, date, cost}]}`; a localid already used
 *   returns the earlier message and sends nothing.
 * - `/v1/<API-KEY>/sms/status.json` (messageid, comma-separated) and
 *   `/v1/<API-KEY>/sms/statuslocalmessageid.json` (localid; status 100 when unknown).
 * - Refusals as `return.status` with the same HTTP status: 403 wrong API key, 411 invalid
 *   receptor, 413 empty message, 418 no credit.
 * - Pushes: a delivery report (`messageid`, `status` form-posted to the URL set in the
 *   panel) and an inbound text (`messageid`, `from`, `to`, `message`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSms {
  messageid: number;
  localid: string | null;
  receptor: string;
  sender: string;
  message: string;
  status: number;
  date: number;
}

const STATUS_TEXT: Record<number, string> = {
  1: 'در صف ارسال',
  4: 'ارسال شده به مخابرات',
  6: 'خطا در ارسال پیام',
  10: 'رسیده به گیرنده',
  11: 'نرسیده به گیرنده',
  100: 'شناسه پیامک نامعتبر است',
};

export interface FakeKavenegarOptions {
  apiKey: string;
  /**
   * Faults for the next send requests, in order: a status to refuse with, 'hang' (no
   * answer), or 'drop' (the text is sent, but the connection drops before the answer).
   */
  sendFaults?: (number | 'hang' | 'drop')[];
}

export async function startFakeKavenegar(opts: FakeKavenegarOptions) {
  const sent: FakeSms[] = [];
  const requests: { method: string; path: string; params: Record<string, string> }[] = [];
  const faults = [...(opts.sendFaults ?? [])];
  const waiters: { n: number; resolve: (m: FakeSms) => void }[] = [];
  const held: ServerResponse[] = [];
  let nextId = 700_000_001;

  const answer = (res: ServerResponse, status: number, entries: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ return: { status, message: status === 200 ? 'تایید شد' : 'خطا' }, entries }));
  };
  const entry = (m: FakeSms) => ({
    messageid: m.messageid,
    message: m.message,
    status: m.status,
    statustext: STATUS_TEXT[m.status] ?? '',
    sender: m.sender,
    receptor: m.receptor,
    date: m.date,
    cost: 120,
  });

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    requests.push({ method: req.method ?? '', path: url.pathname.replace(opts.apiKey, '<key>'), params });
    const m = /^\/v1\/([^/]+)\/sms\/(send|status|statuslocalmessageid)\.json$/.exec(url.pathname);
    if (!m) return answer(res, 404, null);
    if (decodeURIComponent(m[1] ?? '') !== opts.apiKey) return answer(res, 403, null);
    const method = m[2];
    if (method === 'send') {
      const fault = faults.shift();
      if (fault === 'hang') return void held.push(res);
      if (typeof fault === 'number') return answer(res, fault, null);
      const receptor = params.receptor ?? '';
      if (!/^09\d{9}$/.test(receptor)) return answer(res, 411, null);
      if (!params.message) return answer(res, 413, null);
      const localid = params.localid ?? null;
      const earlier = localid !== null ? sent.find((s) => s.localid === localid) : undefined;
      if (earlier) return answer(res, 200, [entry(earlier)]);
      const sms: FakeSms = {
        messageid: nextId++,
        localid,
        receptor,
        sender: params.sender ?? '10004346',
        message: params.message,
        status: 1,
        date: Math.floor(Date.now() / 1000),
      };
      sent.push(sms);
      for (const w of waiters.filter((x) => x.n === sent.length - 1)) w.resolve(sms);
      if (fault === 'drop') return void res.socket?.destroy();
      return answer(res, 200, [entry(sms)]);
    }
    if (method === 'status') {
      const ids = (params.messageid ?? '').split(',').map(Number);
      return answer(
        res,
        200,
        ids.map((id) => {
          const s = sent.find((x) => x.messageid === id);
          return { messageid: id, status: s?.status ?? 100, statustext: STATUS_TEXT[s?.status ?? 100] };
        }),
      );
    }
    const s = sent.find((x) => x.localid === params.localid);
    return answer(res, 200, [{ messageid: s?.messageid ?? 0, localid: params.localid ?? '', status: s?.status ?? 100, statustext: STATUS_TEXT[s?.status ?? 100] }]);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const postForm = async (url: string, form: Record<string, string>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    return { status: res.status, body: await res.text() };
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent,
    requests,
    /** Faults for the next send requests, after those still pending (see FakeKavenegarOptions). */
    addSendFaults(...more: (number | 'hang' | 'drop')[]) {
      faults.push(...more);
    },
    /** Resolves with the n-th text sent (0-based). */
    nthSent(n: number): Promise<FakeSms> {
      if (sent[n]) return Promise.resolve(sent[n]);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    /** Sets a message's status and posts Kavenegar's delivery report to `url`. */
    async deliver(url: string, messageid: number, status = 10) {
      const s = sent.find((x) => x.messageid === messageid);
      if (s) s.status = status;
      return postForm(url, { messageid: String(messageid), status: String(status) });
    },
    /** Forwards a citizen's text to `url` the way Kavenegar forwards received messages. */
    async forward(url: string, from: string, message: string, to = '10004346') {
      return postForm(url, { messageid: String(nextId++), from, to, message });
    },
    /** Answers the requests held by a 'hang' fault (as a late success). */
    releaseHeld() {
      for (const res of held.splice(0)) res.destroy();
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeKavenegar = Awaited<ReturnType<typeof startFakeKavenegar>>;
