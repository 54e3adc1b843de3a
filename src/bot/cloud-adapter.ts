/**
 * botbuilder's CloudAdapter, with authentication and the turn as two steps. CloudAdapter.process
 * does both and answers every error it does not know with a 500 and the error's message (a forged
 * token with a known key id ends in jsonwebtoken's error, so a 500 for bad input) and prints each to
 * the console. Here the server authenticates first, answers a refused token 401 (503 when the Bot
 * Connector's signing keys cannot be fetched), applies its own rules knowing who is asking, and only
 * then runs the turn.
 */
import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';

export class AuthenticationRefused extends Error {
  constructor(
    readonly status: 401 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationRefused';
  }
}

export class IntakeCloudAdapter extends CloudAdapter {
  constructor(private readonly authentication: BotFrameworkAuthentication) {
    super(authentication);
  }

  /**
   * The activity's identity: verified from its Bot Connector token, or, with no app id configured,
   * the anonymous identity. Throws AuthenticationRefused.
   */
  async authenticate(activity: Partial<Activity>, authorization: string): Promise<AuthenticateRequestResult> {
    // An expired token is refused here: botframework-connector prints a stack trace for each one.
    if (await expiredLongAgo(authorization)) throw new AuthenticationRefused(401, 'The Bot Connector token has expired.');
    try {
      return await this.authentication.authenticateRequest(activity as Activity, authorization);
    } catch (err) {
      const status = (err as { statusCode?: unknown }).statusCode;
      // botframework-connector's AuthenticationError carries 500 when the OpenID metadata or the keys
      // could not be fetched: the token was never judged.
      if (typeof status === 'number' && status >= 500) throw new AuthenticationRefused(503, "The Bot Connector's signing keys could not be fetched to check the token; try again shortly.");
      throw new AuthenticationRefused(401, 'The Bot Connector token was refused.');
    }
  }

  /** Runs the turn of an activity `authenticate` accepted; resolves with its invoke response, if any. */
  run(authenticated: AuthenticateRequestResult, activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity as Activity, logic);
  }
}

/** botbuilder's tolerance for clock skew. */
const CLOCK_SKEW_SECONDS = 5 * 60;

/** jose, loaded with the first token (it is not needed to start). */
let jose: typeof import('jose') | undefined;

/** Whether the bearer token says it expired (its signature is not checked here: that is botbuilder's). */
async function expiredLongAgo(authorization: string): Promise<boolean> {
  const token = /^Bearer\s+(\S+)$/iu.exec(authorization)?.[1];
  if (!token) return false;
  jose ??= await import('jose');
  const { decodeJwt } = jose;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && exp + CLOCK_SKEW_SECONDS < Date.now() / 1000;
  } catch {
    return false;
  }
}
