/** Reading JSON Lines files that are only ever appended to. */
import { readFile } from 'node:fs/promises';
import { CorruptDataError } from './errors.js';

/**
 * The lines of a JSON Lines file. A last line without its newline that does not parse is an append
 * cut short by a crash, and is skipped; a bad line anywhere else means the file is damaged.
 */
export function parseLines<T = unknown>(file: string, raw: string): T[] {
  const parts = raw.split('\n');
  const complete = raw.endsWith('\n');
  const out: T[] = [];
  parts.forEach((part, i) => {
    if (!part) return;
    try {
      out.push(JSON.parse(part) as T);
    } catch (err) {
      const torn = !complete && i === parts.length - 1;
      if (!torn) throw new CorruptDataError(file, `line ${i + 1} is not valid JSON (${(err as Error).message})`);
    }
  });
  return out;
}

/** The file's text, or undefined when there is none; a file that cannot be read raises CorruptDataError. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CorruptDataError(file, `cannot be read (${code ?? (err as Error).message})`);
  }
}
