/**
 * Runs `work` in one transaction on one pooled client: committed if it resolves, rolled back if it
 * throws. A client whose connection failed (or that could not roll back) is closed, never given back
 * to the pool in an unknown state; a lost connection is reported as what it is (see pool.ts).
 */
import type pg from 'pg';
import { explainPoolError } from './pool.js';

export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // Without a listener, a connection lost while the client is checked out would end the process.
  const onError = (err: Error) => void (broken ??= err);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (!broken) await client.query('ROLLBACK').catch((rollbackError: Error) => void (broken ??= rollbackError));
    throw explainPoolError(pool, err);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
