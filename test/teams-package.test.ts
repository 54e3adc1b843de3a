/**
 * `npm run teams:package` as the person who sets up the Teams app meets it: the real command in a
 * child process with a controlled environment, writing into a temporary folder. The package must
 * hold exactly manifest.json, color.png and outline.png, with a manifest Teams accepts (v1.17
 * limits, https addresses, the staff commands) and icons of the sizes and colours Teams requires;
 * a missing or bad setting stops it with one line naming the variable. Nothing reaches the network.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer as readAll } from 'node:stream/consumers';
import { expect } from 'chai';
import { PNG } from 'pngjs';
import yauzl from 'yauzl';
import { buildManifest, type TeamsManifest } from '../src/teams/manifest.js';
import { loadTeamsPackageConfig, type TeamsPackageSettings } from '../src/teams/package-config.js';
import { loadTeamsTexts, type TeamsTexts } from '../src/teams/texts.js';
import { REPO_ROOT } from './helpers/paths.js';

const BOT_ID = '1b2c3d4e-1111-4222-8333-123456789abc';
const TEAMS_APP_ID = '9f8e7d6c-5555-4666-8777-0123456789ab';
const AAD_APP_ID = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const COMMANDS = ['nya ärenden', 'öppna <referens>', 'ta <referens>', 'stäng <referens>', 'hjälp'];

interface Run {
  code: number | null;
  stdout: string;
  /** stderr without Node's own deprecation warnings. */
  stderrLines: string[];
}

/** Runs the command exactly as `npm run teams:package` does, with only these variables (plus PATH). */
function runPackage(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/teams-package.ts'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderrLines = stderr.split('\n').filter((l) => l.trim() && !/DeprecationWarning|--trace-deprecation/u.test(l));
      resolve({ code, stdout, stderrLines });
    });
  });
}

/** The zip's entries by name, read with yauzl (a separate implementation from the writer, yazl). */
async function unzip(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      files.set(entry.fileName, await readAll(await zip.openReadStreamPromise(entry)));
    }
  } finally {
    zip.close();
  }
  return files;
}

/** Width and height from a PNG's header: the IHDR chunk's first eight bytes, at bytes 16–23. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').to.equal(true);
  expect(png.subarray(12, 16).toString('latin1')).to.equal('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('npm run teams:package', function () {
  this.timeout(60000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'teams-package-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('with good settings', () => {
    let run: Run;
    let zipFile: string;
    let files: Map<string, Buffer>;
    let manifest: TeamsManifest;

    before(async () => {
      zipFile = path.join(dir, 'out', 'teams.zip');
      run = await runPackage({ MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', TEAMS_OUTPUT: zipFile });
      if (run.code === 0) {
        files = await unzip(zipFile);
        manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as TeamsManifest;
      }
    });

    it('exits 0 and tells where the package is, how large, and what to do next', async () => {
      expect(run.stderrLines, 'stderr').to.deep.equal([]);
      expect(run.code).to.equal(0);
      const { size } = await stat(zipFile);
      expect(run.stdout).to.include(zipFile);
      expect(run.stdout).to.match(size < 1024 ? new RegExp(`${size} bytes`, 'u') : new RegExp(`${(size / 1024).toFixed(1)} kB`, 'u'));
      expect(run.stdout).to.include('Apps → Manage your apps → Upload an app');
      expect(await readdir(path.dirname(zipFile)), 'no partial file left').to.deep.equal(['teams.zip']);
    });

    it('zips exactly manifest.json, color.png and outline.png at the root', () => {
      expect([...files.keys()].sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
    });

    it('writes a v1.17 manifest with the bot as app and bot id, and the package version', async () => {
      const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(manifest.$schema).to.equal('https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json');
      expect(manifest.manifestVersion).to.equal('1.17');
      expect(manifest.id).to.equal(BOT_ID);
      expect(manifest.version).to.equal(pkg.version);
      expect(manifest.version).to.match(/^\d+\.\d+\.\d+$/u);
      expect(manifest).not.to.have.property('packageName');
      expect(manifest).not.to.have.property('webApplicationInfo');
      expect(manifest.bots).to.have.length(1);
      const bot = manifest.bots[0]!;
      expect(bot.botId).to.equal(BOT_ID);
      expect(bot.scopes).to.have.members(['team', 'personal', 'groupChat']);
      expect(bot.supportsFiles).to.equal(false);
      expect(bot.isNotificationOnly).to.equal(false);
      expect(manifest.permissions).to.deep.equal(['identity', 'messageTeamMembers']);
      expect(manifest.validDomains).to.deep.equal(['intag.example.se']);
      expect(manifest.icons).to.deep.equal({ color: 'color.png', outline: 'outline.png' });
      expect(manifest.accentColor).to.match(/^#[0-9a-f]{6}$/iu);
    });

    it('points the developer links at https pages under PUBLIC_URL', () => {
      expect(manifest.developer).to.deep.equal({
        name: 'Region Värmland m.fl. (exempel)',
        websiteUrl: 'https://intag.example.se/',
        privacyUrl: 'https://intag.example.se/integritet',
        termsOfUseUrl: 'https://intag.example.se/villkor',
      });
    });

    it("keeps names and descriptions within Teams' limits, in Swedish from locales/sv/teams.yaml", () => {
      expect(manifest.name.short).to.equal('Intag god och nära vård');
      expect(manifest.name.short.length).to.be.at.most(30);
      expect(manifest.name.full.length).to.be.at.most(100);
      expect(manifest.name.full).to.include(manifest.name.short);
      expect(manifest.developer.name.length).to.be.at.most(32);
      expect(manifest.description.short.length).to.be.within(1, 80);
      expect(manifest.description.full.length).to.be.within(1, 4000);
      expect(manifest.description.full).to.match(/ärende/u);
    });

    it('offers the staff commands in personal chats and teams, each described', () => {
      const lists = manifest.bots[0]!.commandLists;
      expect(lists).to.have.length(1);
      expect(lists[0]!.scopes).to.have.members(['personal', 'team']);
      expect(lists[0]!.commands.map((c) => c.title)).to.deep.equal(COMMANDS);
      for (const c of lists[0]!.commands) {
        expect(c.title.length, c.title).to.be.at.most(32);
        expect(c.description.length, c.title).to.be.within(1, 128);
      }
    });

    it('draws a 192×192 colour icon and a 32×32 outline icon', () => {
      expect(pngSize(files.get('color.png')!)).to.deep.equal({ width: 192, height: 192 });
      expect(pngSize(files.get('outline.png')!)).to.deep.equal({ width: 32, height: 32 });
    });

    it('draws the outline icon in white on transparent only, with a visible mark', () => {
      const png = PNG.sync.read(files.get('outline.png')!);
      let visible = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const [r, g, b, a] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
        if (a === 0) continue;
        expect([r, g, b], `pixel ${i / 4}`).to.deep.equal([255, 255, 255]);
        visible++;
      }
      expect(visible).to.be.greaterThan(50);
      expect(visible).to.be.lessThan(32 * 32 / 2);
    });

    it('fills the colour icon with the accent colour and a white mark', () => {
      const png = PNG.sync.read(files.get('color.png')!);
      const at = (x: number, y: number) => [...png.data.subarray((y * 192 + x) * 4, (y * 192 + x) * 4 + 4)];
      expect(at(20, 96), 'the background').to.deep.equal([0x0b, 0x5c, 0xad, 255]);
      expect(at(60, 80), 'the speech bubble').to.deep.equal([255, 255, 255, 255]);
      expect(at(96, 88), 'the heart').to.deep.equal([0x0b, 0x5c, 0xad, 255]);
    });
  });

  it('uses TEAMS_APP_ID as app id, the given addresses and domains, and adds single sign-on with TEAMS_AAD_APP_ID', async () => {
    const zipFile = path.join(dir, 'sso.zip');
    const run = await runPackage({
      MicrosoftAppId: BOT_ID,
      TEAMS_APP_ID,
      TEAMS_APP_NAME: 'Intag Karlstad',
      TEAMS_APP_VERSION: '2.3.4',
      TEAMS_DEVELOPER_NAME: 'Karlstads kommun',
      TEAMS_WEBSITE_URL: 'https://karlstad.example.se/intag',
      TEAMS_PRIVACY_URL: 'https://karlstad.example.se/integritet',
      TEAMS_TERMS_URL: 'https://karlstad.example.se/villkor',
      TEAMS_VALID_DOMAINS: 'intag.karlstad.example.se, *.example.se',
      TEAMS_ACCENT_COLOR: '#2E7D32',
      TEAMS_AAD_APP_ID: AAD_APP_ID,
      TEAMS_OUTPUT: zipFile,
    });
    expect(run.stderrLines).to.deep.equal([]);
    expect(run.code).to.equal(0);
    const manifest = JSON.parse((await unzip(zipFile)).get('manifest.json')!.toString('utf8')) as TeamsManifest;
    expect(manifest.id).to.equal(TEAMS_APP_ID);
    expect(manifest.bots[0]!.botId).to.equal(BOT_ID);
    expect(manifest.name.short).to.equal('Intag Karlstad');
    expect(manifest.version).to.equal('2.3.4');
    expect(manifest.developer).to.deep.equal({
      name: 'Karlstads kommun',
      websiteUrl: 'https://karlstad.example.se/intag',
      privacyUrl: 'https://karlstad.example.se/integritet',
      termsOfUseUrl: 'https://karlstad.example.se/villkor',
    });
    expect(manifest.validDomains).to.deep.equal(['intag.karlstad.example.se', '*.example.se']);
    expect(manifest.accentColor).to.equal('#2e7d32');
    expect(manifest.webApplicationInfo).to.deep.equal({ id: AAD_APP_ID, resource: `api://botid-${BOT_ID}` });
  });

  describe('stops with one line naming the variable, exit code 1 and no package', () => {
    const cases: Array<[string, Record<string, string>, string, RegExp]> = [
      ['MicrosoftAppId is missing', { PUBLIC_URL: 'https://intag.example.se' }, 'MicrosoftAppId', /is required/u],
      ['MicrosoftAppId is not a UUID', { MicrosoftAppId: 'my-bot', PUBLIC_URL: 'https://intag.example.se' }, 'MicrosoftAppId', /UUID \(got "my-bot"\)/u],
      ['PUBLIC_URL is http (the default is too)', { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'http://intag.example.se' }, 'PUBLIC_URL', /https/u],
      ['PUBLIC_URL is not set (http://localhost:3978)', { MicrosoftAppId: BOT_ID }, 'PUBLIC_URL', /https.*got "http:\/\/localhost:3978"/u],
      ['a page address is http', { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', TEAMS_PRIVACY_URL: 'http://intag.example.se/integritet' }, 'TEAMS_PRIVACY_URL', /https/u],
      ['the app name is longer than 30 characters', { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', TEAMS_APP_NAME: 'Intag för god och nära vård i Värmland' }, 'TEAMS_APP_NAME', /30 characters/u],
      ['the version has a suffix', { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', TEAMS_APP_VERSION: '1.0.0-beta' }, 'TEAMS_APP_VERSION', /three numbers/u],
      ['a domain has a scheme', { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', TEAMS_VALID_DOMAINS: 'https://intag.example.se' }, 'TEAMS_VALID_DOMAINS', /no https/u],
    ];
    for (const [title, env, variable, detail] of cases) {
      it(`when ${title}`, async () => {
        const zipFile = path.join(dir, 'failed', 'x.zip');
        const run = await runPackage({ ...env, TEAMS_OUTPUT: zipFile });
        expect(run.code).to.equal(1);
        expect(run.stdout).to.equal('');
        expect(run.stderrLines).to.have.length(1);
        const line = run.stderrLines[0]!;
        expect(line).to.match(new RegExp(`^Configuration error: ${variable} `, 'u'));
        expect(line).to.match(detail);
        expect(line).to.match(/See \.env\.example\.$/u);
        await readdir(path.dirname(zipFile)).then(
          (names) => expect(names).to.deep.equal([]),
          (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
        );
      });
    }
  });

  it('stops with the file and field when a text in teams.yaml is too long for Teams', async () => {
    const locales = path.join(dir, 'locales');
    await cp(path.join(REPO_ROOT, 'locales', 'sv', 'teams.yaml'), path.join(locales, 'sv', 'teams.yaml'));
    const file = path.join(locales, 'sv', 'teams.yaml');
    const text = await readFile(file, 'utf8');
    const changed = text.replace(/^  short: .*$/mu, `  short: ${'Mycket lång beskrivning '.repeat(5)}`);
    expect(changed).not.to.equal(text);
    await writeFile(file, changed);
    const run = await runPackage({ MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', LOCALES_DIR: locales, TEAMS_OUTPUT: path.join(dir, 'long.zip') });
    expect(run.code).to.equal(1);
    expect(run.stderrLines).to.have.length(1);
    expect(run.stderrLines[0]).to.match(/^Content error: .*teams\.yaml: description\.short: must be at most 80 characters/u);
  });

  describe('the manifest function', () => {
    let texts: TeamsTexts;
    let settings: TeamsPackageSettings;

    before(() => {
      texts = loadTeamsTexts(path.join(REPO_ROOT, 'locales'));
      settings = loadTeamsPackageConfig({ MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se:8443/bot/' }, { packageVersion: '1.2.3', cwd: REPO_ROOT });
    });

    it('derives the pages and the domain from PUBLIC_URL, without its port, and the output under the working folder', () => {
      expect([settings.websiteUrl, settings.privacyUrl, settings.termsOfUseUrl]).to.deep.equal([
        'https://intag.example.se:8443/bot/',
        'https://intag.example.se:8443/bot/integritet',
        'https://intag.example.se:8443/bot/villkor',
      ]);
      expect(settings.validDomains).to.deep.equal(['intag.example.se']);
      expect(settings.output).to.equal(path.join(REPO_ROOT, 'dist', 'teams', 'narvard-intake-teams.zip'));
    });

    it('is the same for the same settings and leaves them unchanged', () => {
      const before = JSON.stringify(settings);
      expect(buildManifest(settings, texts)).to.deep.equal(buildManifest(settings, texts));
      expect(JSON.stringify(settings)).to.equal(before);
    });

    it('has single sign-on only with TEAMS_AAD_APP_ID, with TEAMS_AAD_RESOURCE when given', () => {
      expect(buildManifest(settings, texts)).not.to.have.property('webApplicationInfo');
      const sso = loadTeamsPackageConfig(
        { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://intag.example.se', TEAMS_AAD_APP_ID: AAD_APP_ID, TEAMS_AAD_RESOURCE: 'api://intag.example.se/botid-x' },
        { packageVersion: '1.2.3' },
      );
      expect(buildManifest(sso, texts).webApplicationInfo).to.deep.equal({ id: AAD_APP_ID, resource: 'api://intag.example.se/botid-x' });
    });
  });
});
