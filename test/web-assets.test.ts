/**
 * How the widget's files go out over HTTP (issue 22): Web Chat's build under its versioned URL in
 * brotli, gzip or plain as the browser accepts, cached for a year only under its own hash, with an
 * ETag for revalidation and CORS for the widget's anonymous script element; widget.js naming that
 * URL; and, without a build, the package's full bundle with a warning that says how to build.
 */
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import restify from 'restify';
import { buildWebChat } from '../scripts/build-webchat.js';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { addWebRoutes } from '../src/http/web.js';
import { WEBCHAT_BUILD_DIR, packageWebChatBundle, type WebChatManifest } from '../src/http/webchat-bundle.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

/** A GET with node:http, which leaves the body as sent (fetch would unpack it). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('the widget\'s files over HTTP', function () {
  this.timeout(120000);
  let manifest: WebChatManifest;
  let built: Buffer;
  let app: App;
  let url: string;
  let dataDir: string;

  before(async () => {
    manifest = await buildWebChat();
    built = await readFile(path.join(WEBCHAT_BUILD_DIR, manifest.files.identity));
    dataDir = await tempDir('intake-web-');
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, REPO_ROOT);
    app = await createApp({ ...config, port: 0 }, createLogger('silent'));
    ({ url } = await app.listen());
  });

  after(async () => {
    await app?.close();
    await removeDir(dataDir);
  });

  it('widget.js loads Web Chat by the hash of its build', async () => {
    const widget = await (await fetch(`${url}/widget.js`)).text();
    expect(widget).to.include(`'/webchat/webchat.js?v=${manifest.hash}'; /* nv:webchat-path */`);
    expect(manifest.hash).to.match(/^[0-9a-f]{20}$/u);
  });

  it('sends the build as brotli, gzip or plain as the browser accepts, the same JavaScript each time', async () => {
    const versioned = `${url}/webchat/webchat.js?v=${manifest.hash}`;
    const br = await rawGet(versioned, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).to.equal(200);
    expect(br.headers['content-encoding']).to.equal('br');
    expect(br.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(br.headers['vary']).to.equal('accept-encoding');
    expect(br.body.length).to.equal(manifest.bytes.br);
    expect(Number(br.headers['content-length'])).to.equal(manifest.bytes.br);
    expect(brotliDecompressSync(br.body).equals(built)).to.equal(true);

    const gz = await rawGet(versioned, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(gz.body).equals(built)).to.equal(true);

    // br refused outright (q=0): gzip, although brotli is the server's first choice.
    const noBrotli = await rawGet(versioned, { 'accept-encoding': 'br;q=0, gzip' });
    expect(noBrotli.headers['content-encoding']).to.equal('gzip');

    const plain = await rawGet(versioned, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.body.equals(built)).to.equal(true);
    // Less than half of what was sent before: Web Chat's full bundle, gzipped.
    const before = gzipSync(await readFile(packageWebChatBundle()), { level: 9 }).length;
    expect(manifest.bytes.br).to.be.below(0.5 * before);
  });

  it('is cached for a year under its own hash only, revalidates with its ETag, and may be fetched from another origin', async () => {
    const versioned = await rawGet(`${url}/webchat/webchat.js?v=${manifest.hash}`, { 'accept-encoding': 'br' });
    expect(versioned.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(versioned.headers['access-control-allow-origin']).to.equal('*');
    expect(versioned.headers['x-content-type-options']).to.equal('nosniff');

    // An old widget.js asking for an old build gets the current one, not to be kept for good.
    for (const stale of [`${url}/webchat/webchat.js?v=0123456789abcdef0123`, `${url}/webchat/webchat.js`]) {
      const res = await rawGet(stale, { 'accept-encoding': 'br' });
      expect(res.status).to.equal(200);
      expect(res.headers['cache-control'], stale).to.equal('public, max-age=300');
    }

    const etag = versioned.headers['etag']!;
    expect(etag).to.match(/^"[0-9a-f]+-br"$/u);
    const again = await rawGet(`${url}/webchat/webchat.js?v=${manifest.hash}`, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).to.equal(304);
    expect(again.body.length).to.equal(0);
    // Another encoding is another representation: its tag does not match.
    const gzip = await rawGet(`${url}/webchat/webchat.js?v=${manifest.hash}`, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(gzip.status).to.equal(200);
  });

  it('compresses widget.js and widget.css too', async () => {
    for (const file of ['/widget.js', '/widget.css']) {
      const res = await rawGet(`${url}${file}`, { 'accept-encoding': 'gzip, br' });
      expect(res.headers['content-encoding'], file).to.equal('br');
      expect(res.headers['cache-control'], file).to.equal('public, max-age=300');
      const plain = await rawGet(`${url}${file}`, { 'accept-encoding': 'identity' });
      expect(brotliDecompressSync(res.body).equals(plain.body), file).to.equal(true);
    }
  });

  it('answers /favicon.ico with the icon, not a 404, cached for a day, and /favicon.svg for the pages that link it', async () => {
    const ico = await rawGet(`${url}/favicon.ico`, { 'accept-encoding': 'gzip, br' });
    expect(ico.status).to.equal(200);
    expect(ico.headers['content-type']).to.equal('image/x-icon');
    expect(ico.headers['cache-control']).to.equal('public, max-age=86400');
    // Sent as it is (its images are PNGs, already compressed): the ICO header, reserved 0 and type 1.
    expect(ico.headers['content-encoding']).to.equal(undefined);
    expect(ico.body.equals(await readFile(path.join(REPO_ROOT, 'public', 'favicon.ico')))).to.equal(true);
    expect([ico.body.readUInt16LE(0), ico.body.readUInt16LE(2)]).to.deep.equal([0, 1]);
    expect(ico.body.length).to.be.below(4096);
    const again = await rawGet(`${url}/favicon.ico`, { 'if-none-match': String(ico.headers['etag']) });
    expect(again.status).to.equal(304);

    const svg = await fetch(`${url}/favicon.svg`);
    expect(svg.status).to.equal(200);
    expect(svg.headers.get('content-type')).to.equal('image/svg+xml');
    expect(await svg.text()).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/u);
    const staffPage = await (await fetch(`${url}/staff/`)).text();
    expect(staffPage).to.include('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  });

  it('without a build, sends Web Chat\'s full bundle (gzip) under an unversioned URL and warns how to build', async () => {
    const empty = await tempDir('intake-no-webchat-');
    const warnings: string[] = [];
    const logger = { warn: (_fields: unknown, message: string) => warnings.push(message) } as unknown as Parameters<typeof addWebRoutes>[1]['logger'];
    const server = restify.createServer();
    addWebRoutes(server, { publicDir: path.join(REPO_ROOT, 'public'), localesDir: path.join(REPO_ROOT, 'locales'), defaultLocale: 'sv', webChatDir: empty, logger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    try {
      expect(warnings.join('\n')).to.include('npm run build:webchat');
      const widget = await (await fetch(`http://127.0.0.1:${address.port}/widget.js`)).text();
      expect(widget).to.include(`'/webchat/webchat.js'; /* nv:webchat-path */`);
      const res = await rawGet(`http://127.0.0.1:${address.port}/webchat/webchat.js`, { 'accept-encoding': 'gzip, br' });
      expect(res.headers['content-encoding']).to.equal('gzip');
      expect(res.headers['cache-control']).to.equal('public, max-age=300');
      expect(gunzipSync(res.body).equals(await readFile(packageWebChatBundle()))).to.equal(true);
    } finally {
      server.close();
      await removeDir(empty);
    }
  });
});
