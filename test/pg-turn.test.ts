/**
 * A turn on PostgreSQL in two round trips (src/storage/postgres/pg-turn.ts, issue 22): what a
 * resident's turn costs in round trips to the database (counted by wrapping the driver), that its
 * state and transcript are in the database once the turn has answered, that two instances taking
 * turns of one conversation lose nothing, and that nothing a failed turn wrote is kept.
 */
import type { Activity, Storage, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import pg from 'pg';
import { turnStorage, turnTranscripts } from '../src/bot/turn-stores.js';
import { PgTranscriptStore } from '../src/bot/storage/pg-transcript-store.js';
import { createPool, migrate } from '../src/storage/postgres/database.js';
import { PgBotStorage } from '../src/storage/postgres/pg-bot-storage.js';
import { conversationKey } from '../src/bot/serialize-turns.js';
import { GroupCommit } from '../src/storage/postgres/group-commit.js';
import { PgTurnLock } from '../src/storage/postgres/pg-turn-lock.js';
import { TurnStateCache } from '../src/storage/postgres/turn-cache.js';
import { countingRoundTrips, testDatabase, type TestDatabase } from './helpers/postgres.js';

/** A turn's context as the middleware sees it: the activity and the turn state. */
function contextOf(conversationId: string, text = 'hjälp'): TurnContext {
  const activity = { type: 'message', id: `m-${Math.random()}`, text, channelId: 'web', conversation: { id: conversationId }, from: { id: 'u1', role: 'user' }, recipient: { id: 'bot' } };
  return { activity, turnState: new Map() } as unknown as TurnContext;
}

const stateKey = (conversationId: string) => `web/conversations/${conversationId}/`;


/** What the intake's middleware and bot do in a turn, through the stores the turn offers. */
async function intakeTurn(context: TurnContext, storage: Storage, transcripts: PgTranscriptStore, change: (count: number) => number = (n) => n + 1): Promise<void> {
  const key = stateKey(context.activity.conversation.id);
  const store = turnStorage(context, storage);
  const items = await store.read([key]);
  const count = (items[key]?.['count'] as number | undefined) ?? 0;
  await new Promise((r) => setTimeout(r, 10));
  await store.write({ [key]: { count: change(count), eTag: '*' } });
  const writer = turnTranscripts(context, transcripts);
  for (const text of [context.activity.text, 'Hjälptexten', 'Frågan igen']) {
    void Promise.resolve(writer.logActivity({ ...context.activity, text } as Activity)).catch(() => undefined);
  }
}

describe('a turn on PostgreSQL: two round trips, its writes one transaction (issue 22)', function () {
  this.timeout(60000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let lockPool: pg.Pool;
  let storage: PgBotStorage;
  let transcripts: PgTranscriptStore;
  let lock: PgTurnLock;
  before(async () => {
    db = await testDatabase();
    pool = createPool(db.url);
    lockPool = createPool(db.url, 20);
    await migrate(pool);
    storage = new PgBotStorage(pool);
    transcripts = new PgTranscriptStore(pool);
    lock = new PgTurnLock(lockPool, { state: storage, transcripts });
  });
  after(async () => {
    await Promise.all([pool?.end(), lockPool?.end()]);
    await db?.drop();
  });

  const transcriptTexts = async (conversationId: string) =>
    (await pool.query<{ text: string }>("SELECT activity->>'text' AS text FROM transcript_activities WHERE conversation_id = $1 ORDER BY seq", [conversationId])).rows.map((r) => r.text);

  it('takes two round trips: lock and state read in one; state, transcript (one transaction) and unlock in the other; both are stored when the turn has answered', async () => {
    // The pool's first connection is made outside the count.
    const first = contextOf('rt-1');
    await lock.onTurn(first, () => intakeTurn(first, storage, transcripts));
    const context = contextOf('rt-2');
    const { sent } = await countingRoundTrips(() => lock.onTurn(context, () => intakeTurn(context, storage, transcripts)));
    console.log(`      round trips of the turn: ${sent.length} (${sent.map((s) => s.replace(/\s+/gu, ' ').slice(0, 60)).join(' | ')})`);
    expect(sent).to.have.length(2);
    expect(sent[0]).to.match(/^SELECT pg_advisory_lock\(.*; SELECT key, value, etag FROM bot_state/u);
    expect(sent[1]).to.match(/^BEGIN; INSERT INTO bot_state.*; INSERT INTO transcript_activities .*; COMMIT; SELECT pg_advisory_unlock\(/su);
    // No flush, no wait: committed before onTurn resolved.
    expect((await storage.read([stateKey('rt-2')]))[stateKey('rt-2')]?.['count']).to.equal(1);
    expect(await transcriptTexts('rt-2')).to.deep.equal(['hjälp', 'Hjälptexten', 'Frågan igen']);
  });

  it('keeps quotes, backslashes and Swedish letters in state and transcript exactly', async () => {
    const text = `Jag bor "ensam" i Årjäng \\ O'Brien; DROP TABLE bot_state; -- 😊`;
    const context = contextOf(`o'hara-1`, text);
    await lock.onTurn(context, async () => {
      const store = turnStorage(context, storage);
      await store.write({ [stateKey(`o'hara-1`)]: { said: text, eTag: '*' } });
      void turnTranscripts(context, transcripts).logActivity(context.activity as Activity);
    });
    expect((await storage.read([stateKey(`o'hara-1`)]))[stateKey(`o'hara-1`)]?.['said']).to.equal(text);
    expect(await transcriptTexts(`o'hara-1`)).to.deep.equal([text]);
  });

  it('lets no turn of two instances overwrite the other: 16 turns through the turn transaction, 16 counted', async function () {
    if (db.kind === 'pglite') this.skip();
    const pools = [createPool(db.url), createPool(db.url)];
    const lockPools = [createPool(db.url, 20), createPool(db.url, 20)];
    try {
      const instances = [0, 1].map((i) => {
        const state = new PgBotStorage(pools[i]!);
        const log = new PgTranscriptStore(pools[i]!);
        return { state, log, lock: new PgTurnLock(lockPools[i]!, { state, transcripts: log }) };
      });
      await Promise.all(
        Array.from({ length: 16 }, (_, i) => instances[i % 2]!).map((inst) => {
          const context = contextOf('shared-1');
          return inst.lock.onTurn(context, () => intakeTurn(context, inst.state, inst.log));
        }),
      );
      expect((await storage.read([stateKey('shared-1')]))[stateKey('shared-1')]?.['count']).to.equal(16);
      expect(await transcriptTexts('shared-1')).to.have.length(48);
    } finally {
      await Promise.all([...pools, ...lockPools].map((p) => p.end()));
    }
  });

  it('keeps nothing of a turn that failed: neither its state nor its transcript', async () => {
    const context = contextOf('failed-1');
    await lock.onTurn(context, () => intakeTurn(context, storage, transcripts));
    const failing = contextOf('failed-1');
    let thrown: unknown;
    await lock
      .onTurn(failing, async () => {
        await intakeTurn(failing, storage, transcripts, () => 99);
        throw new Error('the turn itself failed');
      })
      .catch((err: unknown) => (thrown = err));
    expect((thrown as Error).message).to.equal('the turn itself failed');
    expect((await storage.read([stateKey('failed-1')]))[stateKey('failed-1')]?.['count']).to.equal(1);
    expect(await transcriptTexts('failed-1')).to.have.length(3);
    expect(lockPool.idleCount, 'the connection is back in the pool, the lock released').to.be.greaterThan(0);
    // The lock was released: the next turn of the conversation runs.
    const next = contextOf('failed-1');
    await lock.onTurn(next, () => intakeTurn(next, storage, transcripts));
    expect((await storage.read([stateKey('failed-1')]))[stateKey('failed-1')]?.['count']).to.equal(2);
  });

  it('fails a turn whose writes PostgreSQL refused at the end (so the person is told to try again), keeps nothing of it, and frees the conversation', async () => {
    const context = contextOf('refused-1');
    await lock.onTurn(context, () => intakeTurn(context, storage, transcripts));
    const refused = contextOf('refused-1');
    let thrown: unknown;
    await lock
      .onTurn(refused, async () => {
        // jsonb takes no NUL character: the COMMIT's round trip fails.
        await turnStorage(refused, storage).write({ [stateKey('refused-1')]: { count: 5, said: 'a\u0000b', eTag: '*' } });
        void turnTranscripts(refused, transcripts).logActivity(refused.activity as Activity);
      })
      .catch((err: unknown) => (thrown = err));
    expect(thrown, 'the turn failed').to.be.instanceOf(Error);
    expect((await storage.read([stateKey('refused-1')]))[stateKey('refused-1')]?.['count']).to.equal(1);
    expect(await transcriptTexts('refused-1')).to.have.length(3);
    const next = contextOf('refused-1');
    await lock.onTurn(next, () => intakeTurn(next, storage, transcripts));
    expect((await storage.read([stateKey('refused-1')]))[stateKey('refused-1')]?.['count']).to.equal(2);
  });

  it('erases a transcript in the turn that asks it, after the turn\'s own activities', async () => {
    const context = contextOf('erase-1');
    await lock.onTurn(context, () => intakeTurn(context, storage, transcripts));
    const erasing = contextOf('erase-1', 'glöm mig');
    await lock.onTurn(erasing, async () => {
      await intakeTurn(erasing, storage, transcripts);
      await turnStorage(erasing, storage).delete([stateKey('erase-1')]);
      await turnTranscripts(erasing, transcripts).deleteTranscript('web', 'erase-1');
    });
    expect(await storage.read([stateKey('erase-1')])).to.deep.equal({});
    expect(await transcriptTexts('erase-1')).to.deep.equal([]);
  });
});

/** One instance of the service as far as turns go: its pools, stores, turn cache, turn lock (and group commit). */
interface Instance {
  pool: pg.Pool;
  lockPool: pg.Pool;
  state: PgBotStorage;
  log: PgTranscriptStore;
  cache: TurnStateCache;
  group?: GroupCommit;
  lock: PgTurnLock;
}

/**
 * Two instances on one database (skipped on PGlite: one session behind every connection, no second
 * instance to hear), with what the tests read of the database and a turn on either instance.
 */
function twoInstances(options: { groupCommit?: boolean } = {}) {
  const fixture = {
    db: undefined as unknown as TestDatabase,
    pool: undefined as unknown as pg.Pool,
    instances: [] as Instance[],
    count: async (conversationId: string) => (await fixture.pool.query<{ n: number }>(`SELECT (value->>'count')::int AS n FROM bot_state WHERE key = $1`, [stateKey(conversationId)])).rows[0]?.n,
    transcriptRows: async (conversationId: string) => Number((await fixture.pool.query<{ n: string }>('SELECT count(*) AS n FROM transcript_activities WHERE conversation_id = $1', [conversationId])).rows[0]?.n),
    turnOn: (i: number, conversationId: string) => {
      const { lock, state, log } = fixture.instances[i]!;
      const context = contextOf(conversationId);
      return lock.onTurn(context, () => intakeTurn(context, state, log));
    },
  };
  before(async function () {
    fixture.db = await testDatabase();
    if (fixture.db.kind === 'pglite') this.skip();
    fixture.pool = createPool(fixture.db.url);
    await migrate(fixture.pool);
    fixture.instances = await Promise.all(
      [0, 1].map(async () => {
        const pool = createPool(fixture.db.url);
        const lockPool = createPool(fixture.db.url, 30);
        const state = new PgBotStorage(pool);
        const log = new PgTranscriptStore(pool);
        const cache = new TurnStateCache(fixture.db.url, { retryMs: 50 });
        await cache.start();
        const group = options.groupCommit ? new GroupCommit(1) : undefined;
        return { pool, lockPool, state, log, cache, ...(group ? { group } : {}), lock: new PgTurnLock(lockPool, { state, transcripts: log, cache, ...(group ? { groupCommit: group } : {}) }) };
      }),
    );
  });
  after(async () => {
    await Promise.all(fixture.instances.flatMap((i) => [i.pool.end(), i.lockPool.end(), i.cache.close()]));
    await fixture.pool?.end();
    await fixture.db?.drop();
  });
  return fixture;
}

describe('a conversation this instance wrote last: its next turn in one round trip (issue 22)', function () {
  this.timeout(60000);
  const fixture = twoInstances();
  const { count, transcriptRows, turnOn } = fixture;
  /** Until the other instances have heard what a turn announced (delivered with its COMMIT, read a moment later). */
  const heard = () => new Promise((r) => setTimeout(r, 50));

  it('takes one round trip for the next turn on the same instance: the lock inside the COMMIT\'s transaction, the state written only over the version it began from', async () => {
    await turnOn(0, 'one-1');
    const { sent } = await countingRoundTrips(() => turnOn(0, 'one-1'));
    console.log(`      round trips of the second turn: ${sent.length} (${sent.map((s) => s.replace(/\s+/gu, ' ').slice(0, 110)).join(' | ')})`);
    expect(sent).to.have.length(1);
    expect(sent[0]).to.match(/^BEGIN; SELECT pg_advisory_xact_lock\(.*; WITH u AS \(UPDATE bot_state SET .* AND etag = '1' RETURNING etag\).*; INSERT INTO transcript_activities .*; COMMIT$/su);
    expect(await count('one-1')).to.equal(2);
    expect(await transcriptRows('one-1')).to.equal(6);
  });

  it('counts every turn when two instances take a conversation\'s turns by turns (a load balancer without affinity): the other instance\'s NOTIFY makes each read again', async () => {
    let failed = 0;
    for (let n = 0; n < 40; n++) {
      await turnOn(n % 2, 'rr-1').catch(() => failed++);
      // The person's next message, through the load balancer to the other instance.
      await new Promise((r) => setTimeout(r, 5));
    }
    console.log(`      40 turns by turns on two instances: ${40 - failed} counted, ${failed} failed`);
    // Without the announcements about half would fail (each instance's cached version is stale).
    expect(failed, 'a turn told to try again because a notification came late, at most').to.be.at.most(2);
    expect(await count('rr-1')).to.equal(40 - failed);
    expect(await transcriptRows('rr-1')).to.equal(3 * (40 - failed));
  });

  it('keeps and announces a conversation with a very long id (a NOTIFY payload has a limit) under its digest', async () => {
    const id = `long-${'x'.repeat(2000)}`;
    await turnOn(0, id);
    expect((await countingRoundTrips(() => turnOn(0, id))).sent, 'cached').to.have.length(1);
    await turnOn(1, id);
    await heard();
    expect((await countingRoundTrips(() => turnOn(0, id))).sent, 'the other instance\'s turn heard: read again').to.have.length(2);
    expect(await count(id)).to.equal(4);
  });

  it('fails a turn that began from a version someone else changed without a word, keeps nothing of it, and reads again at the next turn', async () => {
    await turnOn(0, 'stale-1');
    await turnOn(0, 'stale-1');
    // A writer that announces nothing (no instance's turn): the cached version is stale.
    await fixture.pool.query(`UPDATE bot_state SET value = jsonb_set(value, '{count}', '10'), etag = etag + 1 WHERE key = $1`, [stateKey('stale-1')]);
    let thrown: unknown;
    await turnOn(0, 'stale-1').catch((err: unknown) => (thrown = err));
    expect((thrown as Error)?.name, 'the person is told to try again').to.equal('ConcurrencyError');
    expect(await count('stale-1'), 'the other writer\'s value is not overwritten').to.equal(10);
    expect(await transcriptRows('stale-1'), 'nothing of the failed turn').to.equal(6);
    const { sent } = await countingRoundTrips(() => turnOn(0, 'stale-1'));
    expect(sent, 'the next turn reads with the lock').to.have.length(2);
    expect(await count('stale-1')).to.equal(11);
  });

  it('lets no concurrent turn of two instances overwrite the other: each turn is counted or failed, never lost', async () => {
    await turnOn(0, 'race-1');
    await turnOn(1, 'race-1');
    await heard();
    await turnOn(0, 'race-1');
    const outcomes = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => turnOn(i % 2, 'race-1')));
    const done = outcomes.filter((o) => o.status === 'fulfilled').length;
    console.log(`      16 concurrent turns on two instances: ${done} counted, ${16 - done} failed (told to try again)`);
    expect(await count('race-1')).to.equal(3 + done);
    expect(await transcriptRows('race-1')).to.equal(3 * (3 + done));
    expect(done).to.be.greaterThan(7);
  });

  it('keeps the states of the conversations used last, up to its size: an older one\'s next turn reads with the lock', async () => {
    const small = new TurnStateCache(fixture.db.url, { maxChars: 40 });
    await small.start();
    const { lockPool, state, log } = fixture.instances[0]!;
    const lock = new PgTurnLock(lockPool, { state, transcripts: log, cache: small });
    const turn = (conversationId: string) => {
      const context = contextOf(conversationId);
      return countingRoundTrips(() => lock.onTurn(context, () => intakeTurn(context, state, log)));
    };
    try {
      // Each state ({"count":n}) is 11 characters: three fit in 40.
      for (const id of ['lru-1', 'lru-2', 'lru-3', 'lru-4']) await turn(id);
      expect((await turn('lru-4')).sent, 'used last: kept').to.have.length(1);
      expect((await turn('lru-1')).sent, 'the oldest: gone').to.have.length(2);
    } finally {
      await small.close();
    }
  });

  it('reads with the lock while it cannot hear the other instances (its LISTEN connection lost), and skips it again once it hears them', async () => {
    await turnOn(0, 'deaf-1');
    await fixture.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN narvard_turns'`);
    await new Promise((r) => setTimeout(r, 20));
    let trips = (await countingRoundTrips(() => turnOn(0, 'deaf-1'))).sent.length;
    expect(trips, 'deaf: the lock and the read').to.equal(2);
    for (let waited = 0; waited < 5000 && trips !== 1; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      trips = (await countingRoundTrips(() => turnOn(0, 'deaf-1'))).sent.length;
    }
    expect(trips, 'listening again: one round trip').to.equal(1);
  });
});

describe('turns of several conversations that end together: one COMMIT for all (group commit, issue 22)', function () {
  this.timeout(60000);
  const fixture = twoInstances({ groupCommit: true });
  const { count, transcriptRows, turnOn } = fixture;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('commits turns of twelve conversations that end together in fewer round trips than turns, every one counted with its transcript', async () => {
    const conversations = ids('group', 12);
    for (const id of conversations) await turnOn(0, id);
    const before = { ...fixture.instances[0]!.group!.stats };
    const { sent } = await countingRoundTrips(() => Promise.all(conversations.map((id) => turnOn(0, id))));
    const commits = sent.filter((s) => s.includes('bot_state'));
    const stats = fixture.instances[0]!.group!.stats;
    console.log(`      12 turns ending together: ${commits.length} COMMITs (${stats.batchedTurns - before.batchedTurns} turns in ${stats.batches - before.batches} batches)`);
    expect(commits.length, 'fewer COMMITs than turns').to.be.lessThan(12);
    expect(stats.batches - before.batches).to.be.greaterThan(0);
    expect(commits.some((s) => /pg_try_advisory_xact_lock/u.test(s) && s.split('UPDATE bot_state').length > 2), 'a COMMIT carrying several conversations').to.equal(true);
    for (const id of conversations) {
      expect(await count(id), id).to.equal(2);
      expect(await transcriptRows(id), id).to.equal(6);
    }
  });

  it('fails only the turn whose version someone else changed: the batch is retried turn by turn, the others kept, the other writer\'s value kept', async () => {
    const conversations = ids('gstale', 8);
    for (const id of conversations) await turnOn(0, id);
    await fixture.pool.query(`UPDATE bot_state SET value = jsonb_set(value, '{count}', '10'), etag = etag + 1 WHERE key = $1`, [stateKey('gstale-3')]);
    const before = { ...fixture.instances[0]!.group!.stats };
    const outcomes = await Promise.allSettled(conversations.map((id) => turnOn(0, id)));
    const failed = conversations.filter((_, i) => outcomes[i]!.status === 'rejected');
    expect(failed).to.deep.equal(['gstale-3']);
    expect(((outcomes[3] as PromiseRejectedResult).reason as Error).name, 'the person is told to try again').to.equal('ConcurrencyError');
    expect(fixture.instances[0]!.group!.stats.retriedAlone - before.retriedAlone, 'the batch was retried turn by turn').to.be.greaterThan(1);
    expect(await count('gstale-3')).to.equal(10);
    expect(await transcriptRows('gstale-3'), 'nothing of the failed turn').to.equal(3);
    for (const id of conversations.filter((id) => id !== 'gstale-3')) {
      expect(await count(id), id).to.equal(2);
      expect(await transcriptRows(id), id).to.equal(6);
    }
  });

  it('does not keep the other conversations waiting for one whose lock another instance holds: that turn waits for it, the rest commit at once', async () => {
    const conversations = ids('gheld', 6);
    for (const id of conversations) await turnOn(0, id);
    const holder = await fixture.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [conversationKey(contextOf('gheld-2'))]);
      const doneAt = new Map<string, number>();
      const start = Date.now();
      const turns = conversations.map((id) => turnOn(0, id).then(() => doneAt.set(id, Date.now() - start)));
      await new Promise((r) => setTimeout(r, 1000));
      expect([...doneAt.keys()].sort(), 'committed while the lock is held elsewhere').to.deep.equal(conversations.filter((id) => id !== 'gheld-2'));
      await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [conversationKey(contextOf('gheld-2'))]);
      await Promise.all(turns);
      expect(doneAt.get('gheld-2')).to.be.at.least(1000);
    } finally {
      holder.release();
    }
    for (const id of conversations) expect(await count(id), id).to.equal(2);
  });

  it('loses no turn when two instances, both committing in batches, take turns of the same conversations at once: each counted or failed', async () => {
    const conversations = ids('grace', 6);
    for (const id of conversations) {
      await turnOn(0, id);
      await turnOn(1, id);
    }
    await new Promise((r) => setTimeout(r, 50));
    const outcomes = await Promise.allSettled(conversations.flatMap((id) => [0, 1, 0, 1].map((i) => turnOn(i, id))));
    let done = 0;
    for (const [c, id] of conversations.entries()) {
      const counted = outcomes.slice(c * 4, c * 4 + 4).filter((o) => o.status === 'fulfilled').length;
      done += counted;
      expect(await count(id), id).to.equal(2 + counted);
      expect(await transcriptRows(id), id).to.equal(3 * (2 + counted));
    }
    console.log(`      24 concurrent turns of 6 conversations on two instances: ${done} counted, ${24 - done} failed (told to try again)`);
    expect(done).to.be.greaterThan(11);
  });
});
