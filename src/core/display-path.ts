import path from 'node:path';

/**
 * A file path as an installer wants to read it in an error: relative to the working folder when
 * the file is inside it, otherwise absolute (a "../../tmp/…" path helps no one).
 */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  if (!relative) return file;
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}
