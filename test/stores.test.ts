/**
 * The embedded (lowdb) stores as an operator sees them: one readable file per record, numbering that
 * never repeats, corrupt files reported and left alone, transcripts in order and erasable.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { TestAdapter, TurnContext, type Activity, type ConversationAccount } from 'botbuilder';
import { JsonTrackedConversationState } from '../src/bot/conversation-state.js';
import type { NewCase } from '../src/core/cases.js';
import { LowdbCaseStore } from '../src/storage/lowdb-case-store.js';
import { EmbeddedBotStorage } from '../src/bot/storage/embedded-bot-storage.js';
import { JsonlTranscriptStore } from '../src/bot/storage/jsonl-transcript-store.js';
import { EmbeddedDirectLineStore } from '../src/directline/embedded-store.js';
import { RecordFolder } from '../src/storage/record-folder.js';
import { AppendFiles } from '../src/storage/append-files.js';
import { openLowdbStores } from '../src/storage/stores.js';
import { verifyDataFolder } from '../src/storage/data-folder.js';
import { ConcurrencyError, CorruptDataError } from '../src/storage/errors.js';
import { removeDir, tempDir } from './helpers/harness.js';

function draft(key: string, createdAt = '2026-11-22T10:00:00.000Z'): NewCase {
  return {
    idempotencyKey: key,
    createdAt,
    locale: 'sv',
    urgent: false,
    riskCategories: [],
    respondent: 'self',
    municipality: { id: 'karlstad', name: 'Karlstads kommun', scbCode: '1780' },
    topics: ['elderly_care'],
    sipSuggested: false,
    recipients: [],
    answers: { what_matters: { kind: 'text', text: 'Att bo kvar hemma.' } },
    summary: { title: 'Sammanfattning', topics: '', recipients: '', sections: [] },
    summaryText: 'Sammanfattning',
    conversation: { channelId: 'test', conversationId: key },
  };
}

function activity(conversationId: string, n: number, extra: Partial<Activity> = {}): Activity {
  return {
    type: 'message',
    id: `a${n}`,
    channelId: 'webchat',
    conversation: { id: conversationId },
    from: { id: 'resident', role: 'user' },
    recipient: { id: 'bot' },
    text: `meddelande ${n}`,
    timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, n)),
    ...extra,
  } as Activity;
}

describe('embedded storage (lowdb, one file per record)', () => {
  let dir: string;
  beforeEach(async () => (dir = await tempDir()));
  afterEach(async () => removeDir(dir));

  describe('cases', () => {
    it('numbers 50 concurrent cases NV-<year>-000001..000050, each in its own readable file', async () => {
      const store = new LowdbCaseStore(dir);
      const records = await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(draft(`k${i}`))));
      const refs = records.map((r) => r.reference).sort();
      expect(refs).to.deep.equal(Array.from({ length: 50 }, (_, i) => `NV-2026-${String(i + 1).padStart(6, '0')}`));
      const files = (await readdir(path.join(dir, 'cases'))).sort();
      expect(files).to.have.length(50);
      const first = JSON.parse(await readFile(path.join(dir, 'cases', 'NV-2026-000001.json'), 'utf8'));
      expect(first.value.reference).to.equal('NV-2026-000001');
      // No recipients in these drafts: no unit has a part yet (cases with recipients: test/pg-stores.test.ts).
      expect(first.value.work).to.deep.equal({});
    });

    it('continues the numbering after a restart and starts again at 1 in a new year', async () => {
      await new LowdbCaseStore(dir).create(draft('a'));
      const again = new LowdbCaseStore(dir);
      expect((await again.create(draft('b'))).reference).to.equal('NV-2026-000002');
      expect((await again.create(draft('c', '2027-01-02T08:00:00.000Z'))).reference).to.equal('NV-2027-000001');
      expect(await again.references()).to.deep.equal(['NV-2026-000001', 'NV-2026-000002', 'NV-2027-000001']);
    });

    it('returns the same case when a confirm is retried with the same key', async () => {
      const store = new LowdbCaseStore(dir);
      const [a, b] = await Promise.all([store.create(draft('same')), store.create(draft('same'))]);
      expect(a.reference).to.equal(b.reference);
      expect(await store.references()).to.have.length(1);
    });

    it('reports a corrupt case file by name and leaves its bytes unchanged', async () => {
      const store = new LowdbCaseStore(dir);
      await store.create(draft('x'));
      const file = path.join(dir, 'cases', 'NV-2026-000001.json');
      await writeFile(file, '{"not json');
      let error: unknown;
      try {
        await store.get('NV-2026-000001');
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(CorruptDataError);
      expect((error as Error).message).to.include('NV-2026-000001.json');
      expect(await readFile(file, 'utf8')).to.equal('{"not json');
    });

    it('ping fails when the data folder cannot be written', async () => {
      const blocked = path.join(dir, 'blocked');
      await writeFile(blocked, 'a file where a folder should be');
      let failed = false;
      await new LowdbCaseStore(blocked).ping().catch(() => (failed = true));
      expect(failed).to.equal(true);
    });
  });

  describe('the start-up check', () => {
    it('passes on good files and stops on the first corrupt one, naming it', async () => {
      await mkdir(path.join(dir, 'state'), { recursive: true });
      await writeFile(path.join(dir, 'state', 'ok.json'), '{"key":"a","value":{}}');
      expect(await verifyDataFolder(dir)).to.deep.equal({ files: 1 });
      await writeFile(path.join(dir, 'state', 'bad.json'), '{"key":');
      let error: Error | undefined;
      await verifyDataFolder(dir).catch((err: Error) => (error = err));
      expect(error).to.be.instanceOf(CorruptDataError);
      expect(error!.message).to.match(/state[/\\]bad\.json is not valid JSON/u);
      expect(await readFile(path.join(dir, 'state', 'bad.json'), 'utf8')).to.equal('{"key":');
    });

    it('reports progress on large folders', async () => {
      await mkdir(path.join(dir, 'cases'), { recursive: true });
      await Promise.all(Array.from({ length: 2100 }, (_, i) => writeFile(path.join(dir, 'cases', `${i}.json`), '{}')));
      const progress: number[] = [];
      await verifyDataFolder(dir, (checked) => progress.push(checked));
      expect(progress).to.deep.equal([1000, 2000]);
    });
  });

  describe('bot state (botbuilder Storage)', () => {
    it('keeps state per key across instances, with real eTags', async () => {
      const storage = new EmbeddedBotStorage(dir);
      await storage.write({ 'webchat/conversations/c1': { answers: 1, eTag: '*' } });
      const read = await new EmbeddedBotStorage(dir).read(['webchat/conversations/c1', 'missing']);
      expect(Object.keys(read)).to.deep.equal(['webchat/conversations/c1']);
      const item = read['webchat/conversations/c1'];
      expect(item.answers).to.equal(1);
      expect(item.eTag).to.be.a('string').and.not.equal('*');
      await storage.write({ 'webchat/conversations/c1': { answers: 2, eTag: item.eTag } });
      let stale: unknown;
      await storage.write({ 'webchat/conversations/c1': { answers: 3, eTag: item.eTag } }).catch((err) => (stale = err));
      expect(stale).to.be.instanceOf(ConcurrencyError);
      expect((await storage.read(['webchat/conversations/c1']))['webchat/conversations/c1'].answers).to.equal(2);
      await storage.delete(['webchat/conversations/c1']);
      expect(await storage.read(['webchat/conversations/c1'])).to.deep.equal({});
    });

    it('stores long Teams-style keys in a safe file name', async () => {
      const key = `msteams/conversations/a:1${'x'.repeat(300)}@thread.tacv2;messageid=1`;
      const storage = new EmbeddedBotStorage(dir);
      await storage.write({ [key]: { ok: true } });
      expect((await storage.read([key]))[key].ok).to.equal(true);
      const [file] = await readdir(path.join(dir, 'state'));
      expect(file).to.match(/^[0-9a-f]{64}\.jsonl$/u);
    });

    it('appends each save, keeps the file short, and reads the latest state after a restart', async () => {
      const key = 'webchat/conversations/c-many';
      const storage = new EmbeddedBotStorage(dir);
      for (let i = 1; i <= 100; i++) {
        const { [key]: current } = await storage.read([key]);
        await storage.write({ [key]: { turn: i, eTag: current?.eTag ?? '*' } });
      }
      const [file] = await readdir(path.join(dir, 'state'));
      const lines = (await readFile(path.join(dir, 'state', file!), 'utf8')).split('\n').filter(Boolean);
      expect(lines.length).to.be.within(1, 32);
      expect(JSON.parse(lines.at(-1)!).value.turn).to.equal(100);
      expect((await new EmbeddedBotStorage(dir).read([key]))[key].turn).to.equal(100);
    });

    it('after a save cut short by a crash, reads the state before it and appends cleanly after it', async () => {
      const key = 'webchat/conversations/c-torn';
      await new EmbeddedBotStorage(dir).write({ [key]: { answer: 'Att bo kvar hemma.' } });
      const file = path.join(dir, 'state', (await readdir(path.join(dir, 'state')))[0]!);
      await writeFile(file, `${await readFile(file, 'utf8')}{"key":"${key}","value":{"answer":"Att`);
      const restarted = new EmbeddedBotStorage(dir);
      const item = (await restarted.read([key]))[key];
      expect(item.answer).to.equal('Att bo kvar hemma.');
      await restarted.write({ [key]: { answer: 'Trädgården.', eTag: item.eTag } });
      expect(await verifyDataFolder(dir)).to.deep.equal({ files: 1 });
      expect((await new EmbeddedBotStorage(dir).read([key]))[key].answer).to.equal('Trädgården.');
    });

    it('reads state of earlier releases (one .json per key) and moves it on the first save', async () => {
      await mkdir(path.join(dir, 'state'), { recursive: true });
      const key = 'webchat/conversations/c-old';
      await writeFile(path.join(dir, 'state', 'webchat%2Fconversations%2Fc-old.json'), JSON.stringify({ key, value: { answer: 'Katten.', eTag: 'old' } }));
      const storage = new EmbeddedBotStorage(dir);
      expect(await storage.keys()).to.deep.equal([key]);
      expect((await storage.read([key]))[key]).to.deep.equal({ answer: 'Katten.', eTag: 'old' });
      await storage.write({ [key]: { answer: 'Katten och trädgården.', eTag: 'old' } });
      expect(await readdir(path.join(dir, 'state'))).to.deep.equal(['webchat%2Fconversations%2Fc-old.jsonl']);
      expect((await new EmbeddedBotStorage(dir).read([key]))[key].answer).to.equal('Katten och trädgården.');
    });

    it('forgets in memory what the retention sweep removed from disk', async () => {
      const stores = openLowdbStores({ dataDir: dir });
      const key = 'webchat/conversations/c-expired';
      await stores.botState.write({ [key]: { answer: 'Att bo kvar hemma.' } });
      const old = new Date(Date.now() - 100 * 24 * 60 * 60 * 1000);
      for (const name of await readdir(path.join(dir, 'state'))) await utimes(path.join(dir, 'state', name), old, old);
      expect((await stores.sweepExpired(90)).removed).to.equal(1);
      expect(await stores.botState.read([key])).to.deep.equal({});
      // The file it kept open for appending was let go of: the next save lands in a new file.
      await stores.botState.write({ [key]: { answer: 'Att komma ut.' } });
      await stores.close();
      expect((await new EmbeddedBotStorage(dir).read([key]))[key].answer).to.equal('Att komma ut.');
    });

    it('applies 20 concurrent read-modify-writes of one record without losing one', async () => {
      const folder = new RecordFolder<{ n: number }>(path.join(dir, 'counter'));
      await Promise.all(Array.from({ length: 20 }, () => folder.update('c', (v) => ({ n: (v?.n ?? 0) + 1 }))));
      expect(await folder.read('c')).to.deep.equal({ n: 20 });
    });

    it('conversation state: a turn that changed the state appends it, one that changed nothing writes nothing', async () => {
      const state = new JsonTrackedConversationState(new EmbeddedBotStorage(dir));
      const answers = state.createProperty<{ answers: Record<string, string[]> }>('dialogState');
      const adapter = new TestAdapter();
      const turn = async (work: (context: TurnContext) => Promise<void>, end: 'save' | 'delete' = 'save') => {
        const context = new TurnContext(adapter, { type: 'message', channelId: 'test', conversation: { id: 'c-state' } as ConversationAccount, from: { id: 'u', name: 'u' }, recipient: { id: 'bot', name: 'bot' } });
        await work(context);
        if (end === 'save') await state.saveChanges(context);
        else await state.delete(context);
      };
      const stateFile = async () => {
        const names = await readdir(path.join(dir, 'state')).catch(() => []);
        return names.length === 0 ? [] : (await readFile(path.join(dir, 'state', names[0]!), 'utf8')).trim().split('\n');
      };
      await turn(async (c) => void (await answers.get(c, { answers: { boende: ['Eget hus'] } })));
      expect(await stateFile()).to.have.length(1);
      // Read and nothing changed: no line.
      await turn(async (c) => void (await answers.get(c)));
      expect(await stateFile()).to.have.length(1);
      // A change deep inside the state (an answer pushed in place) is a change.
      await turn(async (c) => void (await answers.get(c))!.answers.boende!.push('Trappor'));
      const lines = await stateFile();
      expect(lines).to.have.length(2);
      expect(lines[1]).to.contain('Trappor');
      // Cleared, the empty state is saved: the next turn starts afresh.
      await turn(async (c) => state.clear(c));
      expect(await stateFile()).to.have.length(3);
      await turn(async (c) => {
        expect(await answers.get(c)).to.equal(undefined);
      });
      await turn(async (c) => void (await answers.get(c, { answers: {} })), 'delete');
      expect(await stateFile()).to.deep.equal([]);
    });
  });

  describe('transcripts (botbuilder TranscriptStore)', () => {
    it('keeps activities in order when the logger does not await, and pages them 20 at a time', async () => {
      const store = new JsonlTranscriptStore(dir);
      for (let i = 0; i < 45; i++) void store.logActivity(activity('c1', i));
      await store.flush();
      const p1 = await store.getTranscriptActivities('webchat', 'c1');
      const p2 = await store.getTranscriptActivities('webchat', 'c1', p1.continuationToken);
      const p3 = await store.getTranscriptActivities('webchat', 'c1', p2.continuationToken);
      expect([p1.items.length, p2.items.length, p3.items.length]).to.deep.equal([20, 20, 5]);
      expect(p3.continuationToken).to.equal(undefined);
      expect([...p1.items, ...p2.items, ...p3.items].map((a) => a.text)).to.deep.equal(Array.from({ length: 45 }, (_, i) => `meddelande ${i}`));
      expect(p1.items[0]!.timestamp).to.be.instanceOf(Date);
      const since = await store.getTranscriptActivities('webchat', 'c1', undefined, new Date(Date.UTC(2026, 10, 22, 10, 0, 40)));
      expect(since.items.map((a) => a.id)).to.deep.equal(['a40', 'a41', 'a42', 'a43', 'a44']);
    });

    it('stores proactive activities without `from`, lists and deletes transcripts', async () => {
      const store = new JsonlTranscriptStore(dir);
      await store.logActivity(activity('c1', 1, { from: undefined as unknown as Activity['from'], timestamp: undefined as unknown as Date }));
      await store.logActivity(activity('c2', 2));
      const list = await store.listTranscripts('webchat');
      expect(list.items.map((t) => t.id)).to.deep.equal(['c1', 'c2']);
      const [stored] = (await store.getTranscriptActivities('webchat', 'c1')).items;
      expect(stored!.timestamp).to.be.instanceOf(Date);
      // A delete issued right after unawaited logging runs after it: nothing is left behind.
      for (let i = 0; i < 5; i++) void store.logActivity(activity('c2', 10 + i));
      await store.deleteTranscript('webchat', 'c2');
      await store.flush();
      expect((await store.getTranscriptActivities('webchat', 'c2')).items).to.deep.equal([]);
      expect((await store.listTranscripts('webchat')).items.map((t) => t.id)).to.deep.equal(['c1']);
    });

    it('appends one line per activity, reads transcripts of earlier releases, and survives an append cut short by a crash', async () => {
      // A transcript as an earlier release wrote it: one JSON file per conversation.
      const folder = path.join(dir, 'transcripts', 'webchat');
      await mkdir(folder, { recursive: true });
      const legacy = { channelId: 'webchat', conversationId: 'old', created: '2026-11-01T09:00:00.000Z', activities: [JSON.parse(JSON.stringify(activity('old', 1)))] };
      await writeFile(path.join(folder, 'old.json'), JSON.stringify({ key: 'old', value: legacy }));
      const store = new JsonlTranscriptStore(dir);
      await store.logActivity(activity('old', 2));
      await store.logActivity(activity('new', 3));
      expect((await store.getTranscriptActivities('webchat', 'old')).items.map((a) => a.text)).to.deep.equal(['meddelande 1', 'meddelande 2']);
      expect((await readFile(path.join(folder, 'new.jsonl'), 'utf8')).trim().split('\n')).to.have.length(1);
      // The process died in the middle of an append: half a line at the end.
      await writeFile(path.join(folder, 'new.jsonl'), '{"conversationId":"new","chan', { flag: 'a' });
      expect((await store.getTranscriptActivities('webchat', 'new')).items.map((a) => a.text), 'the torn line is skipped').to.deep.equal(['meddelande 3']);
      await verifyDataFolder(dir);
      const restarted = new JsonlTranscriptStore(dir);
      await restarted.logActivity(activity('new', 4));
      expect((await restarted.getTranscriptActivities('webchat', 'new')).items.map((a) => a.text), 'the next append does not run into it').to.deep.equal(['meddelande 3', 'meddelande 4']);
      expect((await restarted.listTranscripts('webchat')).items.map((t) => t.id)).to.deep.equal(['old', 'new']);
      // A damaged line in the middle is not a torn append: start-up stops and names the file.
      await writeFile(path.join(folder, 'new.jsonl'), 'not json\n', { flag: 'a' });
      await writeFile(path.join(folder, 'new.jsonl'), `${JSON.stringify({ conversationId: 'new', channelId: 'webchat', at: '2026-11-22T10:00:00.000Z', activity: activity('new', 5) })}\n`, { flag: 'a' });
      let message = '';
      await verifyDataFolder(dir).catch((err: Error) => (message = err.message));
      expect(message).to.include('new.jsonl').and.include('line 3');
    });

    it('fails loudly: a failed write rejects and reaches the error handler', async () => {
      const root = path.join(dir, 'not-a-folder');
      await writeFile(root, 'x');
      const errors: string[] = [];
      const store = new JsonlTranscriptStore(root, (_err, info) => errors.push(`${info.channelId}:${info.operation}`));
      let rejected = false;
      await store.logActivity(activity('c1', 1)).catch(() => (rejected = true));
      expect(rejected).to.equal(true);
      expect(errors).to.deep.equal(['webchat:logActivity']);
      expect(existsSync(path.join(root, 'transcripts'))).to.equal(false);
    });
  });

  describe('appending to kept-open files', () => {
    it('never appends to a file it removed or replaced, not even an append under way, and keeps few files open', async () => {
      const openDescriptors = async () => (await readdir('/proc/self/fd')).length;
      const before = await openDescriptors();
      const appends = new AppendFiles(2);
      const file = path.join(dir, 'logs', 'a.jsonl');
      await appends.append(file, '{"n":1}\n');
      await appends.remove(file);
      expect(existsSync(file)).to.equal(false);
      await appends.append(file, '{"n":2}\n');
      expect(await readFile(file, 'utf8')).to.equal('{"n":2}\n');
      await appends.replace(file, '{"n":0}\n');
      await appends.append(file, '{"n":3}\n');
      expect(await readFile(file, 'utf8')).to.equal('{"n":0}\n{"n":3}\n');

      // Removed while its first append is still opening it (on the thread pool): the line lands in
      // a file that is there, not in the removed one.
      const late = path.join(dir, 'logs', 'late.jsonl');
      const appending = appends.append(late, '{"n":4}\n');
      await appends.remove(late);
      await appending;
      expect(await readFile(late, 'utf8')).to.equal('{"n":4}\n');

      for (const name of ['b', 'c', 'd']) await appends.append(path.join(dir, 'logs', `${name}.jsonl`), '{}\n');
      expect(appends.openCount).to.equal(2);
      expect(await openDescriptors()).to.equal(before + 2);
      appends.close();
      expect(appends.openCount).to.equal(0);
      expect(await openDescriptors()).to.equal(before);
      let refused: unknown;
      await appends.append(file, '{"n":5}\n').catch((err: unknown) => (refused = err));
      expect(String(refused)).to.contain('closed');
    });
  });

  describe('web chat conversations (embedded Direct Line store)', () => {
    const prepare = (id: string) => (a: Partial<Activity>, w: number) => ({ ...a, id: `${id}|${w}` });

    it('appends with consecutive watermarks, answers polls from memory or from the file, and continues after a restart', async () => {
      const store = new EmbeddedDirectLineStore(dir);
      await store.create({ id: 'dl-1', userId: 'u', createdAt: '2026-11-23T09:00:00.000Z', started: false });
      for (let i = 1; i <= 60; i++) await store.append('dl-1', [{ type: 'message', text: `m${i}` }], prepare('dl-1'));
      // Older than what is kept in memory: read from the file, in order.
      const old = await store.after('dl-1', 5);
      expect(old.watermark).to.equal(60);
      expect(old.activities.map((a) => a.text)).to.deep.equal(Array.from({ length: 55 }, (_, i) => `m${i + 6}`));
      expect((await store.after('dl-1', 58)).activities.map((a) => a.text)).to.deep.equal(['m59', 'm60']);
      expect(await store.after('dl-1', 60)).to.deep.equal({ activities: [], watermark: 60 });
      expect(await store.markStarted('dl-1')).to.equal(true);
      expect(await store.markStarted('dl-1')).to.equal(false);
      const restarted = new EmbeddedDirectLineStore(dir);
      expect((await restarted.get('dl-1'))?.started).to.equal(true);
      const [next] = await restarted.append('dl-1', [{ type: 'message', text: 'm61' }], prepare('dl-1'));
      expect(next!.id).to.equal('dl-1|61');
      expect((await restarted.after('dl-1', undefined)).activities).to.have.length(61);
    });

    it('after an append cut short by a crash, reads what was whole and appends cleanly after it', async () => {
      await new EmbeddedDirectLineStore(dir).create({ id: 'dl-torn', userId: 'u', createdAt: '2026-11-23T09:00:00.000Z', started: false });
      const first = new EmbeddedDirectLineStore(dir);
      await first.append('dl-torn', [{ type: 'message', text: 'm1' }], prepare('dl-torn'));
      const [file] = await readdir(path.join(dir, 'directline', 'activities'));
      await writeFile(path.join(dir, 'directline', 'activities', file!), '{"watermark":2,"activity":{"te', { flag: 'a' });
      const restarted = new EmbeddedDirectLineStore(dir);
      expect((await restarted.after('dl-torn', 0)).activities.map((a) => a.text)).to.deep.equal(['m1']);
      await restarted.append('dl-torn', [{ type: 'message', text: 'm2' }], prepare('dl-torn'));
      expect(await verifyDataFolder(dir)).to.deep.equal({ files: 2 });
      const page = await new EmbeddedDirectLineStore(dir).after('dl-torn', 0);
      expect(page.activities.map((a) => a.text)).to.deep.equal(['m1', 'm2']);
      expect(page.watermark).to.equal(2);
    });

    it('forgets activities before a watermark for good, keeps counting after it, and reads conversations of earlier releases', async () => {
      const store = new EmbeddedDirectLineStore(dir);
      await store.create({ id: 'dl-2', userId: 'u', createdAt: '2026-11-23T09:00:00.000Z', started: true });
      await store.append('dl-2', [{ text: 'a' }, { text: 'b' }, { text: 'c' }], prepare('dl-2'));
      await store.forgetBefore('dl-2', 3);
      expect((await store.after('dl-2', undefined)).activities.map((a) => a.text)).to.deep.equal(['c']);
      await store.forgetBefore('dl-2', Number.MAX_SAFE_INTEGER);
      const restarted = new EmbeddedDirectLineStore(dir);
      expect(await restarted.after('dl-2', undefined)).to.deep.equal({ activities: [], watermark: 3 });
      const [d] = await restarted.append('dl-2', [{ text: 'd' }], prepare('dl-2'));
      expect(d!.id, 'watermarks are never given twice').to.equal('dl-2|4');
      // The earlier layout: the activities inside the conversation's file.
      const conversations = path.join(dir, 'directline', 'conversations');
      await mkdir(conversations, { recursive: true });
      const conversation = { id: 'dl-old', userId: 'u', createdAt: '2026-11-01T09:00:00.000Z', started: true };
      await writeFile(path.join(conversations, 'dl-old.json'), JSON.stringify({ key: 'dl-old', value: { conversation, last: 2, activities: [{ watermark: 1, activity: { text: 'x' } }, { watermark: 2, activity: { text: 'y' } }] } }));
      const again = new EmbeddedDirectLineStore(dir);
      expect((await again.after('dl-old', undefined)).activities.map((a) => a.text)).to.deep.equal(['x', 'y']);
      await again.append('dl-old', [{ text: 'z' }], prepare('dl-old'));
      expect((await new EmbeddedDirectLineStore(dir).after('dl-old', 1)).activities.map((a) => [a.id ?? '', a.text])).to.deep.equal([['', 'y'], ['dl-old|3', 'z']]);
    });
  });
});
