/**
 * `npm run build:webchat` (also run by `npm start` through prestart, and by `npm test`): the Web Chat
 * the widget loads, in dist/webchat/. esbuild bundles scripts/webchat/entry.mjs (Web Chat's minimal
 * bundle plus Adaptive Cards, see there) for the browser and minifies it; brotli (quality 11) and
 * gzip (level 9) copies are made here, once, so the server sends them as they are. The file names
 * and manifest.json carry the hash of the JavaScript, which is the `v` of the URL the widget asks
 * for (cached by browsers for a year). Nothing is rebuilt when the inputs (the entry, this script,
 * package-lock.json) have not changed.
 *
 *   npm run build:webchat                 build if needed
 *   npm run build:webchat -- --force      build again
 *   npm run build:webchat -- --compare    also measure Web Chat's own full and minimal bundles
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import * as esbuild from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { PACKAGE_ROOT } from '../src/package-root.js';
import { WEBCHAT_BUILD_DIR, WEBCHAT_MANIFEST, packageWebChatBundle, readWebChatManifest, webChatPackageDir, type WebChatManifest } from '../src/http/webchat-bundle.js';

const ENTRY = path.join(PACKAGE_ROOT, 'scripts', 'webchat', 'entry.mjs');
const THIS_SCRIPT = fileURLToPath(import.meta.url);
/** This script's source (also when run compiled from dist/): part of what a build is made from. */
const SCRIPT_SOURCE = path.join(PACKAGE_ROOT, 'scripts', 'build-webchat.ts');
const require = createRequire(import.meta.url);
const WEBCHAT_DIR = webChatPackageDir();
const WEBCHAT_API_DIR = path.dirname(path.dirname(require.resolve('botframework-webchat-api', { paths: [WEBCHAT_DIR] })));

/**
 * The languages of Web Chat's own texts ("Skicka", "Skriv ditt meddelande") to keep: those of the
 * widget's locales (webchatLocale in locales/<lang>/widget.yaml), by their first part ("sv" keeps
 * sv-SE), and English, Web Chat's fallback. Web Chat in any other language would show English.
 */
function webChatLanguages(): string[] {
  const localesDir = path.join(PACKAGE_ROOT, 'locales');
  const configured = readdirSync(localesDir)
    .map((lang) => path.join(localesDir, lang, 'widget.yaml'))
    .filter((file) => existsSync(file))
    .map((file) => (parseYaml(readFileSync(file, 'utf8')) as { webchatLocale?: unknown }).webchatLocale)
    .filter((locale): locale is string => typeof locale === 'string');
  return [...new Set(['en', ...configured.map((locale) => locale.split('-')[0]!.toLowerCase())])].sort();
}
const WEBCHAT_LANGUAGES = webChatLanguages();
const keepsLanguage = (file: string) => WEBCHAT_LANGUAGES.includes(file.split('-')[0]!.toLowerCase());

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Brotli at its best (quality 11) and gzip at level 9: done once per build, so the slow settings pay. */
export async function compress(body: Buffer): Promise<{ br: Buffer; gzip: Buffer }> {
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT } }),
    gzipAsync(body, { level: 9 }),
  ]);
  return { br, gzip: gz };
}

/** What a build is made from: when none of it changed, the build in dist/webchat/ is current. */
export function buildKey(): string {
  const hash = createHash('sha256');
  for (const file of [ENTRY, SCRIPT_SOURCE, path.join(PACKAGE_ROOT, 'package-lock.json')]) {
    hash.update(file.slice(PACKAGE_ROOT.length)).update('\0');
    hash.update(existsSync(file) ? readFileSync(file) : Buffer.alloc(0)).update('\0');
  }
  hash.update(esbuild.version).update(WEBCHAT_LANGUAGES.join(','));
  return hash.digest('hex').slice(0, 32);
}

/**
 * esbuild resolution for the entry: Web Chat's TypeScript sources for the Adaptive Cards parts (the
 * package's exports hide them, and its compiled bundles assign all of Web Chat to window.WebChat,
 * which keeps every part), the Direct Line client Web Chat itself depends on, and two modules the
 * widget never reaches replaced by stand-ins that fail loudly if it ever does: Direct Line's App
 * Service Extension transport (botframework-streaming and a Buffer polyfill; the widget polls
 * Direct Line 3.0) and Swiper, used only by Adaptive Cards carousels (our cards have none).
 */
const resolveWebChatParts: esbuild.Plugin = {
  name: 'webchat-parts',
  setup(build) {
    build.onResolve({ filter: /^botframework-webchat\/src\// }, (args) => {
      const base = path.join(WEBCHAT_DIR, args.path.slice('botframework-webchat/'.length));
      const found = ['.ts', '.tsx', '.js', '/index.ts'].map((ext) => base + ext).find((file) => existsSync(file));
      return found ? { path: found } : { errors: [{ text: `${args.path} is not in the installed botframework-webchat` }] };
    });
    // Web Chat's API layer from its sources too, so that its texts can be left out for every
    // language but those the widget's locales use (its compiled bundle has all 52 inline, 432 KB).
    build.onResolve({ filter: /^botframework-webchat-api(\/internal|\/decorator)?$/ }, (args) => {
      const sub = args.path.slice('botframework-webchat-api'.length);
      return { path: path.join(WEBCHAT_API_DIR, 'src', sub === '' ? 'index.ts' : sub === '/internal' ? 'internal.ts' : 'decorator/index.ts') };
    });
    build.onLoad({ filter: /[\\/]localization[\\/][A-Za-z-]+\.json$/ }, (args) => {
      if (!args.path.startsWith(path.join(WEBCHAT_API_DIR, 'src'))) return undefined;
      const language = path.basename(args.path, '.json');
      if (language === 'overrides' || keepsLanguage(language)) return undefined;
      return { loader: 'json', contents: '{}' };
    });
    build.onResolve({ filter: /^botframework-directlinejs(\/|$)/ }, (args) => {
      if (args.importer !== ENTRY) return undefined;
      return { path: require.resolve(args.path, { paths: [WEBCHAT_DIR] }) };
    });
    build.onResolve({ filter: /^\.\/directLineStreaming$/ }, (args) =>
      args.importer.includes(`${path.sep}botframework-directlinejs${path.sep}`) ? { path: 'direct-line-streaming', namespace: 'left-out' } : undefined,
    );
    build.onResolve({ filter: /^swiper(\/modules)?$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    // File types for uploads, which the widget does not offer: mime's standard types are enough
    // (its full list adds some 37 KB and its set-up to every start of Web Chat).
    build.onResolve({ filter: /^mime$/ }, (args) => ({ path: require.resolve('mime/lite', { paths: [path.dirname(args.importer)] }) }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      loader: 'js',
      contents:
        args.path === 'direct-line-streaming'
          ? `exports.DirectLineStreaming = function DirectLineStreaming() { throw new Error('The Direct Line App Service Extension is not part of this Web Chat build.'); };`
          : `export default function Swiper() { throw new Error('Adaptive Cards carousels are not part of this Web Chat build.'); }
             export const A11y = {}, Autoplay = {}, History = {}, Keyboard = {}, Navigation = {}, Pagination = {}, Scrollbar = {};`,
    }));
  },
};

/** The minified bundle's JavaScript. */
export async function bundle(): Promise<Buffer> {
  const { version } = JSON.parse(readFileSync(path.join(WEBCHAT_DIR, 'package.json'), 'utf8')) as { version: string };
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // What the widget supports: browsers of the last few years (the widget itself is ES2019).
    target: 'es2019',
    absWorkingDir: PACKAGE_ROOT,
    nodePaths: [path.join(PACKAGE_ROOT, 'node_modules')],
    define: {
      'process.env.NODE_ENV': '"production"',
      // Web Chat's transcript reads it in lower case (its own bundles get it from webpack's shim).
      'process.env.node_env': '"production"',
      'process.env.npm_package_version': JSON.stringify(version),
      'process.env.build_tool': '"esbuild"',
      'process.env.module_format': '"iife"',
      __WEBCHAT_VERSION__: JSON.stringify(version),
    },
    // markdown-it asks for Node's punycode; the npm package of the same code stands in.
    alias: { punycode: 'punycode.js' },
    // Web Chat's sources keep JSX in some .js files.
    loader: { '.js': 'jsx' },
    jsx: 'transform',
    legalComments: 'none',
    logLevel: 'error',
    plugins: [resolveWebChatParts],
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

/** Writes a file whole or not at all (a server reading the folder never sees half a file). */
async function writeWhole(file: string, body: Buffer | string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, body);
  await rename(temp, file);
}

export interface BuildOptions {
  force?: boolean;
  /** Progress lines; default: none. */
  log?: (line: string) => void;
  dir?: string;
}

/** Builds dist/webchat/ unless it is current; resolves with its manifest. */
export async function buildWebChat(options: BuildOptions = {}): Promise<WebChatManifest & { built: boolean }> {
  const dir = options.dir ?? WEBCHAT_BUILD_DIR;
  const log = options.log ?? (() => undefined);
  const key = buildKey();
  const current = readWebChatManifest(dir);
  if (!options.force && !('missing' in current) && current.key === key) return { ...current, built: false };

  const started = Date.now();
  log('Web Chat for the widget: bundling (esbuild) …');
  const body = await bundle();
  log(`  bundled in ${((Date.now() - started) / 1000).toFixed(1)} s; compressing (brotli 11, gzip 9) …`);
  const { br, gzip: gz } = await compress(body);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 20);
  const files = { identity: `webchat.${hash}.js`, br: `webchat.${hash}.js.br`, gzip: `webchat.${hash}.js.gz` };
  await mkdir(dir, { recursive: true });
  await writeWhole(path.join(dir, files.identity), body);
  await writeWhole(path.join(dir, files.br), br);
  await writeWhole(path.join(dir, files.gzip), gz);
  const manifest: WebChatManifest = { key, hash, files, bytes: { identity: body.length, br: br.length, gzip: gz.length } };
  await writeWhole(path.join(dir, WEBCHAT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  // Earlier builds: a running server has read its files at start-up, so they can go.
  const keep = new Set<string>([...Object.values(files), WEBCHAT_MANIFEST]);
  for (const name of await readdir(dir)) if (!keep.has(name) && /^webchat\.|\.tmp$/u.test(name)) await rm(path.join(dir, name), { force: true });
  log(`  ${describe(manifest.bytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${path.relative(PACKAGE_ROOT, path.join(dir, files.identity))}`);
  return { ...manifest, built: true };
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en')} KB`;
}

function describe(bytes: { identity: number; br: number; gzip: number }): string {
  return `${kb(bytes.identity)}, ${kb(bytes.gzip)} gzip, ${kb(bytes.br)} brotli`;
}

/** Sizes of Web Chat's own bundles against ours, as the widget would send them. */
async function compare(ours: WebChatManifest): Promise<void> {
  const rows: Array<[string, { identity: number; br: number; gzip: number }, string]> = [];
  const distDir = path.dirname(packageWebChatBundle());
  for (const [name, note] of [
    ['webchat.js', 'Web Chat full bundle (what was served until now)'],
    ['webchat-minimal.js', 'Web Chat minimal bundle: no Adaptive Cards, so no summary card'],
  ] as const) {
    const body = await readFile(path.join(distDir, name));
    const { br, gzip: gz } = await compress(body);
    rows.push([name, { identity: body.length, br: br.length, gzip: gz.length }, note]);
  }
  rows.push(['ours', ours.bytes, 'minimal + Adaptive Cards + Markdown in cards (this build)']);
  const full = rows[0]![1];
  console.log('\nbundle               minified   gzip -9   brotli 11   brotli vs full gzip   note');
  for (const [name, b, note] of rows) {
    console.log(`${name.padEnd(20)} ${kb(b.identity).padStart(8)} ${kb(b.gzip).padStart(9)} ${kb(b.br).padStart(11)}   ${`${((b.br / full.gzip) * 100).toFixed(0)} %`.padStart(19)}   ${note}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false }, compare: { type: 'boolean', default: false } } });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const manifest = await buildWebChat({ force: values.force, log });
  if (!manifest.built) log(`Web Chat for the widget is up to date (${describe(manifest.bytes)}).`);
  if (values.compare) await compare(manifest);
}

if (process.argv[1] && path.resolve(process.argv[1]) === THIS_SCRIPT) {
  main().catch((err: Error) => {
    console.error(`Could not build Web Chat for the widget: ${err.message}`);
    console.error('Check that `npm install` has run (esbuild, react, botframework-webchat), then try `npm run build:webchat -- --force`.');
    process.exit(1);
  });
}
