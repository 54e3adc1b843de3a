/**
 * Bot Framework authentication that reuses connector clients. CloudAdapter asks for a new
 * ConnectorClient (each with its own Azure HTTP pipeline and credentials object) and a new
 * UserTokenClient on every turn; building them was about a tenth of a turn's CPU time in the
 * benchmark. Here a connector client is made once per app, service URL and audience and then reused
 * (the credentials cache their token themselves), and the user-token client is made only when a
 * turn actually uses it (this bot never signs anyone in). Replies go out through `lean-replies.ts`.
 */
import type { LookupFunction } from 'node:net';
import { ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Dispatcher } from 'undici';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/** Service URLs are a handful per channel; the bound only guards against a flood of odd ones. */
const MAX_CLIENTS = 200;

export class ReusingBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();
  /**
   * Keep-alive connections to the Bot Connector for the turns' replies, shared by every client: made
   * with the first connector client (undici is loaded then, not at start-up).
   */
  private dispatcher: Promise<Dispatcher> | undefined;
  private readonly lookup: LookupFunction | undefined;

  /**
   * `settings`: the app id, password, type and tenant, and (sovereign clouds, tests) where tokens are
   * checked; `credentials`: how the bot gets its own tokens (default: from the app password);
   * `lookup`: the DNS lookup for the replies' connections (src/bot/service-urls.ts).
   */
  constructor(settings: ConfigurationBotFrameworkAuthenticationOptions, credentials?: ServiceClientCredentialsFactory, lookup?: LookupFunction) {
    super(settings, credentials);
    this.lookup = lookup;
  }

  private async lean<T extends object>(stock: T): Promise<T> {
    const { connectorDispatcher, withLeanReplies } = await import('./lean-replies.js');
    this.dispatcher ??= Promise.resolve(connectorDispatcher({}, this.lookup));
    return withLeanReplies(stock, await this.dispatcher);
  }

  private reusing(factory: ConnectorFactory, claims: ClaimsIdentity): ConnectorFactory {
    const app = `${claims.getClaimValue('aud') ?? ''}|${claims.getClaimValue('appid') ?? claims.getClaimValue('azp') ?? ''}`;
    return {
      create: (serviceUrl: string, audience?: string) => {
        const key = `${app}|${serviceUrl}|${audience ?? ''}`;
        let client = this.clients.get(key);
        if (!client) {
          if (this.clients.size >= MAX_CLIENTS) this.clients.clear();
          client = factory.create(serviceUrl, audience).then((stock) => this.lean(stock));
          // A failed creation is not kept: the next turn tries again.
          client.catch(() => this.clients.delete(key));
          this.clients.set(key, client);
        }
        return client;
      },
    } as ConnectorFactory;
  }

  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>) {
    const result = await super.authenticateRequest(...args);
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) } : result;
  }

  override createConnectorFactory(claims: ClaimsIdentity): ConnectorFactory {
    return this.reusing(super.createConnectorFactory(claims), claims);
  }

  /** Closes the kept-alive connections (when the service stops). */
  async close(): Promise<void> {
    await (await this.dispatcher)?.close();
  }

  override async createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient> {
    let real: Promise<UserTokenClient> | undefined;
    const client = () => (real ??= super.createUserTokenClient(claims));
    return {
      getUserToken: async (...a) => (await client()).getUserToken(...a),
      getSignInResource: async (...a) => (await client()).getSignInResource(...a),
      signOutUser: async (...a) => (await client()).signOutUser(...a),
      getTokenStatus: async (...a) => (await client()).getTokenStatus(...a),
      getAadTokens: async (...a) => (await client()).getAadTokens(...a),
      exchangeToken: async (...a) => (await client()).exchangeToken(...a),
    } as UserTokenClient;
  }
}
