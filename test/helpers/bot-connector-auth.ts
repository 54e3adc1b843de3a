/**
 * A loopback Bot Connector token service for tests: an OpenID metadata document and a JWKS on
 * 127.0.0.1 that botbuilder's own authentication is pointed at, and tokens signed like the Bot
 * Connector's (issuer https://api.botframework.com, the bot's app id as audience, the `serviceurl`
 * claim, expiry, and for Teams the tenant in `tid`). The service checks them exactly as it checks
 * real ones; nothing goes to the internet. Replies the bot sends carry a token from this helper too
 * (a credentials factory in place of MSAL), so a fake connector can tell them apart.
 *
 * How to use it (see test/teams.test.ts):
 *
 *   const botConnector = await BotConnectorAuth.start();            // an app id and a tenant of its own
 *   const config = loadConfig({ ...botConnector.env(), DATA_DIR: dir, LOG_LEVEL: 'silent' }, REPO_ROOT);
 *   const app = await createApp({ ...config, port: 0 }, logger, botConnector.appOptions());
 *   const { url } = await app.listen();
 *
 *   const activity = botConnector.teamsMessage({ objectId: ANNA, text: 'nya ärenden', serviceUrl: connector.url });
 *   const res = await botConnector.post(url, activity);           // with a valid token for activity.serviceUrl
 *   await botConnector.post(url, activity, { forge: 'stranger-key' });   // refused: 401
 *   await botConnector.post(url, activity, { token: false });            // no token at all: 401
 *
 *   await botConnector.stop();
 *
 * `forge` makes a token the service must refuse: 'stranger-key' (signed by a key it does not know),
 * 'expired', 'other-app' (another audience), 'other-issuer', 'other-serviceurl'. `tenantId` signs a
 * token of another tenant (`tid`); the activity's own tenant comes from `teamsMessage`'s `tenantId`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ServiceClientCredentialsFactory, type ServiceClientCredentials } from 'botframework-connector';
import type { AppOptions } from '../../src/app.js';

/** What the Bot Connector calls itself in the tokens it sends to bots. */
export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com';
/** The channels the keys are endorsed for (botbuilder refuses a token whose key does not endorse the activity's channel). */
const ENDORSEMENTS = ['msteams', 'emulator', 'directline', 'webchat', 'test', 'terminal'];

export type Forgery = 'stranger-key' | 'expired' | 'other-app' | 'other-issuer' | 'other-serviceurl';

export interface TokenOptions {
  /** A token the service must refuse; see the top of this file. */
  forge?: Forgery;
  /** `tid` of another tenant than the helper's. */
  tenantId?: string;
  /** false: send no Authorization header at all. */
  token?: boolean;
}

export interface TeamsMessageOptions {
  /** The Microsoft Entra object id of the sender (data/staff-teams.yaml lists the staff). */
  objectId: string;
  text?: string;
  /** Where the bot sends its replies (a FakeConnector's url). */
  serviceUrl: string;
  /** The tenant the activity says it is from; default the helper's. */
  tenantId?: string;
  /** Anything else of the activity (conversation, channelData, type, value, …). */
  extra?: Record<string, unknown>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } };
}

/** The bot's own credentials for its replies: a token from this helper instead of one from Microsoft Entra ID. */
class LoopbackCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(
    private readonly appId: string,
    private readonly botToken: () => Promise<string>,
  ) {
    super();
  }

  override async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  override async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  override async createCredentials(): Promise<ServiceClientCredentials> {
    const token = this.botToken;
    return {
      signRequest: async <T extends { headers: { set(name: string, value: string): void } }>(webResource: T): Promise<T> => {
        webResource.headers.set('authorization', `Bearer ${await token()}`);
        return webResource;
      },
    } as unknown as ServiceClientCredentials;
  }
}

export class BotConnectorAuth {
  /** Requests the service made for the metadata and the keys. */
  metadataRequests = 0;

  private constructor(
    private readonly server: http.Server,
    /** Base of the metadata URLs; a random path, so botbuilder's per-URL cache never mixes two helpers. */
    readonly base: string,
    private readonly key: SigningKey,
    private readonly stranger: SigningKey,
    readonly appId: string,
    readonly tenantId: string,
  ) {}

  /** Starts the metadata server on 127.0.0.1 with a new key, app id and tenant (or the given ones). */
  static async start(options: { appId?: string; tenantId?: string } = {}): Promise<BotConnectorAuth> {
    const [key, stranger] = await Promise.all([signingKey(), signingKey()]);
    let helper: BotConnectorAuth | undefined;
    const prefix = `/${randomBytes(6).toString('hex')}`;
    const server = http.createServer((req, res) => {
      helper!.metadataRequests += 1;
      const send = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === `${prefix}/v1/.well-known/openidconfiguration`) return send({ issuer: BOT_CONNECTOR_ISSUER, jwks_uri: `${helper!.base}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      if (req.url === `${prefix}/v1/keys`) return send({ keys: [{ ...key.jwk, endorsements: ENDORSEMENTS }] });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
    helper = new BotConnectorAuth(server, base, key, stranger, options.appId ?? randomUUID(), (options.tenantId ?? randomUUID()).toLowerCase());
    return helper;
  }

  /** The environment of a service that requires Bot Connector tokens for this app and takes Teams staff from this tenant. */
  env(): Record<string, string> {
    return { MicrosoftAppId: this.appId, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant', TEAMS_TENANT_ID: this.tenantId };
  }

  /** createApp's third argument: check tokens against this helper, sign replies with it. */
  appOptions(): AppOptions {
    return {
      botAuthentication: {
        settings: {
          ToBotFromChannelOpenIdMetadataUrl: `${this.base}/v1/.well-known/openidconfiguration`,
          ToBotFromEmulatorOpenIdMetadataUrl: `${this.base}/v1/.well-known/openidconfiguration`,
          ToBotFromChannelTokenIssuer: BOT_CONNECTOR_ISSUER,
          ToChannelFromBotLoginUrl: `${this.base}/login`,
          ToChannelFromBotOAuthScope: BOT_CONNECTOR_ISSUER,
          OAuthUrl: `${this.base}/oauth`,
          CallerId: 'urn:botframework:azure',
          ValidateAuthority: false,
        },
        credentialsFactory: new LoopbackCredentialsFactory(this.appId, () => this.botToken()),
      },
    };
  }

  /** A token as the Bot Connector sends with an activity whose replies go to `serviceUrl`. */
  async token(serviceUrl: string, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = options.forge === 'stranger-key' ? this.stranger : this.key;
    return new SignJWT({
      serviceurl: options.forge === 'other-serviceurl' ? 'https://smba.trafficmanager.net/other/' : serviceUrl,
      ...(options.tenantId || this.tenantId ? { tid: options.tenantId ?? this.tenantId } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.forge === 'other-issuer' ? 'https://sts.example.invalid/' : BOT_CONNECTOR_ISSUER)
      .setAudience(options.forge === 'other-app' ? randomUUID() : this.appId)
      .setIssuedAt(now - 60)
      .setNotBefore(now - 60)
      // botbuilder allows five minutes of clock skew: an hour ago is expired for sure.
      .setExpirationTime(options.forge === 'expired' ? now - 3600 : now + 3600)
      .sign(key.privateKey);
  }

  /** The token the bot sends with its replies (what a fake connector sees in Authorization). */
  botToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ appid: this.appId, ver: '1.0' })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(`https://login.microsoftonline.com/${this.tenantId}/v2.0`)
      .setAudience(BOT_CONNECTOR_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(this.key.privateKey);
  }

  /** Headers of a POST to /api/messages carrying `activity`, with a token for its serviceUrl (unless `token: false`). */
  async headers(activity: { serviceUrl?: unknown }, options: TokenOptions = {}): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token !== false) headers['authorization'] = `Bearer ${await this.token(String(activity.serviceUrl ?? ''), options)}`;
    return headers;
  }

  /** POSTs the activity to `${url}/api/messages` as the Bot Connector would. */
  async post(url: string, activity: Record<string, unknown>, options: TokenOptions = {}): Promise<Response> {
    return fetch(`${url}/api/messages`, { method: 'POST', headers: await this.headers(activity, options), body: JSON.stringify(activity) });
  }

  /** A Teams message from a member of staff's personal chat with the bot (override any part with `extra`). */
  teamsMessage(options: TeamsMessageOptions): Record<string, unknown> {
    const tenantId = options.tenantId ?? this.tenantId;
    return {
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: options.serviceUrl,
      conversation: { id: `a:personal-${options.objectId}`, conversationType: 'personal', tenantId },
      from: { id: `29:${options.objectId}`, aadObjectId: options.objectId, name: 'Testperson' },
      recipient: { id: `28:${this.appId}`, name: 'Intag' },
      channelData: { tenant: { id: tenantId } },
      locale: 'sv-SE',
      ...(options.text !== undefined ? { text: options.text } : {}),
      ...options.extra,
    };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
