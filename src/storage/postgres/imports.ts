/**
 * Moving a data folder into PostgreSQL (`npm run db:move`, src/storage/move.ts): every import method
 * of the PostgreSQL stores inserts what is not there yet and never changes what is, and says for
 * each item which of the two it was, and whether what was already there is the same.
 */

/**
 * `inserted`: it was not there and now is. `same`: it was there already, equal to what was offered
 * (a move run again). `different`: something else was there under the same key; it was kept.
 */
export type ImportOutcome = 'inserted' | 'same' | 'different';

/** The outcome of a row from an `INSERT … ON CONFLICT DO NOTHING` joined with what was there before. */
export function outcomeOf(row: { inserted: boolean; same: boolean | null }): ImportOutcome {
  if (row.inserted) return 'inserted';
  return row.same ? 'same' : 'different';
}
