/** Errors of the storage layer, phrased for the operator who has to act on them. */
import { displayPath } from '../core/display-path.js';

/** A data file that cannot be read or parsed. It is never overwritten or removed by the service. */
export class CorruptDataError extends Error {
  override name = 'CorruptDataError';

  constructor(
    readonly file: string,
    detail: string,
  ) {
    const shown = displayPath(file);
    super(`Data file ${shown} ${detail}. It was not changed. Restore it from a backup or move it out of the data folder, then start again.`);
  }
}

/** A write whose eTag no longer matches what is stored: someone else changed the record first. */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
}
