/**
 * The PostgreSQL stores (DATABASE_URL), opened through `openPgStores` in ../stores.ts, which loads this
 * module only when they are asked for.
 */
import { PgTranscriptStore } from '../../bot/storage/pg-transcript-store.js';
import { PgDirectLineStore } from '../../directline/pg-store.js';
import { DIRECT_LINE_CHANNEL_ID } from '../../directline/store.js';
import { sharedPerMinute } from '../../directline/rate-limit.js';
import { sharedSecret } from '../../directline/tokens.js';
import { RECORD_KINDS } from '../records.js';
import type { PgStores, StoreOptions } from '../stores.js';
import { createPool, migrate, ping } from './database.js';
import { PgAuditLog } from './pg-audit-log.js';
import { PgBotStorage } from './pg-bot-storage.js';
import { PgCaseStore } from './pg-case-store.js';
import { PgOutbox } from './pg-outbox.js';
import { PgRecords } from './pg-records.js';
import { PgSessionStore } from './pg-session-store.js';
import { sweepExpiredPg } from './pg-retention.js';
import { GroupCommit } from './group-commit.js';
import { PgTurnLock } from './pg-turn-lock.js';
import { TurnStateCache } from './turn-cache.js';

/** The PostgreSQL stores, after bringing the schema up to date. */
export async function openPgStores(options: StoreOptions & { databaseUrl: string }): Promise<PgStores> {
  const pool = createPool(options.databaseUrl);
  // Turn locks are held for a whole turn: on their own pool, so waiting turns never use up the
  // connections the turns themselves need.
  const lockPool = createPool(options.databaseUrl, 20);
  try {
    const applied = await migrate(pool);
    options.onMigrated?.(applied);
  } catch (err) {
    await Promise.all([pool.end(), lockPool.end()]);
    throw err;
  }
  const transcripts = new PgTranscriptStore(pool, options.onTranscriptError);
  const cases = new PgCaseStore(pool);
  try {
    // Cases of releases before issue 20 get their per-unit work (migration 8's lists need it).
    const upgraded = await cases.upgradeLegacy();
    if (upgraded) options.onCasesUpgraded?.(upgraded);
  } catch (err) {
    await Promise.all([pool.end(), lockPool.end()]);
    throw err;
  }
  const botState = new PgBotStorage(pool);
  // What this instance committed last per conversation, trusted while it hears the others' turns.
  const turnCache = new TurnStateCache(options.databaseUrl, { ...(options.onTurnNotificationsLost ? { onListenError: options.onTurnNotificationsLost } : {}) });
  await turnCache.start();
  return {
    backend: 'postgresql',
    botState,
    cases,
    transcripts,
    directLine: new PgDirectLineStore(pool),
    outbox: new PgOutbox(pool, options.outboxLeaseMs),
    audit: new PgAuditLog(pool),
    staffAccounts: new PgRecords(pool, RECORD_KINDS.staffAccounts),
    staffUnits: new PgRecords(pool, RECORD_KINDS.staffUnits),
    staffSessions: new PgSessionStore(pool),
    teamsChannels: new PgRecords(pool, RECORD_KINDS.teamsChannels),
    kitchenTables: new PgRecords(pool, RECORD_KINDS.kitchenTables),
    references: new PgRecords(pool, RECORD_KINDS.references),
    // Each turn is one transaction on the lock pool: lock and state in one round trip, the state,
    // transcript and Direct Line activities written with the COMMIT in another (pg-turn.ts); a
    // conversation this instance wrote last skips the first (turn-cache.ts).
    turnLock: new PgTurnLock(lockPool, { state: botState, transcripts, directLineChannel: DIRECT_LINE_CHANNEL_ID, cache: turnCache, groupCommit: new GroupCommit() }),
    pool,
    lockPool,
    limiter: (name, points, seconds) => sharedPerMinute(pool, name, points, seconds),
    secret: (name, configured) => sharedSecret(new PgRecords<{ value: string }>(pool, RECORD_KINDS.secrets), name, configured),
    sweepExpired: (retentionDays) => sweepExpiredPg(pool, retentionDays),
    ping: () => ping(pool),
    close: async () => {
      await transcripts.flush();
      await Promise.all([pool.end(), lockPool.end(), turnCache.close()]);
    },
  };
}
