/** What the stores left on disk, read the way a reviewer would: the case files of a data folder. */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CaseRecord } from '../../src/core/cases.js';

/** Every case stored under `dataDir/cases`. */
export async function readCases(dataDir: string): Promise<CaseRecord[]> {
  const dir = path.join(dataDir, 'cases');
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  return Promise.all(
    files.map(async (f) => {
      const raw = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as { value?: CaseRecord } & CaseRecord;
      return raw.value ?? raw;
    }),
  );
}
