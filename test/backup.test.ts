/**
 * `npm run backup` and `npm run restore` as an operator uses them: a backup taken while the service
 * runs and residents write, in the middle of an interview; restored into an empty folder; a service
 * started on it; the interview finished there, with what was answered before the backup in the case.
 * A damaged backup is refused before anything is written, and so is a folder that is not empty.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIRM_AND_SHARE, SELF_ANSWERS } from './helpers/answers.js';
import { removeDir, tempDir } from './helpers/harness.js';
import { runScript } from './helpers/scripts.js';
import { freePort, startService, type ServiceProcess } from './helpers/service-process.js';
import { backupContents } from '../src/storage/backup.js';

/** A resident on /api/messages with replies in the response. */
function resident(url: () => string, conversationId = `backup-${randomUUID()}`) {
  return {
    conversationId,
    async send(activity: Record<string, unknown>): Promise<string> {
      const res = await fetch(`${url()}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: 'emulator', serviceUrl: url(), conversation: { id: conversationId }, from: { id: 'resident' }, recipient: { id: 'bot' }, locale: 'sv-SE', deliveryMode: 'expectReplies', id: randomUUID(), ...activity }),
      });
      if (res.status !== 200) throw new Error(`the service answered ${res.status}: ${await res.text()}`);
      return JSON.stringify(((await res.json()) as { activities?: unknown[] }).activities ?? []);
    },
    say(text: string): Promise<string> {
      return this.send({ type: 'message', text });
    },
  };
}

describe('backup and restore of the data folder', function () {
  this.timeout(180_000);
  let dir: string;
  const services: ServiceProcess[] = [];

  beforeEach(async () => {
    dir = await tempDir('intake-backup-');
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.kill();
    await removeDir(dir);
  });

  it('backs up a running service in the middle of an interview; the interview is finished on the restored copy', async () => {
    const dataDir = path.join(dir, 'data');
    const live = await startService({ port: await freePort(), env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    services.push(live);
    const anna = resident(() => live.url);
    await anna.send({ type: 'conversationUpdate', membersAdded: [{ id: 'resident' }] });
    const half = 12;
    for (const text of SELF_ANSWERS.slice(0, half)) await anna.say(text);

    // Another resident keeps writing while the backup is taken.
    let writing = true;
    const other = resident(() => live.url);
    const busy = (async () => {
      await other.send({ type: 'conversationUpdate', membersAdded: [{ id: 'resident' }] });
      for (let i = 0; writing && i < 400; i++) await other.say(i % 2 ? 'tillbaka' : SELF_ANSWERS[i % 4]!);
    })();
    const backupFile = path.join(dir, 'backups', 'during-interview.zip');
    const backup = await runScript('scripts/backup.ts', ['--to', backupFile], { DATA_DIR: dataDir });
    writing = false;
    await busy;
    expect(backup.code, backup.stderr).to.equal(0);
    expect(backup.stdout).to.match(/^Backup written and read back: .*during-interview\.zip \(\d+ files, [\d.]+ MB of data; every file's sha256 checked\)\.\n$/u);
    expect(backup.stderr).to.include(`Backing up ${dataDir}`);
    // The live service's lock is not in the backup, nor are temp files.
    const contents = await backupContents(backupFile);
    expect([...contents.keys()].some((p) => p.startsWith('.') || p.includes('/.'))).to.equal(false);
    expect([...contents.keys()].some((p) => p.startsWith('state/'))).to.equal(true);

    // Restored into an empty folder while the first service still runs, and a second started on it.
    const restored = path.join(dir, 'restored');
    const restore = await runScript('scripts/restore.ts', [backupFile], { DATA_DIR: restored });
    expect(restore.code, restore.stderr).to.equal(0);
    expect(restore.stdout).to.include(`into ${restored}. Start the service with DATA_DIR=${restored}.`);
    await live.kill();
    const second = await startService({ port: await freePort(), env: { DATA_DIR: restored, LOG_LEVEL: 'warn' } });
    services.push(second);

    // The same conversation goes on at the question after the last answer before the backup.
    const again = resident(() => second.url, anna.conversationId);
    let last = '';
    for (const text of [...SELF_ANSWERS.slice(half), ...CONFIRM_AND_SHARE]) last = await again.say(text);
    const reference = /NV-\d{4}-\d{6}/u.exec(last)?.[0];
    expect(reference, `the interview ended in a case: ${last.slice(0, 300)}`).to.be.a('string');
    const record = JSON.parse(await readFile(path.join(restored, 'cases', `${reference}.json`), 'utf8')) as { value: { answers: Record<string, { text?: string }> } };
    const texts = Object.values(record.value.answers).map((a) => a.text);
    expect(texts, 'an answer given before the backup').to.include(SELF_ANSWERS[3]);
    expect(texts, 'an answer given after the restore').to.include('Testa Testsson');
  });

  it('refuses a damaged backup before writing anything, naming what is wrong', async () => {
    const dataDir = path.join(dir, 'data');
    const live = await startService({ port: await freePort(), env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    services.push(live);
    const bo = resident(() => live.url);
    await bo.send({ type: 'conversationUpdate', membersAdded: [{ id: 'resident' }] });
    for (const text of SELF_ANSWERS.slice(0, 5)) await bo.say(text);
    const file = path.join(dir, 'b.zip');
    expect((await runScript('scripts/backup.ts', ['--to', file], { DATA_DIR: dataDir })).code).to.equal(0);

    // One byte changed in the middle of the archive.
    const bytes = await readFile(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    await writeFile(file, bytes);
    const target = path.join(dir, 'restored');
    const restore = await runScript('scripts/restore.ts', [file], { DATA_DIR: target });
    expect(restore.code).to.equal(1);
    expect(restore.stderr).to.match(/^Restore failed: .*(damaged|not valid JSON|invalid|bad)/imu);
    console.log(`      (${restore.stderr.trim().split('\n').pop()})`);
    expect(existsSync(target), 'nothing written').to.equal(false);
    expect((await readdir(dir)).filter((n) => n.includes('restoring')), 'no temp folder left').to.deep.equal([]);
  });

  it('restores only into an empty folder (never over a data folder, nor one a service holds)', async () => {
    const dataDir = path.join(dir, 'data');
    const live = await startService({ port: await freePort(), env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    services.push(live);
    const file = path.join(dir, 'b.zip');
    expect((await runScript('scripts/backup.ts', ['--to', file], { DATA_DIR: dataDir })).code).to.equal(0);
    const restore = await runScript('scripts/restore.ts', [file, '--to', dataDir]);
    expect(restore.code).to.equal(1);
    expect(restore.stderr.trim().split('\n').pop()).to.equal(`Restore failed: ${dataDir} is not empty: restore into an empty folder (or a new DATA_DIR), then point the service at it.`);
  });

  it('says that a PostgreSQL service is backed up with pg_dump', async () => {
    const run = await runScript('scripts/backup.ts', [], { DATABASE_URL: 'postgresql://intake@127.0.0.1:5432/intake' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('Back that up with pg_dump');
  });
});
