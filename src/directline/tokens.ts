/**
 * Direct Line tokens for our own endpoint: signed JWTs (HS256, via jose) that name exactly one
 * conversation and one user, and expire. A browser never sees a secret, only such a token.
 */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

const ISSUER = 'narvard-intake/directline';

export interface TokenClaims {
  conversationId: string;
  userId: string;
}

/** Why a token was refused; every reason is a 403 for the client, the reason goes to the log. */
export class TokenError extends Error {
  override name = 'TokenError';
}

export class TokenIssuer {
  /** A KeyObject made once: given bytes, jose imports the key again on every sign and verify. */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    /** Lifetime of a token, in seconds. */
    readonly lifetimeSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** A token for this conversation and user, valid for `lifetimeSeconds`. */
  async issue(claims: TokenClaims): Promise<string> {
    return new SignJWT({ conv: claims.conversationId, user: claims.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.lifetimeSeconds)
      .sign(this.key);
  }

  /** The claims of a valid token; throws TokenError when it is malformed, forged or expired. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (typeof payload['conv'] !== 'string' || typeof payload['user'] !== 'string') throw new TokenError('token without conversation or user');
      return { conversationId: payload['conv'], userId: payload['user'] };
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenError('token expired');
      throw new TokenError('token not valid');
    }
  }
}

/**
 * A signing secret: the configured one, or one generated on first start and kept in `file` under the
 * data folder (readable by the service only), so tokens and sessions survive a restart on a single
 * instance. Several instances must share a configured secret instead.
 */
export async function persistentSecret(configured: string | undefined, file: string): Promise<string> {
  if (configured) return configured;
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  await writeFile(file, generated, { mode: 0o600, flag: 'w' });
  await chmod(file, 0o600);
  return generated;
}

/** The Direct Line token secret (DIRECTLINE_TOKEN_SECRET, or DATA_DIR/directline/token-secret). */
export function tokenSecret(configured: string | undefined, dataDir: string): Promise<string> {
  return persistentSecret(configured, path.join(dataDir, 'directline', 'token-secret'));
}
