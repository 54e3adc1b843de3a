/**
 * The request-body guard, in place of restify's body parser, for every route: what a request may
 * send is decided here, once, before any handler sees it.
 *
 * - A body with a Content-Encoding other than identity is answered 415 before a byte is read:
 *   restify 11.1's parser ends the process on a gzip body that is not valid gzip
 *   (restify/node-restify#1975), and an inflated body escapes the size limit (a 240 KB gzip bomb
 *   became 240 MB). No client of this service compresses what it sends.
 * - Only JSON: a body must be `application/json` (UTF-8), else 415. Form and multipart bodies are
 *   what a page on another site can make a browser send without asking (a "simple" request).
 * - Size (413, checked on Content-Length first and on the bytes as they arrive), nesting depth
 *   (400, counted before parsing: a 50,000-level array is cheap to send and expensive to walk), valid
 *   UTF-8 and valid JSON (400). `__proto__` and `constructor.prototype` keys are dropped
 *   (secure-json-parse), so no parsed body can change an object's prototype further on.
 * - GET, HEAD and OPTIONS bodies are never read.
 *
 * The parsed body is `req.body` (undefined when the request had none).
 */
import type { Request, Response, Next } from 'restify';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { sendJsonError } from './json-error.js';

export interface BodyLimits {
  /** Largest body in bytes (MAX_BODY_BYTES). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth?: number;
}

/** Deep enough for any activity a channel sends (Teams' card invokes nest about five levels). */
export const DEFAULT_MAX_DEPTH = 32;

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `text` (JSON) nests objects and arrays deeper than `limit`; strings are skipped. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** application/json with no charset or UTF-8; anything else is not JSON for this service. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(p));
}

/** Whether the request says it carries a body (a length above 0, or chunked). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** restify middleware: reads and checks the body as described above. */
export function jsonBodies(limits: BodyLimits) {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  return (req: Request, res: Response, next: Next): void => {
    req.body = undefined;
    if (WITHOUT_BODY.has(req.method ?? 'GET')) return next();
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      sendJsonError(res, 415, 'UnsupportedMediaType', 'Compressed request bodies are not accepted (Content-Encoding); send the body uncompressed.');
      return next(false);
    }
    if (!hasBody(req)) return next();
    if (!isJsonContentType(req.headers['content-type'])) {
      sendJsonError(res, 415, 'UnsupportedMediaType', 'The body must be JSON (Content-Type: application/json).');
      return next(false);
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      sendJsonError(res, 413, 'PayloadTooLarge', `The body is larger than ${limits.maxBytes} bytes.`);
      return next(false);
    }
    getRawBody(req, { limit: limits.maxBytes, ...(Number.isFinite(declared) ? { length: declared } : {}) }).then(
      (bytes) => {
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          sendJsonError(res, 400, 'BadRequest', 'The body is not valid UTF-8.');
          return next(false);
        }
        if (text.trim() === '') return next();
        if (nestsDeeperThan(text, maxDepth)) {
          sendJsonError(res, 400, 'BadRequest', `The JSON nests deeper than ${maxDepth} levels.`);
          return next(false);
        }
        try {
          req.body = secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
        } catch (err) {
          sendJsonError(res, 400, 'BadRequest', `The body is not valid JSON (${(err as Error).message.slice(0, 200)}).`);
          return next(false);
        }
        next();
      },
      (err: { type?: string; status?: number }) => {
        if (err.type === 'request.aborted') {
          // The client went away; nobody is left to answer.
          res.destroy();
          return next(false);
        }
        if (err.type === 'entity.too.large') sendJsonError(res, 413, 'PayloadTooLarge', `The body is larger than ${limits.maxBytes} bytes.`);
        else sendJsonError(res, 400, 'BadRequest', 'The body could not be read (its length does not match Content-Length, or it was cut short).');
        next(false);
      },
    );
  };
}
