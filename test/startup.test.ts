/**
 * Start-up as the person who installs it meets it: a bad setting, a broken content file or a
 * damaged data file stops `npm start` with one line that names what is wrong, and good settings
 * give a ready service. The process tests run the real entry point (src/main.ts) in a child process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { configErrorFor } from './helpers/config-error.js';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.js';
import { ContentError, loadContent } from '../src/core/content/load.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';
import { freePort, startService } from './helpers/service-process.js';

interface Exit {
  code: number | null;
  stdout: string;
  /** stderr without Node's deprecation warnings from dependencies. */
  stderr: string;
}

/**
 * Runs src/main.ts with only these variables (plus PATH, and no .env unless ENV_FILE is given); stops
 * it once `untilStdout` appears. `cwd`: the working folder (the repository's by default).
 */
function runMain(env: Record<string, string | undefined>, untilStdout?: RegExp, cwd = REPO_ROOT): Promise<Exit> {
  // A variable given as undefined is left out (ENV_FILE: undefined reads the working folder's .env).
  const childEnv = Object.fromEntries(Object.entries({ PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', ENV_FILE: '', ...env }).filter(([, v]) => v !== undefined));
  return new Promise((resolve, reject) => {
    // tsx by its own address, so that it is found from any working folder.
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, path.join(REPO_ROOT, 'src', 'main.ts')], { cwd, env: childEnv });
    let stdout = '';
    let stderr = '';
    // A start may wait for a stale lock and train the recognizer on a slow machine; a stop is quick.
    let timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    let stopping = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!stopping && untilStdout?.test(stdout)) {
        stopping = true;
        child.kill('SIGTERM');
        clearTimeout(timer);
        timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const cleaned = stderr
        .split('\n')
        .filter((l) => l.trim() && !/DeprecationWarning|--trace-deprecation/u.test(l))
        .join('\n');
      resolve({ code, stdout, stderr: cleaned });
    });
  });
}

/** A copy of the shipped content (data/ and locales/) to break on purpose. */
async function contentCopy(): Promise<{ dir: string; dataDir: string; localesDir: string }> {
  const dir = await tempDir('intake-content-');
  await cp(path.join(REPO_ROOT, 'data'), path.join(dir, 'data'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'locales'), path.join(dir, 'locales'), { recursive: true });
  return { dir, dataDir: path.join(dir, 'data'), localesDir: path.join(dir, 'locales') };
}

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`the test could not find ${String(from)} in ${file}`);
  await writeFile(file, changed);
}



describe('start-up', function () {
  this.timeout(180000);

  describe('configuration', () => {
    it('has working defaults: no Azure keys, local address, embedded store under var/data', () => {
      const config = loadConfig({}, REPO_ROOT);
      expect(config.port).to.equal(3978);
      expect(config.host).to.equal('127.0.0.1');
      expect(config.bot.appId).to.equal(undefined);
      expect(config.dataDir).to.equal(path.join(REPO_ROOT, 'var', 'data'));
      expect(config.defaultLocale).to.equal('sv');
    });

    it('.env.example documents every variable, each with a comment', async () => {
      const example = await readFile(path.join(REPO_ROOT, '.env.example'), 'utf8');
      const lines = example.split('\n');
      for (const name of CONFIG_VARIABLES) {
        const at = lines.findIndex((l) => l.startsWith(`${name}=`));
        expect(at, `${name} in .env.example`).to.be.greaterThan(0);
        expect(lines.slice(0, at).some((l) => l.startsWith('#')), `a comment before ${name}`).to.equal(true);
      }
    });

    it('names the variable and what is wrong, in one line', () => {
      const port = configErrorFor({ PORT: 'abc' });
      expect(port).to.match(/^Configuration error: PORT must be a whole number \(got "abc"\)\. See \.env\.example\.$/u);
      expect(configErrorFor({ PORT: '70000' })).to.include('PORT must be between 0 and 65535');
      expect(configErrorFor({ MicrosoftAppId: 'my-bot' })).to.include("MicrosoftAppId must be the bot's app id, a UUID");
      expect(configErrorFor({ LOG_LEVEL: 'loud' })).to.include('LOG_LEVEL must be one of');
      expect(configErrorFor({ RETENTION_DAYS: '0' })).to.include('RETENTION_DAYS must be between 1 and 3650');
      for (const message of [port, configErrorFor({ LOG_LEVEL: 'loud' })]) expect(message).not.to.include('\n');
    });

    it('checks the web chat settings', () => {
      expect(configErrorFor({ DIRECTLINE_MODE: 'cloud' })).to.include('DIRECTLINE_MODE must be embedded, azure or off');
      expect(configErrorFor({ DIRECTLINE_MODE: 'azure' })).to.include('DIRECTLINE_SECRET is required when DIRECTLINE_MODE is azure');
      expect(configErrorFor({ DIRECTLINE_ALLOWED_ORIGINS: 'https://www.karlstad.se/kontakt' })).to.include('DIRECTLINE_ALLOWED_ORIGINS must be a comma-separated list of origins');
      expect(configErrorFor({ DIRECTLINE_TOKEN_SECRET: 'short' })).to.include('DIRECTLINE_TOKEN_SECRET must be at least 32 characters');
      expect(configErrorFor({ DIRECTLINE_TOKEN_SECRET: 'short' })).not.to.include('short"');
      const ok = loadConfig({ DIRECTLINE_ALLOWED_ORIGINS: 'https://www.karlstad.se, http://localhost:8080' }, REPO_ROOT);
      expect(ok.directLine.allowedOrigins).to.deep.equal(['https://www.karlstad.se', 'http://localhost:8080']);
    });

    it('asks for the password once an app id is set, and never prints a secret', () => {
      const missing = configErrorFor({ MicrosoftAppId: '00000000-0000-4000-8000-000000000001' });
      expect(missing).to.include('MicrosoftAppPassword is required when MicrosoftAppId is set');
      const tenant = configErrorFor({
        MicrosoftAppId: '00000000-0000-4000-8000-000000000001',
        MicrosoftAppPassword: 'hemligt-lösenord',
        MicrosoftAppType: 'SingleTenant',
      });
      expect(tenant).to.include('MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant');
      expect(tenant).not.to.include('hemligt-lösenord');
    });
  });

  describe('content files', () => {
    let copy: Awaited<ReturnType<typeof contentCopy>>;
    beforeEach(async () => (copy = await contentCopy()));
    afterEach(() => removeDir(copy.dir));

    const load = () => loadContent({ dataDir: copy.dataDir, localesDir: copy.localesDir, defaultLocale: 'sv' });

    it('loads the shipped content', () => {
      const content = load();
      expect(content).to.have.property('bank');
    });

    it('names the file and the field when a directory entry is wrong', async () => {
      await edit(path.join(copy.dataDir, 'directory.yaml'), 'responseDays: 3', 'responseDays: tre');
      expect(load).to.throw(ContentError, /directory\.yaml: organisations\[0\]\.contacts\[0\]\.responseDays/u);
    });

    it('names the question whose Swedish text is missing', async () => {
      await edit(path.join(copy.localesDir, 'sv', 'questions.yaml'), '  text: Svarar du för dig själv eller för någon annan?\n', '');
      expect(load).to.throw(ContentError, /questions\.yaml.*respondent/u);
    });

    it('names the line of a YAML syntax error', async () => {
      await writeFile(path.join(copy.dataDir, 'routing.yaml'), 'topics:\n  elderly_care: [oops\n');
      expect(load).to.throw(ContentError, /routing\.yaml.*line \d+/u);
    });
  });

  describe('the process (npm start)', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir) await removeDir(dir);
      dir = undefined;
    });

    it('stops with exit code 1 and one line naming a bad variable', async () => {
      const exit = await runMain({ PORT: 'abc' });
      expect(exit.code).to.equal(1);
      expect(exit.stderr).to.equal('Configuration error: PORT must be a whole number (got "abc"). See .env.example.');
      expect(exit.stdout).to.equal('');
    });

    it('stops with one line naming the content file and field', async () => {
      const copy = await contentCopy();
      dir = copy.dir;
      await edit(path.join(copy.dataDir, 'directory.yaml'), 'responseDays: 3', 'responseDays: tre');
      const exit = await runMain({ CONTENT_DIR: copy.dataDir, LOCALES_DIR: copy.localesDir, DATA_DIR: path.join(copy.dir, 'var'), PORT: '0' });
      expect(exit.code).to.equal(1);
      expect(exit.stderr.split('\n')).to.have.length(1);
      expect(exit.stderr).to.match(/^Content error: .*directory\.yaml: organisations\[0\]\.contacts\[0\]\.responseDays: .*Fix the file and start again\.$/u);
    });

    it('starts with a damaged case file (the archive is checked after start-up), names it on /readyz and leaves it as it was', async () => {
      dir = await tempDir('intake-corrupt-case-');
      await mkdir(path.join(dir, 'cases'), { recursive: true });
      const damaged = path.join(dir, 'cases', 'NV-2026-000007.json');
      const bytes = '{"key": "NV-2026-000007", "value": {"reference": "NV-2026-0';
      await writeFile(damaged, bytes);
      const service = await startService({ port: await freePort(), env: { DATA_DIR: dir, LOG_LEVEL: 'silent' } });
      try {
        let body = '';
        for (let i = 0; i < 100 && !body.includes('NV-2026-000007'); i++) {
          const res = await fetch(`${service.url}/readyz`);
          body = await res.text();
          if (res.status === 503) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(body).to.include('"name":"data files"');
        expect(body).to.include(`${damaged} is not valid JSON`);
        expect((await fetch(`${service.url}/healthz`)).status, 'the service itself runs').to.equal(200);
      } finally {
        await service.kill();
      }
      expect(await readFile(damaged, 'utf8'), 'left as it was').to.equal(bytes);
    });

    it('stops on a damaged data file, names it and leaves it as it was', async () => {
      dir = await tempDir('intake-corrupt-');
      const stateDir = path.join(dir, 'state');
      await mkdir(stateDir, { recursive: true });
      const damaged = path.join(stateDir, 'half-written.json');
      const bytes = '{"value": {"interview": {"phase": "ask';
      await writeFile(damaged, bytes);
      const exit = await runMain({ DATA_DIR: dir, PORT: '0' });
      expect(exit.code).to.equal(1);
      expect(exit.stderr.split('\n')).to.have.length(1);
      expect(exit.stderr).to.include('half-written.json');
      expect(exit.stderr).to.include('It was not changed');
      expect(await readFile(damaged, 'utf8')).to.equal(bytes);
    });

    it('refuses a second service on the same data folder, and starts again after the first stops or is killed', async function () {
      this.timeout(180000);
      dir = await tempDir('intake-lock-');
      const first = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', ENV_FILE: '', DATA_DIR: dir, PORT: '0' },
      });
      try {
        await new Promise<void>((resolve, reject) => {
          let out = '';
          first.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            if (/ready/u.test(out)) resolve();
          });
          first.on('close', (code) => reject(new Error(`the first service ended with ${code}`)));
        });
        const second = await runMain({ DATA_DIR: dir, PORT: '0' }, /ready/u);
        expect(second.code).to.equal(1);
        expect(second.stderr.split('\n')).to.have.length(1);
        expect(second.stderr).to.include(`The data folder ${dir} is in use by another running intake service`);
      } finally {
        first.kill('SIGKILL');
        await new Promise((resolve) => first.once('close', resolve));
      }
      // Killed without letting go of the lock: the next start takes it over once it is stale.
      const afterKill = await runMain({ DATA_DIR: dir, PORT: '0' }, /ready/u);
      expect(afterKill.stdout).to.match(/Intake assistant ready/u);
      // Stopped with SIGTERM by runMain: the lock was let go (its folder is gone), so the next start
      // takes it at once instead of waiting for it to go stale.
      expect(afterKill.code, 'the exit code after SIGTERM').to.equal(0);
      expect(existsSync(path.join(dir, '.lock')), 'the lock after a clean stop').to.equal(false);
      const afterStop = await runMain({ DATA_DIR: dir, PORT: '0' }, /ready/u);
      expect(afterStop.stdout).to.match(/Intake assistant ready/u);
    });

    it('refuses to start on 0.0.0.0 without an app id, with one line saying why; starts with ALLOW_UNAUTHENTICATED_BOT=true', async () => {
      dir = await tempDir('intake-open-');
      const refused = await runMain({ DATA_DIR: dir, PORT: '0', HOST: '0.0.0.0' }, /ready/u);
      expect(refused.code).to.equal(1);
      expect(refused.stderr.split('\n')).to.have.length(1);
      expect(refused.stderr).to.match(/^Configuration error: HOST is reachable from other machines, but MicrosoftAppId is empty.*ALLOW_UNAUTHENTICATED_BOT=true.*\(got "0\.0\.0\.0"\)\. See \.env\.example\.$/u);
      expect(refused.stdout).to.equal('');
      const allowed = await runMain({ DATA_DIR: dir, PORT: '0', HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_BOT: 'true' }, /ready/u);
      expect(allowed.stdout).to.match(/Intake assistant ready/u);
    });

    it('on 0.0.0.0 with an app id, a Teams activity without a valid token gets 401 and no staff feature answers', async () => {
      dir = await tempDir('intake-appid-');
      const service = await startService({
        port: await freePort(),
        env: { DATA_DIR: dir, HOST: '0.0.0.0', LOG_LEVEL: 'silent', MicrosoftAppId: '00000000-0000-4000-8000-0000000000b0', MicrosoftAppPassword: 'not-a-real-secret', TEAMS_TENANT_ID: '00000000-0000-4000-8000-0000000000c0' },
      });
      try {
        const teams = {
          type: 'message',
          text: 'nya ärenden',
          channelId: 'msteams',
          serviceUrl: 'https://smba.trafficmanager.net/emea/',
          conversation: { id: 'a:personal', tenantId: '00000000-0000-4000-8000-0000000000c0' },
          from: { id: '29:x', aadObjectId: '00000000-0000-4000-8000-00000000a001' },
          channelData: { tenant: { id: '00000000-0000-4000-8000-0000000000c0' } },
          deliveryMode: 'expectReplies',
        };
        // Tokens that are refused before any key is fetched (no network): none, not a JWT, not signed.
        const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://example.invalid', aud: '00000000-0000-4000-8000-0000000000b0' })).toString('base64url')}.`;
        for (const authorization of [undefined, 'Bearer not-a-token', `Bearer ${unsigned}`, 'Basic dXNlcjpwdw==']) {
          const res = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(teams) });
          expect(res.status, String(authorization)).to.equal(401);
          expect(await res.text()).not.to.include('ärenden till');
        }
        expect(service.exited).to.equal(false);
      } finally {
        await service.kill();
      }
    });

    it('starts with the defaults and says where it listens', async () => {
      dir = await tempDir('intake-start-');
      const exit = await runMain({ DATA_DIR: dir, PORT: '0' }, /ready/u);
      expect(exit.stdout).to.match(/Intake assistant ready in \d+\.\d s: http:\/\/127\.0\.0\.1:\d+\/api\/messages/u);
      expect(exit.stderr).to.equal('');
    });
  });

  describe('the .env file', () => {
    let work: string;
    beforeEach(async () => {
      work = await tempDir('intake-envfile-');
    });
    afterEach(async () => {
      await removeDir(work);
    });

    it('is read from the working folder at start-up, and the environment wins over it', async () => {
      const fromFile = path.join(work, 'data-from-file');
      const fromEnv = path.join(work, 'data-from-env');
      // As a newcomer writes it from .env.example: comments, an empty value, a quoted value.
      await writeFile(
        path.join(work, '.env'),
        [
          '# my settings',
          `DATA_DIR="${fromFile}"`,
          `CONTENT_DIR=${path.join(REPO_ROOT, 'data')}`,
          `LOCALES_DIR=${path.join(REPO_ROOT, 'locales')}`,
          `NLU_CACHE_DIR=${path.join(REPO_ROOT, 'var', 'cache', 'nlu')}`,
          'PORT=0',
          'MicrosoftAppId=',
          '',
        ].join('\n'),
      );
      const exit = await runMain({ ENV_FILE: undefined }, /ready/u, work);
      expect(exit.stderr).to.equal('');
      expect(exit.stdout).to.include(`data in ${fromFile}, settings from ${path.join(work, '.env')}`);

      const overridden = await runMain({ ENV_FILE: undefined, DATA_DIR: fromEnv }, /ready/u, work);
      expect(overridden.stdout).to.include(`data in ${fromEnv}`);
    });

    it('stops with one line when ENV_FILE names a file that is not there', async () => {
      const exit = await runMain({ ENV_FILE: path.join(work, 'missing.env') });
      expect(exit.code).to.equal(1);
      expect(exit.stderr).to.equal(`Configuration error: ENV_FILE names ${path.join(work, 'missing.env')}, which does not exist. Create it (see .env.example) or unset ENV_FILE.`);
    });

    it('stops with one line naming the variable when the file sets a bad value', async () => {
      const file = path.join(work, 'bad.env');
      await writeFile(file, `PORT=abc\nDATA_DIR=${path.join(work, 'data')}\n`);
      const exit = await runMain({ ENV_FILE: file });
      expect(exit.code).to.equal(1);
      expect(exit.stderr).to.equal('Configuration error: PORT must be a whole number (got "abc"). See .env.example.');
    });
  });
});
