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
import { PgTurnLock } from '../src/storage/postgres/pg-turn-lock.js';
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
