/**
 * The load: virtual residents, each in its own conversation, each sending its next message only
 * when the previous one was answered (one request in flight per conversation, as a person types).
 * autocannon keeps one keep-alive connection per resident and measures every request; a resident
 * is bound to its connection through autocannon's documented per-client API (setupClient,
 * client.setRequests, the client's "response" event).
 */
import autocannon, { type Client, type Request, type Result } from 'autocannon';

/** One conversation of a resident: how to send it a message. */
export interface Conversation {
  request(text: string, turn: number): Request;
}

/** Opens a conversation and brings it to the point the load measures (not measured). */
export type Opener = (index: number) => Promise<Conversation>;

export interface LoadResult {
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A resident writes the same message again and again in one conversation; after
 * `turnsPerConversation` messages (0: never) it goes on in a fresh conversation from its queue,
 * as the next person would.
 */
export class Resident {
  private queue: Conversation[] = [];
  private current: Conversation | undefined;
  private turnsHere = 0;
  private turn = 0;
  used = 0;
  /** A rotation found the queue empty and the resident stayed in its conversation. */
  starved = 0;

  constructor(
    /** Said in turn, starting again in every conversation (["hjälp"], or an answer and "tillbaka"). */
    readonly messages: string[],
    private readonly turnsPerConversation: number,
  ) {}

  add(conversations: Conversation[]): void {
    this.queue.push(...conversations);
    if (!this.current) this.rotate();
  }

  get waiting(): number {
    return this.queue.length;
  }

  private rotate(): void {
    const next = this.queue.shift();
    if (!next) {
      this.starved += 1;
      return;
    }
    this.current = next;
    this.turnsHere = 0;
    this.used += 1;
  }

  /** The next request, after the previous one was answered. */
  next(): Request {
    if (this.turnsPerConversation > 0 && this.turnsHere >= this.turnsPerConversation) this.rotate();
    const text = this.messages[this.turnsHere % this.messages.length]!;
    this.turnsHere += 1;
    this.turn += 1;
    return this.current!.request(text, this.turn);
  }
}

/** Runs the residents against `url` for `seconds`; `onTick` sees the turns so far once a second. */
export function runLoad(url: string, residents: Resident[], seconds: number, onTick?: (turns: number, elapsed: number) => void): Promise<LoadResult> {
  let assigned = 0;
  let turns = 0;
  // autocannon's own histogram keeps whole milliseconds; its per-response time (request written to
  // response complete, in fractional ms) is kept here for finer percentiles.
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const ticker = setInterval(() => onTick?.(turns, (Date.now() - started) / 1000), 1000);
    autocannon(
      {
        url,
        connections: residents.length,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        setupClient(client: Client) {
          const resident = residents[assigned++ % residents.length]!;
          client.setRequests([resident.next()]);
          client.on('response', (status, _bytes, responseTime) => {
            if (status >= 200 && status < 300) {
              turns += 1;
              latencies.push(responseTime);
            }
            client.setRequests([resident.next()]);
          });
        },
      },
      (err, result: Result) => {
        clearInterval(ticker);
        if (err) return reject(err);
        const ok = result['2xx'];
        const sorted = latencies.sort((a, b) => a - b);
        resolve({
          turns: ok,
          seconds: result.duration,
          turnsPerSecond: ok / result.duration,
          p50: round2(percentile(sorted, 50)),
          p90: round2(percentile(sorted, 90)),
          p99: round2(percentile(sorted, 99)),
          max: round2(sorted[sorted.length - 1] ?? 0),
          mean: round2(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
  });
}

/** Runs `open` for indexes from..to-1, `parallel` at a time. */
export async function openConversations(open: Opener, from: number, to: number, parallel = 16): Promise<Conversation[]> {
  const out: Conversation[] = new Array(to - from);
  let next = from;
  await Promise.all(
    Array.from({ length: Math.min(parallel, to - from) }, async () => {
      while (next < to) {
        const i = next++;
        out[i - from] = await open(i);
      }
    }),
  );
  return out;
}

// ---- the two channels -------------------------------------------------------------------------

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The messages that bring a new intake to the first free-text question. */
export const INTAKE_OPENING = ['Ja', 'För mig själv', 'Karlstad'];

/** Conversations over POST /api/messages, replies posted to the fake Bot Connector at `serviceUrl`. */
export function botFrameworkOpener(base: string, serviceUrl: string, opening: string[], run: string): Opener {
  return async (index) => {
    const conversation = { id: `bench-${run}-${index}`, isGroup: false, conversationType: 'personal' };
    const user = { id: `resident-${run}-${index}`, name: 'Invånare', role: 'user' };
    const bot = { id: 'bot', name: 'Bot', role: 'bot' };
    const activity = (extra: Record<string, unknown>, n: string) => ({
      channelId: 'webchat',
      serviceUrl,
      conversation,
      from: user,
      recipient: bot,
      locale: 'sv-SE',
      id: `${conversation.id}-${n}`,
      timestamp: new Date().toISOString(),
      ...extra,
    });
    await post(`${base}/api/messages`, activity({ type: 'conversationUpdate', membersAdded: [user, bot] }, 'join'));
    for (const [i, text] of opening.entries()) await post(`${base}/api/messages`, activity({ type: 'message', text }, `o${i}`));
    return {
      request: (text, turn) => ({
        method: 'POST',
        path: '/api/messages',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity({ type: 'message', text }, `t${turn}`)),
      }),
    };
  };
}

/** Conversations over our Direct Line endpoint: a token, the conversation started, the opening said. */
export function directLineOpener(base: string, opening: string[]): Opener {
  return async () => {
    const dl = `${base}/v3/directline`;
    const { token, conversationId } = (await post(`${dl}/tokens/generate`, { locale: 'sv-SE' })) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${token}` };
    await post(`${dl}/conversations`, {}, auth);
    const path = `/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`;
    for (const text of opening) await post(`${base}${path}`, { type: 'message', text, locale: 'sv-SE', from: { id: 'resident' } }, auth);
    return {
      request: (text) => ({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ type: 'message', text, locale: 'sv-SE', from: { id: 'resident' } }),
      }),
    };
  };
}
