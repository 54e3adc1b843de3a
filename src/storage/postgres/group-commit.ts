/**
 * Group commit for turns that start from the turn cache (issue 22): while a COMMIT of this instance
 * is on its way to PostgreSQL, the turns that end meanwhile wait and then go together, in one
 * transaction and one round trip, instead of one transaction each. PostgreSQL parses, locks, writes
 * its log and flushes it to disk once for all of them, and the server writes to its socket once: at
 * 16 conversations a batch carries three to six turns, and both processes spend less per turn.
 *
 * The guarantees are the single COMMIT's: every turn in a batch is committed (on disk) before it is
 * answered, or the turn is retried alone. A batch takes each conversation's lock with
 * `pg_try_advisory_xact_lock` (never waiting, so two instances' batches cannot deadlock); a lock held
 * elsewhere, a state whose version moved or a Direct Line watermark that moved aborts the whole
 * batch, and then every turn of it commits alone, exactly as without batching (waiting for the lock,
 * failing only if it is itself stale). A batch is sent on the connection of its first turn (the
 * others take one from the lock pool only if they are retried alone); if that connection fails, the
 * batch's other turns are retried alone on theirs.
 */
import type pg from 'pg';

/** One turn's COMMIT, as two strings of statements. */
export interface TurnCommit {
  /**
   * The turn's connection, taken when first asked for (held by the turn until this resolves): a
   * batch asks only its first turn's, the others' are taken only if they commit alone.
   */
  connection(): Promise<pg.ClientBase>;
  /** Alone: `BEGIN; pg_advisory_xact_lock(…); …; COMMIT`, as the turn would send it without batching. */
  alone: string[];
  /** Its part in a batch: the statements between BEGIN and COMMIT, the lock taken without waiting. */
  inBatch: string[];
  /** Sends one string of statements on a connection, bounded in time (the turn's `ask`). */
  send(client: pg.ClientBase, sql: string): Promise<pg.QueryResult[]>;
}

interface Waiting extends TurnCommit {
  resolve(results: pg.QueryResult[]): void;
  reject(err: Error): void;
}

/** What a batch's lock statement fails with when another session holds a conversation's lock. */
export const LOCK_HELD = 'turn lock held elsewhere';

/** A statement that takes a conversation's lock for the transaction, or fails it at once if another session holds it. */
export function tryLockStatement(lockId: string): string {
  // The cast applies to the CASE as a whole: a constant ELSE branch cast on its own would be
  // evaluated (and fail) when the statement is planned, whatever the lock says.
  return `SELECT (CASE WHEN pg_try_advisory_xact_lock(${lockId}) THEN '1' ELSE '${LOCK_HELD}' END)::int AS locked`;
}

export class GroupCommit {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Turns committed in batches of two or more, and the batches (for the benchmark and the tests). */
  readonly stats = { batches: 0, batchedTurns: 0, alone: 0, retriedAlone: 0 };

  /**
   * @param maxInFlight COMMITs of this instance under way at once before the next turns wait to go
   * together (1 or 2: more in flight means smaller batches and more work per turn).
   */
  constructor(private readonly maxInFlight = 2) {}

  /**
   * Commits one turn, alone or with others; resolves with the answers to its own statements as if it
   * had been sent alone (BEGIN's first, COMMIT's last), or rejects as its own COMMIT would.
   */
  commit(turn: TurnCommit): Promise<pg.QueryResult[]> {
    return new Promise<pg.QueryResult[]>((resolve, reject) => {
      this.waiting.push({ ...turn, resolve, reject });
      // Turns that end in the same tick go together even when nothing is in flight.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting;
      this.waiting = [];
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      this.stats.alone++;
      await this.alone(batch[0]!);
      return;
    }
    const sql = ['BEGIN', ...batch.flatMap((t) => t.inBatch), 'COMMIT'].join('; ');
    let results: pg.QueryResult[];
    let client: pg.ClientBase | undefined;
    try {
      client = await batch[0]!.connection();
      results = await batch[0]!.send(client, sql);
    } catch {
      // Nothing of the batch was kept (or its connection is gone, or could not be had: its first
      // turn fails when it is tried alone on it); each turn commits alone now, as it would have
      // without batching. The failed statement left the first turn's session in an aborted
      // transaction: rolled back first.
      if (client) await batch[0]!.send(client, 'ROLLBACK').catch(() => undefined);
      this.stats.retriedAlone += batch.length;
      await Promise.all(batch.map((t) => this.alone(t)));
      return;
    }
    this.stats.batches++;
    this.stats.batchedTurns += batch.length;
    const begin = results[0]!;
    const commit = results[results.length - 1]!;
    let at = 1;
    for (const turn of batch) {
      turn.resolve([begin, ...results.slice(at, at + turn.inBatch.length), commit]);
      at += turn.inBatch.length;
    }
  }

  private async alone(turn: Waiting): Promise<void> {
    try {
      turn.resolve(await turn.send(await turn.connection(), turn.alone.join('; ')));
    } catch (err) {
      turn.reject(err as Error);
    }
  }
}
