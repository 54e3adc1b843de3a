/**
 * The `.env` file: read at start-up by `npm start`, `npm run chat` and the other commands, so that
 * configuration can live in a file next to the code (copy `.env.example` to `.env`). Variables already
 * set in the environment win over the file, so `PORT=4000 npm start` still does what it says.
 *
 * Node's own `process.loadEnvFile` (Node 20.12 and later) reads it: no dependency, the same parser as
 * `node --env-file`, and it understands what `.env.example` uses (comments, quotes, empty values).
 * `ENV_FILE` names another file; `ENV_FILE=` (empty) reads none, as the tests do.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Thrown when the named env file cannot be read or parsed; its message is the one line to print. */
export class EnvFileError extends Error {
  override name = 'EnvFileError';
}

/**
 * Reads the env file into `process.env` (only variables not set already); returns the path read, or
 * undefined when there was none. A missing `.env` is normal; a missing file named by ENV_FILE is not.
 */
export function loadEnvFile(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env['ENV_FILE'];
  if (named === '') return undefined;
  const file = path.resolve(cwd, named ?? '.env');
  if (!existsSync(file)) {
    if (named !== undefined) throw new EnvFileError(`Configuration error: ENV_FILE names ${file}, which does not exist. Create it (see .env.example) or unset ENV_FILE.`);
    return undefined;
  }
  try {
    process.loadEnvFile(file);
  } catch (err) {
    throw new EnvFileError(`Configuration error: ${file} cannot be read (${(err as Error).message}). Fix it, or rename it to start without it.`);
  }
  return file;
}

/** For the commands (npm run staff, db:move, …): reads the env file, or prints its one-line error and exits with 1. */
export function loadEnvFileOrExit(): string | undefined {
  try {
    return loadEnvFile();
  } catch (err) {
    if (!(err instanceof EnvFileError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
