/**
 * Microsoft's own Direct Line client (botframework-directlinejs, the one inside Web Chat) in Node,
 * in polling mode against our endpoint, with a small helper to say something and collect the
 * bot's answers to it.
 */
import XHR from 'xhr2';
import directLineJs from 'botframework-directlinejs';
import type { Activity } from 'botbuilder';

// directlinejs uses the browser's XMLHttpRequest for its requests and looks up WebSocket even
// when polling; Node 20 has neither.
const g = globalThis as Record<string, unknown>;
g['XMLHttpRequest'] ??= XHR;
g['WebSocket'] ??= class {};

const { DirectLine } = directLineJs as unknown as {
  DirectLine: new (options: Record<string, unknown>) => DirectLineInstance;
};

interface Subscription {
  unsubscribe(): void;
}
interface DirectLineInstance {
  activity$: { subscribe(next: (a: Activity) => void): Subscription };
  connectionStatus$: { subscribe(next: (s: number) => void): Subscription };
  postActivity(activity: Partial<Activity>): { subscribe(next: (id: string) => void, error: (e: unknown) => void): Subscription };
  end(): void;
  watermark?: string;
}

export interface GeneratedToken {
  conversationId: string;
  token: string;
  expires_in: number;
  userId: string;
  domain: string;
}

/** Asks the service for a token, as the widget does. */
export async function generateToken(baseUrl: string, body: Record<string, unknown> = {}): Promise<GeneratedToken> {
  const res = await fetch(`${baseUrl}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`tokens/generate answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as GeneratedToken;
}

export class DirectLineClient {
  readonly received: Activity[] = [];
  private readonly client: DirectLineInstance;
  private readonly subscriptions: Subscription[] = [];
  private listeners: Array<() => void> = [];

  constructor(
    readonly token: GeneratedToken,
    options: { conversationId?: string; watermark?: string } = {},
  ) {
    this.client = new DirectLine({
      token: token.token,
      domain: token.domain,
      webSocket: false,
      pollingInterval: 200,
      ...(options.conversationId ? { conversationId: options.conversationId } : {}),
      ...(options.watermark !== undefined ? { watermark: options.watermark } : {}),
    });
    this.subscriptions.push(
      this.client.activity$.subscribe((a) => {
        this.received.push(a);
        for (const l of this.listeners) l();
      }),
    );
  }

  /** The watermark the client would resume from. */
  get watermark(): string | undefined {
    return this.client.watermark;
  }

  /** Resolves when `predicate` holds over what has been received (checked on each arrival). */
  waitUntil(predicate: (received: Activity[]) => boolean, what: string, timeoutMs = 10000): Promise<void> {
    if (predicate(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out waiting for ${what}; got: ${this.received.map((a) => a.text ?? a.type).join(' | ')}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate(this.received)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  /** Posts an activity and resolves with its server id. */
  post(activity: Partial<Activity>): Promise<string> {
    return new Promise((resolve, reject) => {
      this.client.postActivity({ from: { id: this.token.userId, name: '' }, ...activity } as Partial<Activity>).subscribe(resolve, reject);
    });
  }

  /**
   * Says `text` and resolves with the bot's replies to it. The post resolves once the bot's turn
   * is over, so the server then holds every reply: ask it how many there are, and wait until the
   * client's polling has delivered them all.
   */
  async say(text: string): Promise<Activity[]> {
    const id = await this.post({ type: 'message', text });
    const watermark = Number(id.split('|').at(-1)) - 1;
    const res = await fetch(`${this.token.domain}/conversations/${encodeURIComponent(this.token.conversationId)}/activities?watermark=${watermark}`, {
      headers: { authorization: `Bearer ${this.token.token}` },
    });
    const { activities } = (await res.json()) as { activities: Activity[] };
    const expected = activities.filter((a) => a.replyToId === id).length;
    await this.waitUntil((r) => r.filter((a) => a.replyToId === id).length >= expected, `the ${expected} replies to "${text}"`);
    return this.received.filter((a) => a.replyToId === id);
  }

  /** Says each in turn; resolves with the replies to the last. */
  async sayAll(texts: string[]): Promise<Activity[]> {
    let last: Activity[] = [];
    for (const t of texts) last = await this.say(t);
    return last;
  }

  end(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.client.end();
  }
}

/** Text of activities, card fallback text included. */
export function textsOf(activities: Activity[]): string {
  return activities
    .map((a) => [a.text ?? '', ...(a.attachments ?? []).map((att) => (att.content as { fallbackText?: string } | undefined)?.fallbackText ?? '')].join('\n'))
    .join('\n');
}
