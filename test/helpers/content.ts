/** The repository's real content, loaded once for unit tests. */
import path from 'node:path';
import { loadContent, type Content } from '../../src/core/content/load.js';
import { REPO_ROOT } from './paths.js';

let cached: Content | undefined;

export function repoContent(): Content {
  cached ??= loadContent({ dataDir: path.join(REPO_ROOT, 'data'), localesDir: path.join(REPO_ROOT, 'locales'), defaultLocale: 'sv' });
  return cached;
}
