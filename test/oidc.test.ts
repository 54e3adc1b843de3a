/**
 * Sign-in to the staff page with Microsoft Entra ID (OpenID Connect, code flow with PKCE), against
 * a real certified OpenID provider (oidc-provider) on 127.0.0.1 standing in for Entra: its accounts
 * carry an `oid` claim as Entra's do. The flow is driven with fetch (redirects followed by hand,
 * cookies carried) and once in a real browser. Anna Exempel (data/staff-teams.yaml, Karlstad) gets
 * in; a stranger is refused and audited; a forged state, a missing state cookie, an aborted sign-in
 * and a provider that is down end on the page with ?signin=failed and one log line; ?next= keeps
 * only a view of the staff page; STAFF_LOCAL_ACCOUNTS=false closes /staff/api/login. Nothing
 * leaves 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { configErrorFor } from './helpers/config-error.js';
import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { describeViolations, isolatedContext, launchBrowser, runAxe } from './helpers/browser.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

/** Anna Exempel, Karlstad, in data/staff-teams.yaml. */
const ANNA_OID = '00000000-0000-4000-8000-00000000a001';
/** Cecilia Testsson, Region Värmland, in data/staff-teams.yaml. */
const CECILIA_OID = '00000000-0000-4000-8000-00000000a002';
/** Not in data/staff-teams.yaml. */
const STRANGER_OID = '00000000-0000-4000-8000-0000000bad01';
const CLIENT_ID = 'narvard-intake-staff';
const CLIENT_SECRET = 'test-only-client-secret-not-used-anywhere-else';
const SESSION_SECRET = 'test-only-session-secret-0123456789abcdef';
const CALLBACK = '/staff/auth/entra/callback';
const PASSWORD = 'korrekt-häst-batteri-häfta';

/**
 * The provider's accounts. As in Entra, `sub` is not the object id (Entra's sub differs per app);
 * `oid` is. The last one has no oid, as a provider other than Entra would: its sub is used.
 */
const ACCOUNTS: Record<string, Record<string, string>> = {
  'anna-pairwise-sub': { oid: ANNA_OID, name: 'Anna Exempel' },
  'stranger-pairwise-sub': { oid: STRANGER_OID, name: 'Okänd Person' },
  [CECILIA_OID]: { name: 'Cecilia Testsson' },
};

const TEXTS = (parseYaml(readFileSync(path.join(REPO_ROOT, 'locales', 'sv', 'staff-page.yaml'), 'utf8')) as { signIn: Record<string, string> }).signIn;

// Typed by hand: oidc-provider ships no type declarations (and the specifier is a variable so that
// TypeScript does not look for them).
interface OidcProvider {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
const OIDC_PROVIDER = 'oidc-provider';

declare const document: any;

/** What a browser keeps between requests: cookies by name (both servers are on 127.0.0.1). */
class Browserish {
  private readonly cookies = new Map<string, string>();

  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/iu.test(a) || (/^\s*expires=/iu.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}



describe('staff sign-in with Microsoft Entra ID (OpenID Connect)', function () {
  this.timeout(60000);
  let providerServer: http.Server;
  let issuer: string;
  let app: App;
  let appUrl: string;
  let dataDir: string;
  /** The app's log, one JSON object a line. */
  const log: Array<{ msg: string; level: number; [k: string]: unknown }> = [];
  const quietConsole = { warn: console.warn, info: console.info };

  /**
   * Starts at /staff/auth/entra like the page's button, signs in at the provider as `accountId`
   * (its dev interactions: a login form, then consent) and follows the redirects back to the staff
   * page. Returns where the app sent the browser in the end, and the browser.
   */
  async function signIn(
    accountId: string,
    options: { next?: string; tamperCallback?: (url: URL) => void; abort?: boolean } = {},
  ): Promise<{ location: string; browser: Browserish }> {
    const browser = new Browserish();
    const base = appUrl;
    let url = `${base}/staff/auth/entra${options.next !== undefined ? `?next=${encodeURIComponent(options.next)}` : ''}`;
    let form: Record<string, string> | undefined;
    for (let hops = 0; hops < 25; hops++) {
      const res = await browser.fetch(url, form ? { method: 'POST', form } : {});
      form = undefined;
      if (res.status >= 300 && res.status < 400) {
        const target = new URL(res.headers.get('location') ?? '', url);
        // Back on the staff page: done.
        if (target.origin === base && !target.pathname.startsWith('/staff/auth/')) return { location: `${target.pathname}${target.search}${target.hash}`, browser };
        if (target.origin === base && target.pathname === CALLBACK) options.tamperCallback?.(target);
        url = target.href;
        continue;
      }
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/u.exec(html)?.[1];
      const action = /<form[^>]*action="([^"]+)"/u.exec(html)?.[1];
      if (res.status !== 200 || !prompt || !action) throw new Error(`unexpected ${res.status} at ${url}: ${html.slice(0, 300)}`);
      if (options.abort) {
        url = new URL(`${new URL(action, url).pathname}/abort`, url).href;
        continue;
      }
      url = new URL(action, url).href;
      form = prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt };
    }
    throw new Error('too many redirects');
  }

  function logLines(msg: string) {
    return log.filter((l) => l.msg === msg);
  }

  before(async () => {
    // oidc-provider announces its development-only defaults (dev interactions, generated keys) on the console.
    console.warn = (...args: unknown[]) => void (String(args[0]).startsWith('oidc-provider') ? undefined : quietConsole.warn(...args));
    console.info = (...args: unknown[]) => void (String(args[0]).startsWith('oidc-provider') ? undefined : quietConsole.info(...args));

    // The provider's port is needed by the app's configuration and the app's by the provider's
    // client registration: listen first, attach the provider once both are known.
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    providerServer = http.createServer((req, res) => handler(req, res));
    issuer = `http://127.0.0.1:${await listen(providerServer)}`;

    dataDir = await tempDir('intake-oidc-');
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        URGENT_REMINDER_MINUTES: '0',
        STAFF_SESSION_SECRET: SESSION_SECRET,
        STAFF_OIDC_ISSUER: issuer,
        STAFF_OIDC_CLIENT_ID: CLIENT_ID,
        STAFF_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      },
      REPO_ROOT,
    );
    // No PUBLIC_URL, no STAFF_OIDC_REDIRECT_URI: the redirect URI is this request's own address.
    expect(config.staff.oidc).to.deep.equal({ issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const logger = pino({ level: 'info' }, { write: (line: string) => void log.push(JSON.parse(line)) });
    app = await createApp({ ...config, port: 0 }, logger);
    ({ url: appUrl } = await app.listen());

    const { default: Provider } = (await import(OIDC_PROVIDER)) as { default: ProviderClass };
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${appUrl}${CALLBACK}`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      // oid in the ID token (with the openid scope), as Entra puts it there (with the profile scope).
      claims: { openid: ['sub', 'oid'], profile: ['name'] },
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      cookies: { keys: ['test-only-provider-cookie-key'] },
      features: { devInteractions: { enabled: true } },
      findAccount: (_ctx: unknown, sub: string) =>
        ACCOUNTS[sub] ? { accountId: sub, claims: () => ({ sub, ...ACCOUNTS[sub] }) } : undefined,
    });
    handler = provider.callback();
  });

  after(async () => {
    console.warn = quietConsole.warn;
    console.info = quietConsole.info;
    await app?.close();
    await new Promise((resolve) => providerServer?.close(resolve));
    providerServer?.closeAllConnections();
    if (dataDir) await removeDir(dataDir);
  });

  describe('configuration', () => {
    it('is off by default; local accounts are on', () => {
      const config = loadConfig({}, REPO_ROOT);
      expect(config.staff.oidc).to.equal(undefined);
      expect(config.staff.localAccounts).to.equal(true);
    });

    it('needs the client id once the issuer is set, and says so in one line', () => {
      const message = configErrorFor({ STAFF_OIDC_ISSUER: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0' });
      expect(message).to.equal(
        'Configuration error: STAFF_OIDC_CLIENT_ID is required when STAFF_OIDC_ISSUER is set (the application (client) id of the app registration). See .env.example.',
      );
    });

    it('refuses an issuer that is not https (except on this machine), a wrong redirect URI and a wrong switch', () => {
      expect(configErrorFor({ STAFF_OIDC_ISSUER: 'http://login.example.se/v2.0', STAFF_OIDC_CLIENT_ID: 'x' })).to.include('STAFF_OIDC_ISSUER must be an https URL');
      expect(configErrorFor({ STAFF_OIDC_ISSUER: 'not a url', STAFF_OIDC_CLIENT_ID: 'x' })).to.include('STAFF_OIDC_ISSUER must be the issuer URL');
      expect(configErrorFor({ STAFF_OIDC_REDIRECT_URI: 'https://intag.example.se/somewhere' })).to.include('STAFF_OIDC_REDIRECT_URI must end with /staff/auth/entra/callback');
      expect(configErrorFor({ STAFF_LOCAL_ACCOUNTS: 'nej' })).to.include('STAFF_LOCAL_ACCOUNTS must be true or false');
    });

    it('takes the redirect URI from PUBLIC_URL unless it is set', () => {
      const tenant = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0';
      const fromPublic = loadConfig({ STAFF_OIDC_ISSUER: tenant, STAFF_OIDC_CLIENT_ID: 'app', PUBLIC_URL: 'https://intag.example.se/' }, REPO_ROOT);
      expect(fromPublic.staff.oidc?.redirectUri).to.equal('https://intag.example.se/staff/auth/entra/callback');
      const explicit = loadConfig(
        { STAFF_OIDC_ISSUER: tenant, STAFF_OIDC_CLIENT_ID: 'app', PUBLIC_URL: 'https://intag.example.se', STAFF_OIDC_REDIRECT_URI: 'https://personal.example.se/staff/auth/entra/callback' },
        REPO_ROOT,
      );
      expect(explicit.staff.oidc?.redirectUri).to.equal('https://personal.example.se/staff/auth/entra/callback');
      expect(loadConfig({ STAFF_LOCAL_ACCOUNTS: 'false' }, REPO_ROOT).staff.localAccounts).to.equal(false);
    });
  });

  describe('over HTTP', () => {
    it('tells the page which ways of signing in are on', async () => {
      const res = await fetch(`${appUrl}/staff/api/signin-options`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ local: true, entra: true });
    });

    it('sends the browser to the provider with PKCE (S256), state and nonce, and keeps them in a short-lived cookie', async () => {
      const res = await fetch(`${appUrl}/staff/auth/entra`, { redirect: 'manual' });
      expect(res.status).to.equal(302);
      const to = new URL(res.headers.get('location') ?? '');
      expect(to.origin).to.equal(issuer);
      const q = Object.fromEntries(to.searchParams);
      expect(q).to.include({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: `${appUrl}${CALLBACK}`, code_challenge_method: 'S256', scope: 'openid profile' });
      expect(q['code_challenge']).to.match(/^[\w-]{43}$/u);
      expect(q['state']).to.match(/^[\w-]{20,}$/u);
      expect(q['nonce']).to.match(/^[\w-]{20,}$/u);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('nv_entra='));
      expect(cookie).to.match(/HttpOnly/u).and.to.match(/SameSite=Lax/u).and.to.match(/Path=\/staff\/auth\/entra/u).and.to.match(/Max-Age=600/u);
      expect(res.headers.get('cache-control')).to.equal('no-store');
    });

    it('signs Anna in by her object id (oid): Karlstad, audited as a sign-in, back to the view she asked for', async () => {
      const before = (await app.audit.entries()).length;
      const { location, browser } = await signIn('anna-pairwise-sub', { next: '#/cases/NV-2026-000123' });
      expect(location).to.equal('/staff/#/cases/NV-2026-000123');
      expect(browser.has('nv_staff')).to.equal(true);
      // The state cookie is used once.
      expect(browser.has('nv_entra')).to.equal(false);

      const me = await fetch(`${appUrl}/staff/api/me`, { headers: { cookie: browser.cookieHeader() } });
      expect(me.status).to.equal(200);
      expect(await me.json()).to.deep.equal({ id: ANNA_OID, name: 'Anna Exempel', organisationId: 'karlstad', role: 'staff', units: ['karlstad:bistand'] });
      const cases = await fetch(`${appUrl}/staff/api/cases`, { headers: { cookie: browser.cookieHeader() } });
      expect(cases.status).to.equal(200);

      const added = (await app.audit.entries()).slice(before);
      expect(added[0]).to.include({ actor: ANNA_OID, actorOrganisation: 'karlstad', action: 'login', outcome: 'allowed', from: '127.0.0.1' });
    });

    it('falls back to sub for a provider without oid', async () => {
      const { location, browser } = await signIn(CECILIA_OID);
      expect(location).to.equal('/staff/');
      const me = (await (await fetch(`${appUrl}/staff/api/me`, { headers: { cookie: browser.cookieHeader() } })).json()) as { organisationId: string };
      expect(me.organisationId).to.equal('region_varmland');
    });

    it('refuses someone who is not in the staff list: no session, ?signin=notstaff, audited as a failed sign-in', async () => {
      const before = (await app.audit.entries()).length;
      const { location, browser } = await signIn('stranger-pairwise-sub');
      expect(location).to.equal('/staff/?signin=notstaff');
      expect(browser.has('nv_staff')).to.equal(false);
      const added = (await app.audit.entries()).slice(before);
      expect(added).to.have.length(1);
      expect(added[0]).to.include({ actor: `entra:${STRANGER_OID}`, action: 'login.failed', outcome: 'denied' });
      expect(added[0]!.actorOrganisation).to.equal(undefined);
      expect((await fetch(`${appUrl}/staff/api/me`, { headers: { cookie: browser.cookieHeader() } })).status).to.equal(401);
    });

    it('keeps only a view of the staff page from ?next=, never another address', async () => {
      for (const next of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '#//evil.example/"x"', '#/cases<script>']) {
        const { location } = await signIn('anna-pairwise-sub', { next });
        expect(location, `next=${next}`).to.equal('/staff/');
      }
      expect((await signIn('anna-pairwise-sub', { next: '#/cases?status=new&urgent=true' })).location).to.equal('/staff/#/cases?status=new&urgent=true');
    });

    it('a forged state, a missing or forged state cookie, or an aborted sign-in end in ?signin=failed with one log line and no session', async () => {
      const failedBefore = logLines('Entra sign-in failed').length;
      const auditBefore = (await app.audit.entries()).length;

      // The provider's answer with another state than the one this browser started with.
      const forged = await signIn('anna-pairwise-sub', { next: '#/audit', tamperCallback: (u) => u.searchParams.set('state', 'forged-state-value') });
      expect(forged.location).to.equal('/staff/?signin=failed#/audit');
      expect(forged.browser.has('nv_staff')).to.equal(false);

      // A callback this browser never started (no state cookie), and one with a cookie signed by someone else.
      for (const cookie of ['', 'nv_entra=eyJhbGciOiJIUzI1NiJ9.eyJzdGF0ZSI6IngifQ.c2lnbmF0dXJl']) {
        const res = await fetch(`${appUrl}${CALLBACK}?code=abc&state=xyz&iss=${encodeURIComponent(issuer)}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
        expect(res.status).to.equal(302);
        expect(res.headers.get('location')).to.equal('/staff/?signin=failed');
        expect(await res.text()).to.equal('');
        expect(res.headers.getSetCookie().some((c) => c.startsWith('nv_staff='))).to.equal(false);
      }

      // The person cancels at the provider (error=access_denied comes back).
      const aborted = await signIn('anna-pairwise-sub', { abort: true });
      expect(aborted.location).to.equal('/staff/?signin=failed');

      const lines = logLines('Entra sign-in failed').slice(failedBefore);
      expect(lines).to.have.length(4);
      for (const line of lines) {
        expect(line.level).to.equal(40);
        expect(JSON.stringify(line)).not.to.match(/\n\s+at /u);
      }
      // Failures before anyone is known are not sign-ins: nothing in the audit log.
      expect((await app.audit.entries()).slice(auditBefore)).to.deep.equal([]);
    });

    describe('with local accounts off and the provider down', () => {
      let second: App;
      let secondUrl: string;
      let secondDir: string;
      const secondLog: Array<{ msg: string }> = [];

      before(async () => {
        const down = http.createServer();
        const downPort = await listen(down);
        await new Promise((resolve) => down.close(resolve));
        secondDir = await tempDir('intake-oidc-off-');
        const config = loadConfig(
          {
            DATA_DIR: secondDir,
            LOG_LEVEL: 'info',
            URGENT_REMINDER_MINUTES: '0',
            STAFF_SESSION_SECRET: SESSION_SECRET,
            STAFF_LOCAL_ACCOUNTS: 'false',
            STAFF_OIDC_ISSUER: `http://127.0.0.1:${downPort}/tenant/v2.0`,
            STAFF_OIDC_CLIENT_ID: CLIENT_ID,
          },
          REPO_ROOT,
        );
        second = await createApp({ ...config, port: 0 }, pino({ level: 'info' }, { write: (line: string) => void secondLog.push(JSON.parse(line)) }));
        ({ url: secondUrl } = await second.listen());
      });

      after(async () => {
        await second?.close();
        if (secondDir) await removeDir(secondDir);
      });

      it('answers 404 at /staff/api/login, offers only Microsoft, and ends sessions of local accounts', async () => {
        const email = 'anna.handlaggare@karlstad.test';
        for (const a of [app, second]) await a.accounts.put({ email, name: 'Anna Exempel', organisationId: 'karlstad', role: 'staff', password: PASSWORD });
        const login = await fetch(`${secondUrl}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
        expect(login.status).to.equal(404);
        expect(await fetch(`${secondUrl}/staff/api/signin-options`).then((r) => r.json())).to.deep.equal({ local: false, entra: true });

        // A local session (same session secret) from where local accounts are on is not accepted here.
        const local = await fetch(`${appUrl}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
        expect(local.status).to.equal(200);
        const cookie = local.headers.get('set-cookie')?.split(';')[0] ?? '';
        expect((await fetch(`${appUrl}/staff/api/me`, { headers: { cookie } })).status).to.equal(200);
        expect((await fetch(`${secondUrl}/staff/api/me`, { headers: { cookie } })).status).to.equal(401);
      });

      it('a provider that cannot be reached gives ?signin=failed and one log line, never an error page', async () => {
        const res = await fetch(`${secondUrl}/staff/auth/entra?next=${encodeURIComponent('#/cases')}`, { redirect: 'manual' });
        expect(res.status).to.equal(302);
        expect(res.headers.get('location')).to.equal('/staff/?signin=failed#/cases');
        expect(await res.text()).to.equal('');
        const lines = secondLog.filter((l) => l.msg === 'Entra sign-in failed');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.deep.include({ step: 'start' });
        expect((lines[0] as { err?: { cause?: string } }).err?.cause).to.equal('ECONNREFUSED');
      });
    });
  });

  describe('the staff page in a browser', () => {
    let browser: Browser;
    let context: BrowserContext;

    before(async () => {
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
    });

    /** A fresh browser that may talk to the app and the provider, nothing else. */
    async function newPage(base = appUrl): Promise<Page> {
      context = await isolatedContext(browser, [base, issuer]);
      return context.newPage();
    }

    afterEach(async () => {
      await context?.close();
    });

    it('offers "Logga in med Microsoft-konto" next to the local form, passes axe, and signs Anna in to the view she opened', async () => {
      const page = await newPage();
      await page.goto(`${appUrl}/staff/#/cases?status=new`);
      await page.waitForSelector('#sign-in-entra');
      expect((await page.textContent('#sign-in-entra'))?.trim()).to.equal('Logga in med Microsoft-konto');
      expect(await page.getAttribute('#sign-in-entra', 'href')).to.equal(`/staff/auth/entra?next=${encodeURIComponent('#/cases?status=new')}`);
      expect(await page.isVisible('#sign-in-email')).to.equal(true);
      expect(await page.textContent('form.sign-in')).to.include(TEXTS['orLocal']);
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).to.deep.equal([]);

      await page.click('#sign-in-entra');
      await page.waitForSelector('input[name="login"]');
      await page.fill('input[name="login"]', 'anna-pairwise-sub');
      await page.fill('input[name="password"]', 'any');
      await page.click('button[type="submit"]');
      await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
      await page.click('button[type="submit"]');
      await page.waitForFunction(() => document.querySelector('#who-text')?.textContent?.includes('Anna'), undefined, { timeout: 10000 });
      expect(await page.textContent('#who-text')).to.equal('Inloggad som Anna Exempel, Karlstads kommun');
      expect(new URL(page.url()).hash).to.equal('#/cases?status=new');
      expect(await page.textContent('h1')).to.equal('Ärenden');
    });

    it('says in Swedish why a Microsoft sign-in did not work, once', async () => {
      const page = await newPage();
      for (const [signin, key] of [['notstaff', 'notStaff'], ['failed', 'failed']] as const) {
        await page.goto(`${appUrl}/staff/?signin=${signin}#/cases`);
        await page.waitForFunction((text: string | undefined) => document.querySelector('.sign-in [role="alert"]')?.textContent === text, TEXTS[key], { timeout: 5000 });
        // Said once: the address no longer carries it.
        expect(new URL(page.url()).search).to.equal('');
        expect(new URL(page.url()).hash).to.equal('#/cases');
      }
    });

    it('without local accounts shows only the Microsoft button', async () => {
      const dir = await tempDir('intake-oidc-page-');
      const config = loadConfig(
        { DATA_DIR: dir, LOG_LEVEL: 'silent', URGENT_REMINDER_MINUTES: '0', STAFF_LOCAL_ACCOUNTS: 'false', STAFF_OIDC_ISSUER: issuer, STAFF_OIDC_CLIENT_ID: CLIENT_ID },
        REPO_ROOT,
      );
      const third = await createApp({ ...config, port: 0 }, pino({ level: 'silent' }));
      try {
        const { url } = await third.listen();
        const page = await newPage(url);
        await page.goto(`${url}/staff/`);
        await page.waitForSelector('#sign-in-entra');
        expect(await page.$('#sign-in-email')).to.equal(null);
        expect(await page.textContent('.sign-in p')).to.equal(TEXTS['introEntra']);
        const violations = await runAxe(page);
        expect(violations, describeViolations(violations)).to.deep.equal([]);
      } finally {
        await third.close();
        await removeDir(dir);
      }
    });
  });
});
