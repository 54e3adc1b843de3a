/**
 * The resident-facing web files: the demo page, the widget loader and its styles, the Web Chat
 * bundle from the installed package (no CDN), the widget's strings from locales/, and the privacy
 * and accessibility pages rendered from markdown in locales/ (so care staff can edit them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { marked } from 'marked';
import { parse as parseYaml } from 'yaml';
import type restify from 'restify';
import type { Request, Response } from 'restify';

export interface WebOptions {
  /** Folder with index.html, page.html, widget.js, widget.css. */
  publicDir: string;
  /** The locales folder (widget.yaml and pages/*.md per language). */
  localesDir: string;
  defaultLocale: string;
}

/** The text pages, by URL path: the markdown file under locales/<lang>/pages/. */
const PAGES: Record<string, string> = { '/integritet': 'integritet.md', '/tillganglighet': 'tillganglighet.md', '/villkor': 'villkor.md' };

interface CachedFile {
  body: Buffer;
  gzipped: Buffer;
  type: string;
}

/** A file read once and kept with its gzipped form; the Web Chat bundle is 3.9 MB, 0.9 MB gzipped. */
class FileCache {
  private readonly files = new Map<string, CachedFile>();

  get(file: string, type: string): CachedFile {
    let cached = this.files.get(file);
    if (!cached) {
      const body = readFileSync(file);
      cached = { body, gzipped: gzipSync(body), type };
      this.files.set(file, cached);
    }
    return cached;
  }
}

function send(req: Request, res: Response, file: CachedFile, maxAgeSeconds: number): void {
  const gzip = /\bgzip\b/u.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'content-type': file.type,
    'cache-control': `public, max-age=${maxAgeSeconds}`,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    // Said outright: Node counts it only when it writes the body, which a HEAD answer has none of.
    'content-length': (gzip ? file.gzipped : file.body).length,
  });
  res.end(gzip ? file.gzipped : file.body);
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** dist/webchat.js of the installed botframework-webchat (its exports hide the file, so walk up from its entry). */
function webChatBundlePath(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('botframework-webchat'));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'webchat.js');
}

export function addWebRoutes(server: restify.Server, options: WebOptions): void {
  const cache = new FileCache();
  const publicFile = (name: string) => path.join(options.publicDir, name);
  const webChatBundle = webChatBundlePath();

  const staticFiles: Record<string, { file: string; type: string; maxAge: number }> = {
    '/': { file: publicFile('index.html'), type: 'text/html; charset=utf-8', maxAge: 60 },
    '/widget.js': { file: publicFile('widget.js'), type: 'text/javascript; charset=utf-8', maxAge: 300 },
    '/widget.css': { file: publicFile('widget.css'), type: 'text/css; charset=utf-8', maxAge: 300 },
    '/webchat/webchat.js': { file: webChatBundle, type: 'text/javascript; charset=utf-8', maxAge: 86400 },
    // The staff page: plain files; everything it shows comes from /staff/api behind sign-in.
    '/staff/': { file: publicFile('staff/index.html'), type: 'text/html; charset=utf-8', maxAge: 0 },
    '/staff/staff.css': { file: publicFile('staff/staff.css'), type: 'text/css; charset=utf-8', maxAge: 0 },
  };
  for (const [route, { file, type, maxAge }] of Object.entries(staticFiles)) {
    const serve = async (req: Request, res: Response) => {
      if (!existsSync(file)) return sendError(res, 404, 'NotFound', `${route} is not installed on this server.`);
      send(req, res, cache.get(file, type), maxAge);
    };
    server.get(route, serve);
    // Uptime checks and caches ask with HEAD: the same headers, no body (Node leaves it out).
    server.head(route, serve);
  }

  /** The language folder a request asks for with ?lang=, or the default. */
  const requestedLanguage = (req: Request) => languageFolder(options.localesDir, new URL(req.url ?? '/', 'http://x').searchParams.get('lang'), options.defaultLocale);

  /** A page's texts, locales/<lang>/<file> as JSON: { lang, strings }. */
  const serveStrings = (route: string, file: string, what: string, maxAgeSeconds?: number) =>
    server.get(route, async (req: Request, res: Response) => {
      const lang = requestedLanguage(req);
      const yamlFile = path.join(options.localesDir, lang, file);
      if (!existsSync(yamlFile)) return sendError(res, 404, 'NotFound', `No ${what} for "${lang}".`);
      if (maxAgeSeconds !== undefined) res.header('cache-control', `public, max-age=${maxAgeSeconds}`);
      res.json({ lang, strings: parseYaml(readFileSync(yamlFile, 'utf8')) as unknown });
    });
  // The staff page's ES modules (public/staff/js/*.js), by name only: nothing else under the folder is served.
  const serveModule = async (req: Request, res: Response) => {
    const name = String(req.params['module'] ?? '');
    const file = path.join(options.publicDir, 'staff', 'js', name);
    if (!/^[a-z][a-z0-9-]*\.js$/u.test(name) || !existsSync(file)) return sendError(res, 404, 'NotFound', `/staff/js/${name.slice(0, 60)} is not part of the staff page.`);
    send(req, res, cache.get(file, 'text/javascript; charset=utf-8'), 0);
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
      const title = /^#\s+(.+)$/mu.exec(markdown)?.[1]?.trim() ?? name;
      // The markdown is our own content (reviewed like code), so its HTML is not sanitised further.
      const html = readFileSync(template, 'utf8')
        .replaceAll('{{lang}}', escapeHtml(lang))
        .replaceAll('{{title}}', escapeHtml(title))
        .replace('{{content}}', () => marked.parse(markdown, { async: false }));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' });
      res.end(html);
    });
  }
}
