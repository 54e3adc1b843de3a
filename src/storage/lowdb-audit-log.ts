/**
 * The audit log on the embedded store: one file per entry (audit/000000001.json …). An entry file is
 * created exclusively (written to a temporary file, then hard-linked into place, which fails if the
 * name is taken), so the service and `npm run staff` can append at the same time without either
 * overwriting the other: the one that loses re-reads the head of the chain and appends after it.
 * Entries are never rewritten; the hash chain shows if one was.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Mutex } from 'async-mutex';
import { GENESIS_HASH, entryHash, type AuditEntry, type AuditEvent, type AuditLog } from '../core/audit.js';
import { RecordFolder } from './record-folder.js';

const seqKey = (seq: number) => String(seq).padStart(9, '0');

export class LowdbAuditLog implements AuditLog {
  private readonly folder: RecordFolder<AuditEntry>;
  private readonly appending = new Mutex();
  private head: { seq: number; hash: string } | undefined;

  constructor(dataDir: string) {
    this.folder = new RecordFolder(path.join(dataDir, 'audit'));
  }

  private async loadHead(): Promise<{ seq: number; hash: string }> {
    if (this.head) return this.head;
    const keys = (await this.folder.keys()).sort();
    const last = keys.at(-1);
    const entry = last ? await this.folder.read(last) : undefined;
    this.head = entry ? { seq: entry.seq, hash: entry.hash } : { seq: 0, hash: GENESIS_HASH };
    return this.head;
  }

  append(event: AuditEvent): Promise<AuditEntry> {
    return this.appending.runExclusive(async () => {
      await mkdir(this.folder.dir, { recursive: true });
      for (let attempt = 0; ; attempt++) {
        const head = await this.loadHead();
        const seq = head.seq + 1;
        const entry: AuditEntry = { ...event, seq, prevHash: head.hash, hash: entryHash(head.hash, seq, event) };
        const target = this.folder.pathOf(seqKey(seq));
        const temp = path.join(this.folder.dir, `.${seqKey(seq)}.${randomBytes(6).toString('hex')}.tmp`);
        await writeFile(temp, JSON.stringify({ key: seqKey(seq), value: entry }));
        try {
          await link(temp, target);
          this.head = { seq, hash: entry.hash };
          return entry;
        } catch (err) {
          // Another process appended this number first: read the chain's new head and try again.
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw err;
          this.head = undefined;
        } finally {
          await rm(temp, { force: true });
        }
      }
    });
  }

  async entries(): Promise<AuditEntry[]> {
    const keys = (await this.folder.keys()).sort();
    const entries = await this.folder.readMany(keys);
    return entries.filter((e): e is AuditEntry => e !== undefined);
  }
}
