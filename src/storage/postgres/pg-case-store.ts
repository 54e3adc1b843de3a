/**
 * Cases on PostgreSQL: the yearly counter, the idempotency key and the case are written in one
 * transaction, and the key is unique (table case_keys), so a confirm retried on another instance
 * returns the same case.
 */
import type pg from 'pg';
import type { CasePage, CaseQuery } from '../../core/case-query.js';
import { initialWork, upgradeCase } from '../../core/case-work.js';
import { formatReference, parseReference, type CaseRecord, type CaseStore, type NewCase, type WorkCounts } from '../../core/cases.js';
import { outcomeOf, type ImportOutcome } from './imports.js';
import { withTransaction } from './transaction.js';

export class PgCaseStore implements CaseStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(draft: NewCase): Promise<CaseRecord> {
    try {
      return await withTransaction(this.pool, async (client) => {
        const existing = await this.byKey(client, draft.idempotencyKey);
        if (existing) return existing;
        const year = new Date(draft.createdAt).getUTCFullYear();
        const counter = await client.query<{ last: number }>(
          `INSERT INTO case_counters (year, last) VALUES ($1, 1)
           ON CONFLICT (year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`,
          [year],
        );
        const record: CaseRecord = { ...draft, reference: formatReference(year, counter.rows[0]!.last), work: initialWork(draft) };
        await client.query('INSERT INTO case_keys (idempotency_key, reference) VALUES ($1, $2)', [draft.idempotencyKey, record.reference]);
        await client.query('INSERT INTO cases (reference, idempotency_key, created_at, record) VALUES ($1, $2, $3, $4)', [record.reference, draft.idempotencyKey, draft.createdAt, record]);
        return record;
      });
    } catch (err) {
      // Two instances confirming the same interview at once: the loser returns the winner's case.
      if ((err as { code?: string }).code === '23505') {
        const winner = await this.byKey(this.pool, draft.idempotencyKey);
        if (winner) return winner;
      }
      throw err;
    }
  }

  private async byKey(db: pg.Pool | pg.PoolClient, idempotencyKey: string): Promise<CaseRecord | undefined> {
    const { rows } = await db.query<{ record: CaseRecord }>(
      'SELECT c.record FROM case_keys k JOIN cases c ON c.reference = k.reference WHERE k.idempotency_key = $1',
      [idempotencyKey],
    );
    const found = rows[0]?.record;
    return found && upgradeCase(found);
  }

  /**
   * Gives cases written before issue 20 (one status for all organisations) their per-unit work, in
   * batches, each row locked while it is rewritten: several instances starting at once share the
   * rows between them. Resolves with how many were upgraded by this call.
   */
  async upgradeLegacy(batch = 500): Promise<number> {
    let upgraded = 0;
    for (;;) {
      const n = await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ reference: string; record: CaseRecord }>(
          `SELECT reference, record FROM cases WHERE NOT (record ? 'work') ORDER BY reference LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batch],
        );
        if (rows.length) {
          await client.query(
            `UPDATE cases c SET record = u.record FROM unnest($1::text[], $2::jsonb[]) AS u(reference, record) WHERE c.reference = u.reference`,
            [rows.map((r) => r.reference), rows.map((r) => JSON.stringify(upgradeCase(r.record)))],
          );
        }
        return rows.length;
      });
      upgraded += n;
      if (n < batch) return upgraded;
    }
  }

  /**
   * Stores cases as they are, references and all (moving a data folder into PostgreSQL), with their
   * idempotency keys, in one transaction; each year's counter is raised to at least its highest
   * number. A case already there under its reference is never changed: `same` when it equals the
   * one offered, else `different`. One outcome per case, in order.
   */
  import(given: CaseRecord[]): Promise<ImportOutcome[]> {
    if (!given.length) return Promise.resolve([]);
    // A data folder of an earlier release comes in as this release keeps cases.
    const records = given.map(upgradeCase);
    return withTransaction(this.pool, async (client) => {
      // The main query sees the table as it was before the insert: `c` is what was already there.
      const { rows } = await client.query<{ inserted: boolean; same: boolean | null }>(
        `WITH src AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[]) WITH ORDINALITY AS t(reference, idempotency_key, created_at, record, ord)
         ),
         ins AS (
           INSERT INTO cases (reference, idempotency_key, created_at, record) SELECT reference, idempotency_key, created_at, record FROM src
           ON CONFLICT (reference) DO NOTHING RETURNING reference
         )
         SELECT ins.reference IS NOT NULL AS inserted, c.record = src.record AS same
         FROM src LEFT JOIN ins ON ins.reference = src.reference LEFT JOIN cases c ON c.reference = src.reference ORDER BY src.ord`,
        [records.map((r) => r.reference), records.map((r) => r.idempotencyKey), records.map((r) => r.createdAt), records.map((r) => JSON.stringify(r))],
      );
      const outcomes = rows.map(outcomeOf);
      const inserted = records.filter((_, i) => outcomes[i] === 'inserted');
      if (inserted.length) {
        await client.query('INSERT INTO case_keys (idempotency_key, reference) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
          inserted.map((r) => r.idempotencyKey),
          inserted.map((r) => r.reference),
        ]);
        const highest = new Map<number, number>();
        for (const r of inserted) {
          const [year, number] = parseReference(r.reference);
          highest.set(year, Math.max(highest.get(year) ?? 0, number));
        }
        for (const [year, last] of highest) await this.raiseCounter(client, year, last);
      }
      return outcomes;
    });
  }

  /**
   * Raises a year's counter to at least `last` (moving a data folder in: numbers of cases removed
   * after their retention are never given out again). `same` when it already was that high.
   */
  async importCounter(year: number, last: number): Promise<ImportOutcome> {
    const before = await this.raiseCounter(this.pool, year, last);
    return before === undefined || before < last ? 'inserted' : 'same';
  }

  /** Raises the counter to at least `last`; resolves with what it was before (undefined: no row). */
  private async raiseCounter(db: pg.Pool | pg.PoolClient, year: number, last: number): Promise<number | undefined> {
    // The main query sees the row as it was before the upsert.
    const { rows } = await db.query<{ before: number | null }>(
      `WITH up AS (
         INSERT INTO case_counters (year, last) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET last = GREATEST(case_counters.last, EXCLUDED.last) RETURNING year
       )
       SELECT (SELECT last FROM case_counters WHERE year = $1) AS before FROM up`,
      [year, last],
    );
    return rows[0]?.before ?? undefined;
  }

  /** The idempotency key of each of these references that is stored (to tell a different case under the same reference). */
  async idempotencyKeys(references: string[]): Promise<Map<string, string>> {
    if (!references.length) return new Map();
    const { rows } = await this.pool.query<{ reference: string; idempotency_key: string }>('SELECT reference, idempotency_key FROM cases WHERE reference = ANY($1)', [references]);
    return new Map(rows.map((r) => [r.reference, r.idempotency_key]));
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM cases');
    return Number(rows[0]!.n);
  }

  /** Cases with a unit still urgent and new, created before `cutoff`, found by the database (migration 8's index). */
  async urgentNewBefore(cutoff: Date): Promise<CaseRecord[]> {
    const { rows } = await this.pool.query<{ record: CaseRecord }>(
      `SELECT record FROM cases WHERE created_at < $1 AND jsonb_path_exists(record, '$.work.* ? (@.status == "new" && @.urgent == true)') ORDER BY reference`,
      [cutoff],
    );
    return rows.map((r) => upgradeCase(r.record));
  }

  /** Per unit counts, over every case's work (one pass; for metrics, not for every page view). */
  async workCounts(today: string): Promise<WorkCounts[]> {
    const { rows } = await this.pool.query<{ unit: string; organisation_id: string; open: string; urgent_waiting: string; overdue: string }>(
      `SELECT w.key AS unit, min(w.value->>'organisationId') AS organisation_id,
              count(*) FILTER (WHERE w.value->>'status' <> 'closed') AS open,
              count(*) FILTER (WHERE w.value->>'status' = 'new' AND (w.value->>'urgent')::boolean) AS urgent_waiting,
              count(*) FILTER (WHERE w.value->>'status' <> 'closed' AND w.value->>'due' < $1) AS overdue
       FROM cases, jsonb_each(work) AS w GROUP BY w.key ORDER BY w.key`,
      [today],
    );
    return rows.map((r) => ({ unit: r.unit, organisationId: r.organisation_id, open: Number(r.open), urgentWaiting: Number(r.urgent_waiting), overdue: Number(r.overdue) }));
  }

  async get(reference: string): Promise<CaseRecord | undefined> {
    const { rows } = await this.pool.query<{ record: CaseRecord }>('SELECT record FROM cases WHERE reference = $1', [reference]);
    const found = rows[0]?.record;
    return found && upgradeCase(found);
  }

  async references(): Promise<string[]> {
    const { rows } = await this.pool.query<{ reference: string }>('SELECT reference FROM cases ORDER BY reference');
    return rows.map((r) => r.reference);
  }

  async list(): Promise<CaseRecord[]> {
    const { rows } = await this.pool.query<{ record: CaseRecord }>('SELECT record FROM cases ORDER BY reference');
    return rows.map((r) => upgradeCase(r.record));
  }

  /**
   * The cases of some units matching the filters, from the `units` column of migration 8 (its GIN
   * index finds the units' cases; their work is read from the `work` column of migration 9, and only the page's records are read whole). The work filters look at
   * the work of those units, all at the same unit, as findInRecords does. A Swedish calendar day is
   * turned into its instants in UTC, so the created_at index can serve it too.
   */
  async find(query: CaseQuery): Promise<CasePage> {
    // No unit sees no case (and the SQL below would name parameters it does not use).
    if (query.units.length === 0) return { cases: [], total: 0, urgentWaiting: 0, overdue: 0 };
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const units = `${param(query.units)}::text[]`;
    // Each unit's work is read from the `work` column (migration 9) by its key, one unit at a time:
    // no set-returning function per row, and the record itself is not decompressed.
    const unitParams = query.units.map((unit) => `${param(unit)}::text`);
    // Named only where a condition needs it: a parameter no SQL mentions has no type PostgreSQL can tell.
    let todayParam: string | undefined;
    const today = () => (todayParam ??= `${param(query.today)}::text`);
    /** Whether some one of the units has work meeting every condition (`w` stands for that unit's work). */
    const workHas = (conditions: string[]) =>
      `(${unitParams.map((u) => [`work ? ${u}`, ...conditions.map((c) => c.replaceAll('w.value', `(work->${u})`))].join(' AND ')).join(' OR ') || 'false'})`;
    const open = `w.value->>'status' <> 'closed'`;
    const work: string[] = [];
    if (query.status === 'open') work.push(open);
    else if (query.status) work.push(`w.value->>'status' = ${param(query.status)}`);
    if (query.urgent !== undefined) work.push(`(w.value->>'urgent')::boolean = ${param(query.urgent)}`);
    if (query.assignee) work.push(`w.value->'assignee'->>'id' = ${param(query.assignee)}`);
    if (query.overdue !== undefined) work.push(`(${open} AND w.value->>'due' < ${today()}) = ${param(query.overdue)}`);
    const where = [`units ?| ${units}`, workHas(work)];
    if (query.municipality) {
      const m = param(query.municipality);
      where.push(`(municipality_id = ${m} OR municipality_scb = ${m})`);
    }
    if (query.from) where.push(`created_at >= (${param(query.from)}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`);
    if (query.to) where.push(`created_at < ((${param(query.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')`);
    if (query.search) where.push(searchCondition(query.search, param));
    const filter = where.join(' AND ');
    // The earliest due date among the units' open work (LEAST skips the units with none).
    const earliestDue = `LEAST(${unitParams.map((u) => `CASE WHEN work->${u}->>'status' <> 'closed' THEN work->${u}->>'due' END`).join(', ') || 'NULL'})`;
    const order = query.sort === 'oldest' ? 'reference ASC' : query.sort === 'due' ? `${earliestDue} ASC NULLS LAST, reference ASC` : 'reference DESC';
    const pageParams = [...params];
    const limit = `$${pageParams.push(Math.max(1, query.limit))}`;
    // The counts may name today where the filter did not: they get the parameters as they are then.
    const counts = `SELECT count(*) FILTER (WHERE ${filter}) AS total,
        count(*) FILTER (WHERE ${workHas([`w.value->>'status' = 'new'`, `(w.value->>'urgent')::boolean`])}) AS waiting,
        count(*) FILTER (WHERE ${workHas([open, `w.value->>'due' < ${today()}`])}) AS overdue
      FROM cases WHERE units ?| ${units}`;
    const [page, totals] = await Promise.all([
      this.pool.query<{ record: CaseRecord }>(`SELECT record FROM cases WHERE ${filter} ORDER BY ${order} LIMIT ${limit}`, pageParams),
      this.pool.query<{ total: string; waiting: string; overdue: string }>(counts, params),
    ]);
    const row = totals.rows[0]!;
    return { cases: page.rows.map((r) => upgradeCase(r.record)), total: Number(row.total), urgentWaiting: Number(row.waiting), overdue: Number(row.overdue) };
  }

  update(reference: string, change: (record: CaseRecord) => CaseRecord): Promise<CaseRecord | undefined> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ record: CaseRecord }>('SELECT record FROM cases WHERE reference = $1 FOR UPDATE', [reference]);
      if (!rows[0]) return undefined;
      const updated = change(upgradeCase(rows[0].record));
      await client.query('UPDATE cases SET record = $2, updated_at = now() WHERE reference = $1', [reference, updated]);
      return updated;
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

/** LIKE's own characters taken literally. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/gu, (c) => `\\${c}`);
}

/**
 * The SQL of a search, the same matching as matchesSearch in src/core/case-query.ts: a personnummer
 * by its last ten digits, a phone number by phoneDigits' normal form, a name word by word.
 */
function searchCondition(search: NonNullable<CaseQuery['search']>, param: (value: unknown) => string): string {
  const answer = (id: string) => `coalesce(record->'answers'->'${id}'->>'text', '')`;
  switch (search.kind) {
    case 'reference':
      return `reference = ${param(search.value)}`;
    case 'personnummer':
      return `(${answer('personnummer')} <> '' AND right(regexp_replace(${answer('personnummer')}, '\\D', '', 'g'), 10) = ${param(search.value)})`;
    case 'phone':
      return `(SELECT CASE WHEN btrim(t) LIKE '+%' AND d LIKE '46%' THEN '0' || substr(d, 3) ELSE regexp_replace(d, '^0046', '0') END
               FROM (SELECT t, regexp_replace(t, '\\D', '', 'g') AS d FROM (SELECT ${answer('phone')} AS t) AS a) AS b WHERE t <> '') = ${param(search.value)}`;
    case 'name': {
      const names = `lower(${answer('person_name')} || ' ' || ${answer('contact_name')})`;
      return `(${search.value
        .split(' ')
        .map((word) => `${names} LIKE ${param(`%${likeEscaped(word)}%`)}`)
        .join(' AND ')})`;
    }
  }
}
