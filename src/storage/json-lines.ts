/** Reading JSON Lines files that are only ever appended to. */
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
