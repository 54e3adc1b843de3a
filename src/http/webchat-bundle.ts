/**
 * Where the Web Chat the widget loads comes from. `npm run build:webchat` (run by `npm start`)
 * writes our own build to dist/webchat/: Web Chat's minimal bundle with Adaptive Cards, precompressed
 * with brotli and gzip, named in manifest.json with the hash of its content, so the widget can ask
 * for a versioned URL that browsers keep for a year. Without that build (a checkout started some
 * other way) the installed package's full bundle is served instead, compressed here, and a warning
 * says how to build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../package-root.js';

/** The folder `npm run build:webchat` writes. */
export const WEBCHAT_BUILD_DIR = path.join(PACKAGE_ROOT, 'dist', 'webchat');
export const WEBCHAT_MANIFEST = 'manifest.json';

export const webChatManifest = z.object({
  /** What the build was made from (see scripts/build-webchat.ts); a different key means build again. */
  key: z.string().min(1),
  /** Hex digest of the JavaScript: the `v` of the versioned URL. */
  hash: z.string().regex(/^[0-9a-f]{8,64}$/u),
  /** File names in the build folder. */
  files: z.object({ identity: z.string().min(1), br: z.string().min(1), gzip: z.string().min(1) }),
  bytes: z.object({ identity: z.number().int().positive(), br: z.number().int().positive(), gzip: z.number().int().positive() }),
});
export type WebChatManifest = z.infer<typeof webChatManifest>;

export interface WebChatBundle {
  /** The JavaScript in each encoding that was prepared at build time (identity always). */
  files: { identity: string; br?: string; gzip?: string };
  /** Set for our own build: the URL `?v=` that may be cached for good. */
  hash?: string;
  /** Why the package's full bundle is used, for the start-up log. */
  fallbackReason?: string;
}

/** The manifest of the build in `dir`, or why there is none usable. */
export function readWebChatManifest(dir = WEBCHAT_BUILD_DIR): WebChatManifest | { missing: string } {
  const file = path.join(dir, WEBCHAT_MANIFEST);
  if (!existsSync(file)) return { missing: `${path.relative(PACKAGE_ROOT, file)} does not exist` };
  let parsed;
  try {
    parsed = webChatManifest.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    return { missing: `${path.relative(PACKAGE_ROOT, file)} is not JSON (${(err as Error).message})` };
  }
  if (!parsed.success) return { missing: `${path.relative(PACKAGE_ROOT, file)} is not a Web Chat build manifest` };
  const absent = Object.values(parsed.data.files).find((name) => !existsSync(path.join(dir, name)));
  if (absent) return { missing: `${absent} named in ${path.relative(PACKAGE_ROOT, file)} is not there` };
  return parsed.data;
}

/** The installed botframework-webchat's folder (its exports hide package.json, so walk up from its entry). */
export function webChatPackageDir(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('botframework-webchat'));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** dist/webchat.js of the installed botframework-webchat: its full bundle. */
export function packageWebChatBundle(): string {
  return path.join(webChatPackageDir(), 'dist', 'webchat.js');
}

/** Our build when there is one, else the package's full bundle (with the reason). */
export function locateWebChatBundle(dir = WEBCHAT_BUILD_DIR): WebChatBundle {
  const manifest = readWebChatManifest(dir);
  if ('missing' in manifest) return { files: { identity: packageWebChatBundle() }, fallbackReason: manifest.missing };
  const at = (name: string) => path.join(dir, name);
  return { files: { identity: at(manifest.files.identity), br: at(manifest.files.br), gzip: at(manifest.files.gzip) }, hash: manifest.hash };
}
