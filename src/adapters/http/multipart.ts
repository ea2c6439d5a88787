import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fieldsFromPairs } from './form-body.js';

/** A file part of a multipart/form-data body (GeoReporter's `media`, FixMyStreet's `photo1`…). */
export interface UploadedFile {
  field: string;
  filename: string;
  /** As the client declared it; never trusted (the bytes are sniffed). */
  declaredType: string | null;
  data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2]!) : null;
}

function headerParam(header: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}="([^"]*)"|;\\s*${name}=([^;\\s]*)`, 'i').exec(header);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/**
 * A multipart/form-data body: text parts as fields (read like a form: `attribute[x]`,
 * an empty value absent) and parts with a file name as files. Null when it is not well formed.
 */
export function parseMultipart(body: Buffer, contentType: string): { fields: Record<string, unknown>; files: UploadedFile[] } | null {
  const boundary = boundaryOf(contentType);
  if (boundary === null) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at === -1) return null;
  const pairs: [string, string][] = [];
  const files: UploadedFile[] = [];
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break; // "--": the last delimiter
    if (!body.subarray(at, at + 2).equals(CRLF)) return null;
    const headersEnd = body.indexOf(HEADER_END, at + 2);
    if (headersEnd === -1) return null;
    const headers = body.subarray(at + 2, headersEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + 4);
    if (next === -1) return null;
    const content = body.subarray(headersEnd + 4, next);
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const typeHeader = headers.find((h) => /^content-type:/i.test(h));
    const name = headerParam(disposition, 'name');
    const filename = headerParam(disposition, 'filename');
    if (name === null) return null;
    if (filename !== null) {
      if (content.length > 0) {
        files.push({ field: name, filename, declaredType: typeHeader ? typeHeader.slice(typeHeader.indexOf(':') + 1).trim() : null, data: Buffer.from(content) });
      }
    } else {
      pairs.push([name, content.toString('utf8')]);
    }
    at = next + CRLF.length;
  }
  return { fields: fieldsFromPairs(pairs), files };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart/form-data body (set by acceptMultipartBodies' parser). */
    uploads?: UploadedFile[];
  }
}

/** Lets the routes of `scope` take multipart/form-data bodies of up to `bodyLimit` bytes. */
export function acceptMultipartBodies(scope: FastifyInstance, bodyLimit: number): void {
  scope.decorateRequest('uploads', undefined);
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (request: FastifyRequest, body, done) => {
    const parsed = parseMultipart(body as Buffer, String(request.headers['content-type'] ?? ''));
    if (parsed === null) {
      const err = Object.assign(new Error('The multipart/form-data body is not well formed'), { statusCode: 400 });
      done(err, undefined);
      return;
    }
    request.uploads = parsed.files;
    done(null, parsed.fields);
  });
}
