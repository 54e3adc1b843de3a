/**
 * Our Direct Line on PostgreSQL (issue 22): the person's message and the bot's replies are kept
 * with the turn's own COMMIT (src/storage/postgres/pg-turn.ts), not in transactions of their own:
 * what a message costs in round trips to the database, that the page sees the message and its
 * replies in order once the POST has answered, that a failed turn still keeps what the page was
 * shown, and that an append made outside the turn lock fails the turn instead of mixing watermarks.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import pg from 'pg';
import { createApp, type App } from '../src/app.js';
import { turnActivityLog } from '../src/bot/turn-stores.js';
import { loadConfig } from '../src/config.js';
import { PgDirectLineStore } from '../src/directline/pg-store.js';
import { createLogger } from '../src/logger.js';
import { createPool, migrate } from '../src/storage/postgres/database.js';
import { PgTurnLock } from '../src/storage/postgres/pg-turn-lock.js';
import { generateToken } from './helpers/directline-client.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';
import { countingRoundTrips, testDatabase, type TestDatabase } from './helpers/postgres.js';


const short = (sql: string) => sql.replace(/\s+/gu, ' ').slice(0, 70);

describe('our Direct Line on PostgreSQL: the message and the replies commit with the turn (issue 22)', function () {
  this.timeout(60000);
  let db: TestDatabase;

  before(async () => {
    db = await testDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  describe('the service', () => {
    let app: App;
    let url: string;
    let dataDir: string;
    before(async () => {
      dataDir = await tempDir('intake-pg-dl-');
      const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'silent' }, REPO_ROOT);
      app = await createApp({ ...config, port: 0 }, createLogger('silent'));
      ({ url } = await app.listen());
    });
    after(async () => {
      await app?.close();
      if (dataDir) await removeDir(dataDir);
    });

    it('answers a message with the message and its replies stored in the turn\'s one round trip (the conversation was written last here), none of their own; the page reads them in order', async () => {
      const token = await generateToken(url, { municipality: '1780', locale: 'sv-SE' });
      const headers = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
      const base = `${url}/v3/directline/conversations/${encodeURIComponent(token.conversationId)}`;
      expect((await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers })).status).to.equal(201);
      const post = async (text: string) => {
        const res = await fetch(`${base}/activities`, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text, from: { id: token.userId } }) });
        expect(res.status).to.equal(200);
        return ((await res.json()) as { id: string }).id;
      };
      await post('Ja');
      const { result: id, sent } = await countingRoundTrips(() => post('hjälp'));
      console.log(`      round trips of a Direct Line message: ${sent.length} (${sent.map(short).join(' | ')})`);
      const touching = sent.filter((s) => s.includes('directline_activities'));
      expect(touching, 'the message and the replies are inserted in one statement, in the turn\'s COMMIT').to.have.length(1);
      expect(sent.filter((s) => /^\s*BEGIN\s*$/u.test(s)), 'no transaction of its own').to.have.length(0);
      if (db.kind === 'pglite') {
        // One process on one session: nothing to hear from other instances, so no cache (turn-cache.ts).
        expect(touching[0]).to.match(/^BEGIN; .*INSERT INTO directline_activities .*; COMMIT; SELECT pg_advisory_unlock\(/su);
        expect(sent, 'the shared rate limit, the conversation\'s lookup, lock and state, COMMIT and unlock').to.have.length(4);
      } else {
        // The turn before ("Ja") was this instance's: the turn starts from what it committed, and its
        // COMMIT takes the lock in its own transaction and checks the state's version and the watermark.
        expect(touching[0]).to.match(/^BEGIN; SELECT pg_advisory_xact_lock\(.*AND etag = .*INSERT INTO directline_activities .*; COMMIT$/su);
        expect(sent, 'the shared rate limit, the conversation\'s lookup, the turn').to.have.length(3);
      }

      const watermark = Number(id.split('|').at(-1));
      const res = await fetch(`${base}/activities?watermark=${watermark - 1}`, { headers });
      const page = (await res.json()) as { activities: Activity[]; watermark: string };
      expect(page.activities[0]!.id).to.equal(id);
      expect(page.activities[0]!.text).to.equal('hjälp');
      const replies = page.activities.slice(1);
      expect(replies.length).to.be.greaterThan(0);
      expect(replies.every((a) => a.replyToId === id && a.from.role === 'bot')).to.equal(true);
      expect(page.activities.map((a) => Number(a.id!.split('|').at(-1)))).to.deep.equal(page.activities.map((_, i) => watermark + i));
      expect(Number(page.watermark)).to.equal(watermark + replies.length);
      // The transcript holds the same message under the page's id.
      const reader = new pg.Client({ connectionString: db.url });
      await reader.connect();
      try {
        const { rows } = await reader.query<{ id: string }>("SELECT activity->>'id' AS id FROM transcript_activities WHERE conversation_id = $1 AND activity->>'text' = 'hjälp'", [token.conversationId]);
        expect(rows.map((r) => r.id)).to.deep.equal([id]);
      } finally {
        await reader.end();
      }
    });
  });

  describe('the turn (PgTurnLock with the Direct Line channel)', () => {
    let pool: pg.Pool;
    let lockPool: pg.Pool;
    let store: PgDirectLineStore;
    let lock: PgTurnLock;
    before(async () => {
      pool = createPool(db.url);
      lockPool = createPool(db.url, 5);
      await migrate(pool);
      store = new PgDirectLineStore(pool);
      lock = new PgTurnLock(lockPool, { directLineChannel: 'directline' });
    });
    after(async () => {
      await Promise.all([pool?.end(), lockPool?.end()]);
    });

    const contextOf = (conversationId: string): TurnContext =>
      ({ activity: { type: 'message', text: 'hjälp', channelId: 'directline', conversation: { id: conversationId } }, turnState: new Map() }) as unknown as TurnContext;
    const prepare = (conversationId: string) => (a: Partial<Activity>, watermark: number) => ({ ...a, id: `${conversationId}|${watermark}` });
    const conversation = async (id: string) => {
      await store.create({ id, userId: 'u1', createdAt: new Date().toISOString(), started: true });
      return id;
    };
    /** What the turn stores: the person's message, then two replies sent one at a time. */
    const say = (context: TurnContext, id: string) => {
      const log = turnActivityLog(context)!;
      const appended = [log.append(id, [{ type: 'message', text: 'hjälp' }], prepare(id))!];
      appended.push(log.append(id, [{ type: 'message', text: 'Hjälptexten' }], prepare(id))!, log.append(id, [{ type: 'message', text: 'Frågan igen' }], prepare(id))!);
      return appended;
    };

    it('gives the activities consecutive watermarks after the last one and keeps them once the turn has answered', async () => {
      const id = await conversation('dl-1');
      await store.append(id, [{ type: 'message', text: 'Hej' }], prepare(id));
      const context = contextOf(id);
      let appended: ReturnType<typeof say> = [];
      const { sent } = await countingRoundTrips(() => lock.onTurn(context, async () => void (appended = say(context, id))));
      expect(sent).to.have.length(2);
      expect(appended.flatMap((a) => a.stored.map((s) => s.id))).to.deep.equal([`${id}|2`, `${id}|3`, `${id}|4`]);
      await Promise.all(appended.map((a) => a.landed));
      const page = await store.after(id, 0);
      expect(page.activities.map((a) => a.text)).to.deep.equal(['Hej', 'hjälp', 'Hjälptexten', 'Frågan igen']);
      expect(page.watermark).to.equal(4);
    });

    it('keeps what a failed turn had appended (the person\'s message, what the page was told), as when each was stored at once, and frees the conversation', async () => {
      const id = await conversation('dl-2');
      const context = contextOf(id);
      let appended: ReturnType<typeof say> = [];
      const thrown = await lock
        .onTurn(context, async () => {
          appended = say(context, id);
          throw new Error('the turn itself failed');
        })
        .catch((err: Error) => err);
      expect((thrown as Error).message).to.equal('the turn itself failed');
      await Promise.all(appended.map((a) => a.landed));
      expect((await store.after(id, 0)).activities.map((a) => a.text)).to.deep.equal(['hjälp', 'Hjälptexten', 'Frågan igen']);
      // After the turn the log appends no more (the adapter then goes to the store).
      expect(turnActivityLog(context)!.append(id, [{ type: 'message' }], prepare(id))).to.equal(undefined);
      const next = contextOf(id);
      await lock.onTurn(next, async () => void turnActivityLog(next)!.append(id, [{ type: 'message', text: 'igen' }], prepare(id)));
      expect((await store.after(id, 3)).activities.map((a) => a.id)).to.deep.equal([`${id}|4`]);
    });

    it('fails a turn whose watermark moved meanwhile (an append outside the turn lock): nothing of it is kept, nothing is overwritten', async () => {
      const id = await conversation('dl-3');
      const context = contextOf(id);
      let appended: ReturnType<typeof say> = [];
      const thrown = await lock
        .onTurn(context, async () => {
          appended = say(context, id);
          await store.append(id, [{ type: 'message', text: 'från ett annat håll' }], prepare(id));
        })
        .catch((err: Error) => err);
      expect(thrown, 'the turn failed').to.be.instanceOf(Error);
      const landed = await Promise.allSettled(appended.map((a) => a.landed));
      expect(landed.every((r) => r.status === 'rejected')).to.equal(true);
      const page = await store.after(id, 0);
      expect(page.activities.map((a) => a.text)).to.deep.equal(['från ett annat håll']);
      expect(page.watermark).to.equal(1);
    });
  });
});
