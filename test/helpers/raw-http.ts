/**
 * One HTTP request exactly as given (any method, headers and bytes, also ones fetch() would refuse
 * or fix), with a time limit; resolves with what came back, or with status 0 when the connection
 * failed or nothing came back in time.
 */
import http from 'node:http';

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  /** Default 5000 ms: a service that takes longer has hung. */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** How long the answer took, in ms. */
  ms: number;
  /** What went wrong when status is 0. */
  error?: string;
}

export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const started = Date.now();
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method ?? 'POST', path: request.path, headers: request.headers ?? {}, timeout: request.timeoutMs ?? 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
        res.on('error', (err) => resolve({ status: 0, headers: {}, body: '', ms: Date.now() - started, error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${request.timeoutMs ?? 5000} ms`)));
    req.on('error', (err) => resolve({ status: 0, headers: {}, body: '', ms: Date.now() - started, error: err.message }));
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}
