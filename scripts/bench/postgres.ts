/**
 * Databases for the benchmark's PostgreSQL scenarios (postgres, pg-cases-<n>), on the server the
 * admin URL names (the machine's own by default, as the tests use it): a fresh one per scenario,
 * dropped afterwards, and for the case counts a seeded database kept between runs
 * (narvard_bench_seed_<n>), which each run's fresh database is copied from (CREATE DATABASE …
 * TEMPLATE): importing 100,000 cases takes minutes, copying them seconds.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type BenchDatabase = { url: string; name: string; drop(): Promise<void> } | { unavailable: string };

/** Databases this process created and has neither dropped nor kept: dropped by dropLeftovers(). */
const created = new Map<string, string>();

function shown(adminUrl: string): string {
  const where = new URL(adminUrl);
  return `${where.hostname}:${where.port || '5432'}`;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  created.delete(name);
}

/** Why the server at `adminUrl` cannot be used, or undefined when it can. */
export async function unavailable(adminUrl: string): Promise<string | undefined> {
  try {
    await withAdmin(adminUrl, (c) => c.query('SELECT 1'));
    return undefined;
  } catch (err) {
    return `no PostgreSQL server to use at ${shown(adminUrl)} (${(err as Error).message}); give one with --database-url`;
  }
}

/**
 * Creates `narvard_bench_<random>` through `adminUrl`, empty or as a copy of `template` (file by
 * file, then a checkpoint: PostgreSQL 15's default copies through the WAL, which for a large
 * template leaves the measurement a checkpoint to pay for); says why not when the server cannot be
 * reached.
 */
export async function benchDatabase(adminUrl: string, template?: string): Promise<BenchDatabase> {
  const name = `narvard_bench_${randomBytes(6).toString('hex')}`;
  try {
    await withAdmin(adminUrl, async (c) => {
      let strategy = '';
      if (template) {
        const { rows } = await c.query<{ v: string }>('SHOW server_version_num');
        if (Number(rows[0]!.v) >= 150000) strategy = ' STRATEGY FILE_COPY';
      }
      await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}${strategy}` : ''}`);
      created.set(name, adminUrl);
    });
  } catch (err) {
    if (template) throw err;
    return { unavailable: `no PostgreSQL server to use at ${shown(adminUrl)} (${(err as Error).message}); give one with --database-url` };
  }
  return { url: databaseUrl(adminUrl, name), name, drop: () => dropDatabase(adminUrl, name) };
}

/** The database kept with `count` seeded cases. */
export function seedDatabaseName(count: number): string {
  return `narvard_bench_seed_${count}`;
}

/** What was stored with the kept database `name` (its comment, JSON), or undefined: no such database, or no description. */
export async function keptDatabase<T>(adminUrl: string, name: string): Promise<T | undefined> {
  const { rows } = await withAdmin(adminUrl, (c) => c.query<{ info: string | null }>("SELECT shobj_description(oid, 'pg_database') AS info FROM pg_database WHERE datname = $1", [name]));
  try {
    return rows[0]?.info ? (JSON.parse(rows[0].info) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates a new database, has `fill` fill it, stores what `fill` resolves with as its comment and
 * keeps it as `name` (replacing an older one). Under another name until complete, so that an
 * interrupted fill never leaves a `name` that looks usable.
 */
export async function keepDatabase<T>(adminUrl: string, name: string, fill: (url: string) => Promise<T>): Promise<T> {
  const building = `${name}_new_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${building}`));
  created.set(building, adminUrl);
  try {
    const info = await fill(databaseUrl(adminUrl, building));
    await withAdmin(adminUrl, async (c) => {
      await c.query(`COMMENT ON DATABASE ${building} IS ${c.escapeLiteral(JSON.stringify(info))}`);
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      // Waits (up to 5 s) for the fill's connections to be gone.
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    });
    created.delete(building);
    return info;
  } catch (err) {
    await dropDatabase(adminUrl, building).catch(() => undefined);
    throw err;
  }
}

/** Drops the databases this process created and has not dropped or kept yet (interrupted). */
export async function dropLeftovers(): Promise<void> {
  await Promise.all([...created].map(([name, adminUrl]) => dropDatabase(adminUrl, name).catch(() => undefined)));
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (100 on Linux everywhere in practice). */
const TICKS_PER_SECOND = 100;

/**
 * CPU used so far (ms) by each PostgreSQL backend connected to the database `name`, by process id:
 * the server processes that answer the service under test (PostgreSQL shares the machine's cores,
 * so a turn's cost is the service's CPU and theirs). Read from /proc, so only for a server on this
 * machine; undefined when it cannot be read (another host, another OS).
 */
export async function backendCpuMs(adminUrl: string, name: string): Promise<Map<number, number> | undefined> {
  const { rows } = await withAdmin(adminUrl, (c) => c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]));
  const { readFile } = await import('node:fs/promises');
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which is in parentheses and may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
    } catch {
      // Gone since, or not on this machine.
    }
  }
  return rows.length && !cpu.size ? undefined : cpu;
}

/** The CPU (ms) the backends used between two readings of backendCpuMs (a backend new since counts from 0). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}
