/**
 * Every store the service keeps, on one backend: PostgreSQL when DATABASE_URL is set (shared by any
 * number of instances), else the embedded lowdb data folder. The service, `npm run staff` and
 * `npm run db:move` open their stores here, so they always agree on where data lives.
 */
import path from 'node:path';
import type { ConversationReference, Middleware, Storage } from 'botbuilder';
import type pg from 'pg';
import type { AuditLog } from '../core/audit.js';
import type { CaseStore } from '../core/cases.js';
import type { OutboxStore } from '../core/delivery.js';
import type { StaffAccount } from '../staff/accounts.js';
import type { Membership } from '../staff/members.js';
import type { KitchenTable } from '../teams/kitchen-table.js';
import type { StoredChannel } from '../teams/channels.js';
import { RecordsSessionStore, type SessionStore } from '../staff/session-store.js';
import { EmbeddedBotStorage } from '../bot/storage/embedded-bot-storage.js';
import { JsonlTranscriptStore } from '../bot/storage/jsonl-transcript-store.js';
import type { TranscriptArchive, TranscriptErrorHandler } from '../bot/storage/transcripts.js';
import { EmbeddedDirectLineStore } from '../directline/embedded-store.js';
import type { DirectLineStore } from '../directline/store.js';
import { AppendFiles } from './append-files.js';
import { perMinute, type RequestLimiter } from '../directline/rate-limit.js';
import { lockDataFolder } from './data-folder-lock.js';
import { LowdbAuditLog } from './lowdb-audit-log.js';
import { LowdbCaseStore } from './lowdb-case-store.js';
import { LowdbOutbox } from './lowdb-outbox.js';
import { RecordFolder } from './record-folder.js';
import { sweepExpired, type SweepResult } from './retention.js';
import { persistentSecret } from '../directline/tokens.js';
import { RECORD_KINDS, type Records } from './records.js';
import type { PgTranscriptStore } from '../bot/storage/pg-transcript-store.js';
import type { PgDirectLineStore } from '../directline/pg-store.js';
import type { PgAuditLog } from './postgres/pg-audit-log.js';
import type { PgBotStorage } from './postgres/pg-bot-storage.js';
import type { PgCaseStore } from './postgres/pg-case-store.js';
import type { PgOutbox } from './postgres/pg-outbox.js';
import type { PgRecords } from './postgres/pg-records.js';

export interface Stores {
  backend: 'lowdb' | 'postgresql';
  /** Conversation state (botbuilder's Storage). */
  botState: Storage;
  cases: CaseStore;
  transcripts: TranscriptArchive;
  directLine: DirectLineStore;
  outbox: OutboxStore;
  audit: AuditLog;
  staffAccounts: Records<StaffAccount>;
  staffUnits: Records<Membership>;
  /** Staff sign-in sessions, kept so that signing out or disabling an account ends them. */
  staffSessions: SessionStore;
  teamsChannels: Records<StoredChannel>;
  kitchenTables: Records<KitchenTable>;
  references: Records<Partial<ConversationReference>>;
  /** PostgreSQL only: serialises turns of one conversation across instances. */
  turnLock?: Middleware;
  /** PostgreSQL only: the pools, for readiness checks and tests. */
  pool?: pg.Pool;
  lockPool?: pg.Pool;
  /**
   * A signing secret: the configured one, else one generated once and kept (a file in the data
   * folder, or a record in PostgreSQL that every instance shares).
   */
  secret(name: SecretName, configured: string | undefined): Promise<string>;
  /**
   * A limit of `points` requests per key and minute (or `seconds`) named `name`: in memory on the
   * embedded store, counted by every instance together on PostgreSQL.
   */
  limiter(name: string, points: number, seconds?: number): RequestLimiter;
  /** Removes what was not changed for `retentionDays`. */
  sweepExpired(retentionDays: number): Promise<SweepResult>;
  /** Throws if the backend cannot be reached. */
  ping(): Promise<void>;
  /** Waits for pending writes and closes connections. */
  close(): Promise<void>;
}

/** The embedded stores, as their own classes (`npm run db:move` reads them through methods only they have). */
export interface LowdbStores extends Stores {
  backend: 'lowdb';
  botState: EmbeddedBotStorage;
  cases: LowdbCaseStore;
  transcripts: JsonlTranscriptStore;
  directLine: EmbeddedDirectLineStore;
  outbox: LowdbOutbox;
  audit: LowdbAuditLog;
  staffAccounts: RecordFolder<StaffAccount>;
  staffUnits: RecordFolder<Membership>;
  teamsChannels: RecordFolder<StoredChannel>;
  kitchenTables: RecordFolder<KitchenTable>;
  references: RecordFolder<Partial<ConversationReference>>;
}

/** The PostgreSQL stores, as their own classes (with the import methods `npm run db:move` writes through). */
export interface PgStores extends Stores {
  backend: 'postgresql';
  botState: PgBotStorage;
  cases: PgCaseStore;
  transcripts: PgTranscriptStore;
  directLine: PgDirectLineStore;
  outbox: PgOutbox;
  audit: PgAuditLog;
  staffAccounts: PgRecords<StaffAccount>;
  staffUnits: PgRecords<Membership>;
  teamsChannels: PgRecords<StoredChannel>;
  kitchenTables: PgRecords<KitchenTable>;
  references: PgRecords<Partial<ConversationReference>>;
  pool: pg.Pool;
  lockPool: pg.Pool;
}

/** The signing secrets, and where the embedded store keeps each under the data folder. */
const SECRET_FILES = {
  'directline-token': 'directline/token-secret',
  'staff-session': 'staff/session-secret',
  /** Keys the hashes of searched personnummer and phone numbers in the audit log. */
  'audit-search': 'staff/audit-search-secret',
} as const;
export type SecretName = keyof typeof SECRET_FILES;

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** How long a claimed outbox item waits before another instance may retry it (PostgreSQL). */
  outboxLeaseMs?: number;
  onTranscriptError?: TranscriptErrorHandler;
  /**
   * Told when the connection that hears other instances' turns (PostgreSQL LISTEN) drops or cannot
   * be made: meanwhile every turn takes the lock's round trip (src/storage/postgres/turn-cache.ts).
   */
  onTurnNotificationsLost?: (err: Error) => void;
  /** Called with the migrations applied at start-up (PostgreSQL). */
  onMigrated?: (applied: number[]) => void;
  /** Called with how many cases of an earlier release were given their per-unit work at start-up (PostgreSQL). */
  onCasesUpgraded?: (count: number) => void;
  /**
   * The service's own stores: on the embedded store, the data folder is locked against a second
   * service for as long as the stores are open (src/storage/data-folder-lock.ts); `onLost` hears
   * if the lock is taken away.
   */
  exclusive?: { onLost: (err: Error) => void };
}

/** The embedded stores in a data folder. */
export function openLowdbStores(options: StoreOptions): LowdbStores {
  const { dataDir } = options;
  const cases = new LowdbCaseStore(dataDir);
  // One set of kept-open files for everything appended (state, transcripts, web chat activities).
  const appends = new AppendFiles();
  const botState = new EmbeddedBotStorage(dataDir, appends);
  const transcripts = new JsonlTranscriptStore(dataDir, options.onTranscriptError, appends);
  const directLine = new EmbeddedDirectLineStore(dataDir, appends);
  const folder = <T>(kind: string) => new RecordFolder<T>(path.join(dataDir, kind));
  return {
    backend: 'lowdb',
    botState,
    cases,
    transcripts,
    directLine,
    outbox: new LowdbOutbox(dataDir, options.outboxLeaseMs),
    audit: new LowdbAuditLog(dataDir),
    staffAccounts: folder(RECORD_KINDS.staffAccounts),
    staffUnits: folder(RECORD_KINDS.staffUnits),
    staffSessions: new RecordsSessionStore(folder(RECORD_KINDS.staffSessions)),
    teamsChannels: folder(RECORD_KINDS.teamsChannels),
    kitchenTables: folder(RECORD_KINDS.kitchenTables),
    references: folder(RECORD_KINDS.references),
    limiter: (_name, points, seconds) => perMinute(points, seconds),
    secret: (name, configured) => persistentSecret(configured, path.join(dataDir, SECRET_FILES[name])),
    sweepExpired: async (retentionDays) => {
      const result = await sweepExpired(dataDir, retentionDays, new Date(), (file, stillExpired) => appends.removeNow(file, stillExpired));
      // What the sweep removed must not live on in memory (it would be written back on the next turn).
      if (result.removed > 0) {
        botState.forgetCached();
        directLine.forgetCached();
      }
      return result;
    },
    ping: () => cases.ping(),
    close: async () => {
      await transcripts.flush();
      appends.close();
    },
  };
}

/**
 * The PostgreSQL stores, after bringing the schema up to date. Loaded only when DATABASE_URL is set:
 * the embedded service starts without loading pg and the PostgreSQL stores.
 */
export async function openPgStores(options: StoreOptions & { databaseUrl: string }): Promise<PgStores> {
  return (await import('./postgres/open-stores.js')).openPgStores(options);
}

/** PostgreSQL when a database URL is given, else the data folder. */
export async function openStores(options: StoreOptions): Promise<Stores> {
  if (options.databaseUrl) return openPgStores({ ...options, databaseUrl: options.databaseUrl });
  if (!options.exclusive) return openLowdbStores(options);
  const unlock = await lockDataFolder(options.dataDir, options.exclusive.onLost);
  const stores = openLowdbStores(options);
  let closed: Promise<void> | undefined;
  // Closing twice (a test's teardown after the app's own close) lets go of the lock once; a store
  // that fails to close still lets go of it, so the next start need not wait for it to go stale.
  return { ...stores, close: () => (closed ??= stores.close().finally(() => unlock())) };
}
