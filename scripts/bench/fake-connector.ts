/**
 * A loopback stand-in for the Bot Connector service, in its own process so that neither the
 * server under test nor the load generator pays for it: every POST of a reply
 * (/v3/conversations/:id/activities/:activityId) is answered 200 `{ "id": … }` at once.
 * Counts what it got, so the runner can check that each turn really sent its replies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail, serveRunner, tell } from './child.js';

let replies = 0;
let other = 0;
let next = 0;
const REPLY_PATH = /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/u;

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && REPLY_PATH.test((req.url ?? '').split('?')[0]!)) {
      replies += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `r${++next}` }));
    } else {
      other += 1;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"NotFound","message":"not a reply"}}');
    }
  });
});
server.keepAliveTimeout = 60_000;
server.on('error', fail);
server.listen(0, '127.0.0.1', () => {
  tell({ type: 'ready', port: (server.address() as AddressInfo).port, readyMs: performance.now() });
});
serveRunner({ onStop: async () => void server.close(), detail: () => ({ replies, other }) });
