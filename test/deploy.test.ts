/**
 * The container image and the compose file, without a Docker engine (none runs here, and no image
 * registry is reachable): the Dockerfile's steps run in a clean folder (test/helpers/dockerfile.ts),
 * and the result is started as the image would start it: its user, working directory, environment,
 * data volume and health check. compose.yaml is checked for what running two instances on
 * PostgreSQL behind the proxy needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';
import { buildDockerfile, environment, run, type Built, type Stage } from './helpers/dockerfile.js';
import { freePort } from './helpers/service-process.js';

/** The official Node images' user "node". */
const NODE_USER = { uid: 1000, gid: 1000 };

/** The build context: the repository's files (committed or new, not ignored), less what .dockerignore leaves out. */
async function buildContext(into: string): Promise<void> {
  const ignored = (await readFile(path.join(REPO_ROOT, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const matches = (file: string, pattern: string) =>
    pattern.startsWith('*') ? file.endsWith(pattern.slice(1)) : file === pattern || file.startsWith(`${pattern.replace(/\/$/u, '')}/`);
  for (const file of files.filter((f) => !ignored.some((p) => matches(f, p)) && existsSync(path.join(REPO_ROOT, f)))) {
    await mkdir(path.dirname(path.join(into, file)), { recursive: true });
    await cp(path.join(REPO_ROOT, file), path.join(into, file));
  }
}

describe('the container image (Dockerfile) and compose.yaml', function () {
  this.timeout(15 * 60_000);
  let dir: string;
  let built: Built;
  let image: Stage;
  let service: ChildProcess | undefined;
  const asRoot = process.getuid?.() === 0;

  before(async function () {
    dir = await tempDir('intake-image-');
    // mkdtemp makes a folder only its owner may enter; the image's user must reach the files inside.
    await chmod(dir, 0o755);
    const context = path.join(dir, 'context');
    await buildContext(context);
    const steps: string[] = [];
    built = await buildDockerfile({
      dockerfile: path.join(context, 'Dockerfile'),
      context,
      into: path.join(dir, 'stages'),
      users: { node: NODE_USER },
      baseEnv: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/root',
        npm_config_update_notifier: 'false',
        ...(process.env['npm_config_cache'] ? { npm_config_cache: process.env['npm_config_cache'] } : {}),
      },
      onStep: (line) => steps.push(line),
    });
    image = built.stages.at(-1)!;
    await chmod(path.join(dir, 'stages'), 0o755);
  });

  after(async () => {
    if (service && service.exitCode === null) service.kill('SIGKILL');
    await removeDir(dir);
  });

  it('has two stages: the image runs as a user who is not root, with its data in a volume and a health check', () => {
    expect(built.stages.map((s) => s.name)).to.deep.equal(['build', 'stage-1']);
    expect(image.user).to.equal('node');
    expect(image.workdir).to.equal('/app');
    expect(image.volumes).to.deep.equal(['/data']);
    expect(image.env['DATA_DIR']).to.equal('/data');
    expect(image.env['HOST'], 'a container must listen on all of its addresses').to.equal('0.0.0.0');
    expect(image.healthcheck?.command).to.deep.equal(['node', 'dist/scripts/healthcheck.js']);
    expect(image.cmd?.[0]).to.equal('node');
  });

  it('carries only what runs: compiled code, production packages, content, the trained recognizer', async () => {
    const app = path.join(image.root, 'app');
    for (const needed of ['dist/src/main.js', 'dist/scripts/healthcheck.js', 'dist/scripts/backup.js', 'node_modules/botbuilder', 'node_modules/prom-client', 'data/questions.yaml', 'locales/sv/texts.yaml', 'public/widget.js', 'package.json']) {
      expect(existsSync(path.join(app, needed)), needed).to.equal(true);
    }
    // (typescript stays: i18next names it as a peer dependency.)
    for (const left of ['node_modules/mocha', 'node_modules/tsx', 'node_modules/playwright-core', 'node_modules/autocannon', 'src', 'test', '.env']) {
      expect(existsSync(path.join(app, left)), `${left} in the image`).to.equal(false);
    }
    const models = await readdir(path.join(app, 'var', 'cache', 'nlu'));
    expect(models.filter((m) => m.startsWith('embedded-recognizer-') && m.endsWith('.bin'))).to.have.length(1);
    // The content's parsed YAML, kept beside it at build time (src/core/content/yaml-cache.ts).
    expect(models).to.include('parsed-yaml.json');
    expect(statSync(path.join(image.root, 'data')).uid, '/data belongs to the image user').to.equal(asRoot ? NODE_USER.uid : process.getuid?.());
  });

  it('starts as the image would, reads the recognizer trained at build time, answers, and its health check passes', async function () {
    const port = await freePort();
    // As the image: its environment, in its working folder, as its user. Only HOST is changed: tests
    // listen on 127.0.0.1 alone (the image's 0.0.0.0 is checked above).
    const env = { ...environment(image, built.inside), PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1' };
    const cwd = path.join(image.root, image.workdir);
    const user = asRoot ? NODE_USER : {};
    const [command, ...args] = image.cmd!;
    expect(command).to.equal('node');
    service = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    let out = '';
    service.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    service.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${out}`)), 60_000);
      service!.stdout!.on('data', () => {
        if (out.includes('Intake assistant ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      service!.once('exit', (code) => reject(new Error(`the service ended with ${code}:\n${out}`)));
    });
    expect(out).to.match(/"msg":"language understanding ready"/u);
    expect(out, 'the model trained at build time is read, not trained again').to.match(/"fromCache":true/u);
    expect(out).to.include(`data in ${path.join(image.root, 'data')}`);

    const health = (expectOk: boolean) => {
      const [hc, ...hcArgs] = image.healthcheck!.command;
      expect(hc).to.equal('node');
      return run([process.execPath, ...hcArgs].join(' '), cwd, env, user).then(
        () => expect(expectOk, 'the health check passed').to.equal(true),
        (err: Error) => expect(expectOk, `the health check failed: ${err.message}`).to.equal(false),
      );
    };
    await health(true);

    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'conversationUpdate', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'image-1' }, from: { id: 'u' }, recipient: { id: 'b' }, membersAdded: [{ id: 'u' }], locale: 'sv-SE', deliveryMode: 'expectReplies' }),
    });
    expect(res.status).to.equal(200);
    expect(JSON.stringify(await res.json())).to.include('Vill du fortsätta?');
    if (asRoot) {
      const state = path.join(image.root, 'data', 'state');
      const written = await readdir(state);
      expect(written.length).to.be.greaterThan(0);
      expect(statSync(path.join(state, written[0]!)).uid, 'written by the image user').to.equal(NODE_USER.uid);
      // The user cannot change the code it runs.
      await run('touch dist/src/main.js', cwd, env, user).then(
        () => expect.fail('the image user could write its own code'),
        (err: Error) => expect(err.message).to.match(/Permission denied/u),
      );
    } else {
      this.test!.title += ' (not root here: started as this user, not as uid 1000)';
    }

    service.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => service!.once('exit', resolve));
    expect(code, 'a clean stop on SIGTERM (docker stop)').to.equal(0);
    await health(false);
  });

  it('compose.yaml runs two instances on one PostgreSQL behind the proxy, sharing their secrets', async () => {
    const compose = parse(await readFile(path.join(REPO_ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { build?: string; image?: string; environment?: Record<string, string>; volumes?: string[]; depends_on?: Record<string, { condition: string }> | string[]; healthcheck?: unknown; ports?: string[] }>;
      volumes: Record<string, unknown>;
    };
    const instances = Object.entries(compose.services).filter(([, s]) => s.build === '.');
    expect(instances.map(([name]) => name)).to.deep.equal(['intake-1', 'intake-2']);
    for (const [name, s] of instances) {
      expect(s.environment?.['DATABASE_URL'], name).to.match(/^postgresql:\/\/intake:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/intake$/u);
      for (const shared of ['DIRECTLINE_TOKEN_SECRET', 'STAFF_SESSION_SECRET', 'METRICS_TOKEN']) expect(s.environment?.[shared], `${name} ${shared}`).to.match(new RegExp(`^\\$\\{${shared}:\\?`, 'u'));
      expect((s.depends_on as Record<string, { condition: string }>)['postgres']?.condition).to.equal('service_healthy');
      expect(s.volumes?.[0], `${name}'s own data volume`).to.match(/^intake-\d-data:\/data$/u);
      expect(s.ports, `${name} is reached through the proxy only`).to.equal(undefined);
    }
    expect(compose.services['postgres']?.image).to.match(/^postgres:15/u);
    expect(compose.services['postgres']?.healthcheck).to.not.equal(undefined);
    const caddyfile = await readFile(path.join(REPO_ROOT, 'deploy', 'Caddyfile'), 'utf8');
    expect(caddyfile).to.match(/reverse_proxy intake-1:3978 intake-2:3978/u);
    expect(caddyfile).to.match(/health_uri \/readyz/u);
    expect(caddyfile, 'the proxy never serves /metrics').to.match(/@metrics path \/metrics\s+respond @metrics 404/u);
    expect(caddyfile, 'nor the unauthenticated bot endpoint').to.match(/@botapi path \/api\/messages\s+respond @botapi 404/u);
    for (const [name, s] of instances) {
      expect(s.environment?.['ALLOW_UNAUTHENTICATED_BOT'], name).to.equal('${ALLOW_UNAUTHENTICATED_BOT:-true}');
      expect(s.environment?.['TRUSTED_PROXIES'], name).to.match(/^\$\{TRUSTED_PROXIES:-/u);
    }
    expect(compose.services['proxy']?.ports).to.deep.equal(['8080:8080']);
    // Every variable compose asks .env for is in the example.
    const example = await readFile(path.join(REPO_ROOT, 'deploy', 'compose.env.example'), 'utf8');
    const asked = [...(await readFile(path.join(REPO_ROOT, 'compose.yaml'), 'utf8')).matchAll(/\$\{(\w+)/gu)].map((m) => m[1]!);
    for (const name of new Set(asked)) expect(example, name).to.match(new RegExp(`^${name}=`, 'mu'));
  });
});
