/**
 * A small keyed collection of JSON records (staff accounts, Teams channels, conversation
 * references, kitchen-table interviews): on the embedded store a folder with one file per record
 * (RecordFolder), on PostgreSQL rows of the `records` table (PgRecords). The stores built on it do
 * not know which.
 */
export interface Records<T> {
  /** The record, or undefined if there is none. */
  read(key: string): Promise<T | undefined>;
  /** Writes (creates or replaces) the record. */
  write(key: string, value: T): Promise<void>;
  /** Removes the record; a missing one is fine. */
  delete(key: string): Promise<void>;
  /** Read-modify-write in one step; returning undefined deletes the record. */
  update(key: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  /** Every stored key. */
  keys(): Promise<string[]>;
}

/** The kinds of small records, each a folder under DATA_DIR and a `kind` in the records table. */
export const RECORD_KINDS = {
  staffAccounts: 'staff/accounts',
  /** Who works in which unit, as an organisation's administrator set it. */
  staffUnits: 'staff/units',
  /** Staff sign-in sessions (embedded store only; PostgreSQL has the staff_sessions table). */
  staffSessions: 'staff/sessions',
  teamsChannels: 'teams/channels',
  kitchenTables: 'teams/interviews',
  references: 'references',
  /** Signing secrets generated for all instances (PostgreSQL only; the embedded store keeps them as files). */
  secrets: 'secrets',
} as const;

export type RecordKind = (typeof RECORD_KINDS)[keyof typeof RECORD_KINDS];
