/**
 * Replies to the Bot Connector sent without the Azure HTTP pipeline (src/bot/lean-replies.ts): they
 * must arrive exactly as the stock connector client sends them (path, token, body), survive a
 * connector that is briefly unavailable, and fail with a message that says what the connector
 * answered.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ConnectorClient, MicrosoftAppCredentials } from 'botframework-connector';
import { connectorDispatcher, withLeanReplies } from '../src/bot/lean-replies.js';
import { FakeConnector } from './helpers/fake-connector.js';

/** App credentials with a fixed token, as if Entra ID had issued it (tests never reach the internet). */
class TestCredentials extends MicrosoftAppCredentials {
  constructor() {
    super('00000000-0000-0000-0000-0000000000aa', 'not-a-real-secret');
  }
  override async getToken(): Promise<string> {
    return 'token-for-tests';
  }
}

const TEAMS_CONVERSATION = '19:abc@thread.tacv2;messageid=1700000000000';

function reply(text: string): Record<string, unknown> {
  return {
    type: 'message',
    text,
    locale: 'sv-SE',
    timestamp: new Date('2026-11-24T08:00:00Z'),
    from: { id: 'bot', name: 'Vårdguiden Värmland' },
    recipient: { id: 'resident-1', name: 'Testperson' },
    conversation: { id: TEAMS_CONVERSATION },
    replyToId: 'act-1',
    suggestedActions: { actions: [{ type: 'imBack', title: 'Ja', value: 'Ja' }], to: [] },
    channelData: { kept: { as: 'is' } },
  };
}


/** The variables that choose a proxy, in both spellings. */
const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];

describe('replies to the Bot Connector (lean sends)', function () {
  this.timeout(15_000);
  const connector = new FakeConnector();
  // No proxy from this machine's environment: the connector is on 127.0.0.1.
  const dispatcher = connectorDispatcher({ httpProxy: '', httpsProxy: '', noProxy: '' });

  before(() => connector.start());
  after(async () => {
    await dispatcher.close();
    await connector.stop();
  });
  beforeEach(() => {
    connector.calls.length = 0;
    connector.statuses = [];
  });

  // A Teams service URL carries a path before v3/ (…/emea/); the conversation id needs encoding.
  const client = () => new ConnectorClient(new TestCredentials(), { baseUri: `${connector.url}emea/` });

  it('posts a reply and a new message exactly as the stock connector client does, with the bot token', async () => {
    const stock = client();
    const lean = withLeanReplies(client(), dispatcher);

    const stockReply = await stock.conversations.replyToActivity(TEAMS_CONVERSATION, 'act-1', reply('Hej'));
    const leanReply = await lean.conversations.replyToActivity(TEAMS_CONVERSATION, 'act-1', reply('Hej'));
    await stock.conversations.sendToConversation(TEAMS_CONVERSATION, reply('Tack'));
    await lean.conversations.sendToConversation(TEAMS_CONVERSATION, reply('Tack'));

    expect(stockReply.id).to.match(/^reply-/);
    expect(leanReply.id).to.match(/^reply-/);
    const [stockCall, leanCall, stockSend, leanSend] = connector.calls;
    expect(leanCall!.path).to.equal('/emea/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1700000000000/activities/act-1');
    expect(leanCall!.path).to.equal(stockCall!.path);
    expect(leanSend!.path).to.equal(stockSend!.path);
    expect(leanCall!.authorization).to.equal('Bearer token-for-tests');
    expect(leanCall!.authorization).to.equal(stockCall!.authorization);
    expect(leanCall!.body).to.deep.equal(stockCall!.body);
    expect(leanSend!.body).to.deep.equal(stockSend!.body);
    expect(leanCall!.body['timestamp']).to.equal('2026-11-24T08:00:00.000Z');
  });

  it('keeps every other operation of the stock client', async () => {
    const lean = withLeanReplies(client(), dispatcher);
    await lean.conversations.updateActivity(TEAMS_CONVERSATION, 'reply-1', reply('Ändrad') as never);
    expect(connector.calls[0]!.method).to.equal('PUT');
    expect(connector.calls[0]!.path).to.match(/\/activities\/reply-1$/);
    expect(connector.calls[0]!.authorization).to.equal('Bearer token-for-tests');
  });

  it('sends a reply again when the connector is briefly unavailable (503), so nothing is lost', async () => {
    connector.statuses = [503];
    const lean = withLeanReplies(client(), dispatcher);
    const answer = await lean.conversations.replyToActivity(TEAMS_CONVERSATION, 'act-1', reply('Hej igen'));
    expect(answer.id).to.match(/^reply-/);
    expect(connector.texts()).to.deep.equal(['Hej igen', 'Hej igen']);
  });

  it('goes through the proxy HTTPS_PROXY/HTTP_PROXY names, as the stock client does', async () => {
    // A loopback forward proxy that tunnels (CONNECT) and notes where each tunnel went.
    const tunnels: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    // As the service makes it: no settings, the environment says (read when the dispatcher is made).
    const saved = Object.fromEntries(PROXY_VARIABLES.map((v) => [v, process.env[v]]));
    for (const v of PROXY_VARIABLES) delete process.env[v];
    process.env['HTTP_PROXY'] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const proxied = connectorDispatcher();
    for (const v of PROXY_VARIABLES) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
    try {
      const lean = withLeanReplies(client(), proxied);
      await lean.conversations.replyToActivity(TEAMS_CONVERSATION, 'act-1', reply('Via proxy'));
      expect(connector.texts()).to.deep.equal(['Via proxy']);
      expect(tunnels).to.deep.equal([new URL(connector.url).host]);
    } finally {
      await proxied.close();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('fails with what the connector answered when it refuses a reply (403), without retrying', async () => {
    connector.statuses = [403];
    const lean = withLeanReplies(client(), dispatcher);
    let failure: unknown;
    try {
      await lean.conversations.replyToActivity(TEAMS_CONVERSATION, 'act-1', reply('Hej'));
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.contain('403').and.to.contain('status 403 for the test');
    expect((failure as { statusCode?: number }).statusCode).to.equal(403);
    expect(connector.calls).to.have.length(1);
  });
});
