/**
 * The resident-facing web files: the demo page, the widget loader and its styles, Web Chat (our
 * build in dist/webchat/, see webchat-bundle.ts; no CDN), the widget's strings from locales/, and
 * the privacy and accessibility pages rendered from markdown in locales/ (so care staff can edit
 * them). Files go out brotli- or gzip-compressed as the browser accepts, with an ETag; the Web Chat
 * build, asked for by its versioned URL (`?v=<hash>`), is cached by browsers for a year.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import Negotiator from 'negotiator';
import { parseYamlCached } from '../core/content/yaml-cache.js';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import type { Logger } from '../logger.js';
import { locateWebChatBundle } from './webchat-bundle.js';
import { langQuery, renderPage } from './page-template.js';

export interface WebOptions {
  /** Folder with index.html, page.html, widget.js, widget.css. */
  publicDir: string;
  /** The locales folder (widget.yaml and pages/*.md per language). */
  localesDir: string;
  defaultLocale: string;
  /** Where the Web Chat build is (default dist/webchat/); tests point elsewhere. */
  webChatDir?: string;
  logger?: Logger;
}

/** The text pages, by URL path: the markdown file under locales/<lang>/pages/. */
const PAGES: Record<string, string> = { '/integritet': 'integritet.md', '/tillganglighet': 'tillganglighet.md', '/villkor': 'villkor.md' };

/** The path widget.js loads Web Chat from; the server adds the build's `?v=` (see versionWidget). */
export const WEBCHAT_ROUTE = '/webchat/webchat.js';

/** A year, the longest cache lifetime HTTP caches are asked to honour. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

type Encoding = 'br' | 'gzip' | 'identity';
/** Brotli first: smaller than gzip for the same text, and every browser that sends it decodes it. */
const PREFERRED: Encoding[] = ['br', 'gzip', 'identity'];

/** A file as served: its body in each encoding prepared, and its validator. */
interface StaticFile {
  type: string;
  bodies: Partial<Record<Encoding, Buffer>> & { identity: Buffer };
  etag: string;
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** Brotli and gzip copies of a small file, made once when it is first asked for. */
function compressed(body: Buffer): { br: Buffer; gzip: Buffer } {
  return {
    br: brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzip: gzipSync(body, { level: 9 }),
  };
}

/** Files read once, with their compressed forms. */
class FileCache {
  private readonly files = new Map<string, StaticFile>();

  get(file: string, type: string, transform: (body: Buffer) => Buffer = (b) => b, compress = true): StaticFile {
    let cached = this.files.get(file);
    if (!cached) {
      const body = transform(readFileSync(file));
      cached = { type, bodies: { identity: body, ...(compress ? compressed(body) : {}) }, etag: etagOf(body) };
      this.files.set(file, cached);
    }
    return cached;
  }
}

function send(req: Request, res: Response, file: StaticFile, cacheControl: string, extra: Record<string, string> = {}): void {
  const available = PREFERRED.filter((e) => file.bodies[e]);
  const encoding = (new Negotiator(req).encoding(available, { preferred: PREFERRED }) ?? 'identity') as Encoding;
  const body = file.bodies[encoding] ?? file.bodies.identity;
  const coded = file.bodies[encoding] && encoding !== 'identity';
  // Every encoding of a file has its own tag (RFC 9110: a strong validator names one representation).
  const etag = coded ? `${file.etag.slice(0, -1)}-${encoding}"` : file.etag;
  const headers: Record<string, string | number> = {
    'cache-control': cacheControl,
    vary: 'accept-encoding',
    etag,
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  const known = String(req.headers['if-none-match'] ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^W\//u, ''));
  if (known.includes(etag) || known.includes('*')) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': file.type,
    ...(coded ? { 'content-encoding': encoding } : {}),
    // Said outright: Node counts it only when it writes the body, which a HEAD answer has none of.
    'content-length': body.length,
  });
  res.end(body);
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status);
  res.json({ error: { code, message } });
}

/** The language folder to use for `?lang=`: the requested one if it exists, else the default. */
function languageFolder(localesDir: string, requested: unknown, fallback: string): string {
  const lang = typeof requested === 'string' && /^[a-z]{2}(-[a-z]+)?$/u.test(requested) ? requested : fallback;
  return existsSync(path.join(localesDir, lang)) ? lang : fallback;
}

/** The marked line in widget.js that names Web Chat's path. */
const WIDGET_WEBCHAT_PATH = `'${WEBCHAT_ROUTE}'; /* nv:webchat-path */`;

/**
 * widget.js with Web Chat's versioned URL, so that a new build is fetched as soon as widget.js is.
 * Unchanged (Web Chat then goes out under its plain URL, briefly cached) when there is no build or
 * widget.js has lost the marked line, which `onMissing` is told.
 */
export function versionWidget(source: string, hash: string | undefined, onMissing: (line: string) => void = () => undefined): string {
  if (!hash) return source;
  if (!source.includes(WIDGET_WEBCHAT_PATH)) {
    onMissing(WIDGET_WEBCHAT_PATH);
    return source;
  }
  return source.replace(WIDGET_WEBCHAT_PATH, `'${WEBCHAT_ROUTE}?v=${hash}'; /* nv:webchat-path */`);
}

export function addWebRoutes(server: restify.Server, options: WebOptions): void {
  const cache = new FileCache();
  const publicFile = (name: string) => path.join(options.publicDir, name);
  const webChat = webChatFile(options);
  const widgetSource = (body: Buffer) =>
    Buffer.from(
      versionWidget(body.toString('utf8'), webChat.hash, (line) =>
        options.logger?.warn({ line }, 'public/widget.js has lost the line that names Web Chat\'s path: Web Chat goes out unversioned, cached for 5 minutes only'),
      ),
    );

  const staticFiles: Record<string, { file: string; type: string; maxAge: number; transform?: (body: Buffer) => Buffer; compress?: boolean }> = {
    '/': { file: publicFile('index.html'), type: 'text/html; charset=utf-8', maxAge: 60 },
    '/widget.js': { file: publicFile('widget.js'), type: 'text/javascript; charset=utf-8', maxAge: 300, transform: widgetSource },
    '/widget.css': { file: publicFile('widget.css'), type: 'text/css; charset=utf-8', maxAge: 300 },
    // The staff page: plain files; everything it shows comes from /staff/api behind sign-in.
    '/staff/': { file: publicFile('staff/index.html'), type: 'text/html; charset=utf-8', maxAge: 0 },
    '/staff/staff.css': { file: publicFile('staff/staff.css'), type: 'text/css; charset=utf-8', maxAge: 0 },
    // Browsers ask for /favicon.ico by themselves; the ICO holds PNGs (16, 32, 48 px), already
    // compressed. The SVG is what the pages link to. A day in caches: it changes seldom, and its
    // URL carries no version.
    '/favicon.ico': { file: publicFile('favicon.ico'), type: 'image/x-icon', maxAge: 86400, compress: false },
    '/favicon.svg': { file: publicFile('favicon.svg'), type: 'image/svg+xml', maxAge: 86400 },
  };
  for (const [route, { file, type, maxAge, transform, compress }] of Object.entries(staticFiles)) {
    const serve = async (req: Request, res: Response) => {
      if (!existsSync(file)) return sendError(res, 404, 'NotFound', `${route} is not installed on this server.`);
      send(req, res, cache.get(file, type, transform, compress), `public, max-age=${maxAge}`);
    };
    server.get(route, serve);
    // Uptime checks and caches ask with HEAD: the same headers, no body (Node leaves it out).
    server.head(route, serve);
  }

  // Web Chat: for good under the build's own `?v=`, briefly under any other (an old widget.js still
  // in a cache gets the current build, which is not to be kept as if it were the old one). The
  // widget loads it with crossorigin="anonymous", on the same connection as its Direct Line calls.
  const serveWebChat = async (req: Request, res: Response) => {
    const version = new URL(req.url ?? '/', 'http://x').searchParams.get('v');
    const body = webChat.get();
    send(req, res, body, webChat.hash && version === webChat.hash ? IMMUTABLE : 'public, max-age=300', { 'access-control-allow-origin': '*' });
  };
  server.get(WEBCHAT_ROUTE, serveWebChat);
  server.head(WEBCHAT_ROUTE, serveWebChat);

  /** The language folder a request asks for with ?lang=, or the default. */
  const requestedLanguage = (req: Request) => languageFolder(options.localesDir, new URL(req.url ?? '/', 'http://x').searchParams.get('lang'), options.defaultLocale);

  /** A page's texts, locales/<lang>/<file> as JSON: { lang, strings }. */
  const serveStrings = (route: string, file: string, what: string, maxAgeSeconds?: number) =>
    server.get(route, async (req: Request, res: Response) => {
      const lang = requestedLanguage(req);
      const yamlFile = path.join(options.localesDir, lang, file);
      if (!existsSync(yamlFile)) return sendError(res, 404, 'NotFound', `No ${what} for "${lang}".`);
      if (maxAgeSeconds !== undefined) res.header('cache-control', `public, max-age=${maxAgeSeconds}`);
      res.json({ lang, strings: parseYamlCached(readFileSync(yamlFile, 'utf8')) as unknown });
    });
  // The staff page's ES modules (public/staff/js/*.js), by name only: nothing else under the folder is served.
  const serveModule = async (req: Request, res: Response) => {
    const name = String(req.params['module'] ?? '');
    const file = path.join(options.publicDir, 'staff', 'js', name);
    if (!/^[a-z][a-z0-9-]*\.js$/u.test(name) || !existsSync(file)) return sendError(res, 404, 'NotFound', `/staff/js/${name.slice(0, 60)} is not part of the staff page.`);
    send(req, res, cache.get(file, 'text/javascript; charset=utf-8'), 'public, max-age=0');
  };
  server.get('/staff/js/:module', serveModule);
  server.head('/staff/js/:module', serveModule);
  serveStrings('/widget/strings', 'widget.yaml', 'widget texts', 300);
  serveStrings('/staff/strings', 'staff-page.yaml', 'staff page texts');
  server.get('/staff', async (_req: Request, res: Response) => {
    res.redirect(301, '/staff/', () => undefined);
  });

  // Privacy and accessibility pages: markdown from locales/, into public/page.html.
  for (const [route, name] of Object.entries(PAGES)) {
    server.get(route, async (req: Request, res: Response) => {
      const lang = requestedLanguage(req);
      const file = path.join(options.localesDir, lang, 'pages', name);
      const template = publicFile('page.html');
      if (!existsSync(file) || !existsSync(template)) return sendError(res, 404, 'NotFound', `${route} is not written yet.`);
      const markdown = readFileSync(file, 'utf8');
      // marked is loaded with the first page asked for, not at start-up.
      const { marked } = await import('marked');
      const title = /^#\s+(.+)$/mu.exec(markdown)?.[1]?.trim() ?? name;
      // The page's own words (header, navigation, footer) in the same language as its text.
      const words = (parseYamlCached(readFileSync(path.join(options.localesDir, lang, 'texts.yaml'), 'utf8')) as { page?: Record<string, string> }).page ?? {};
      // The markdown is our own content (reviewed like code), so its HTML is not sanitised further.
      const html = renderPage(readFileSync(template, 'utf8'), {
        lang,
        title,
        content: marked.parse(markdown, { async: false }),
        text: (key) => words[key] ?? '',
        langQuery: langQuery(lang, options.defaultLocale),
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' });
      res.end(html);
    });
  }
}

/**
 * Web Chat as served: our build, read whole at start-up with the compressed copies made at build
 * time (so a later build does not pull files from under a running server), or else the installed
 * package's full bundle, gzipped when first asked for.
 */
function webChatFile(options: WebOptions): { hash?: string; get(): StaticFile } {
  const located = locateWebChatBundle(options.webChatDir);
  const type = 'text/javascript; charset=utf-8';
  if (located.hash) {
    const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
    const identity = readFileSync(located.files.identity);
    const file: StaticFile = { type, bodies: { identity, br: read(located.files.br), gzip: read(located.files.gzip) }, etag: `"${located.hash}"` };
    return { hash: located.hash, get: () => file };
  }
  options.logger?.warn(
    { reason: located.fallbackReason },
    'the widget gets Web Chat\'s full bundle (about twice the bytes of our build, gzip only): run `npm run build:webchat` (npm start does) and restart',
  );
  let file: StaticFile | undefined;
  return {
    get: () => {
      if (!file) {
        const identity = readFileSync(located.files.identity);
        file = { type, bodies: { identity, gzip: gzipSync(identity) }, etag: etagOf(identity) };
      }
      return file;
    },
  };
}
