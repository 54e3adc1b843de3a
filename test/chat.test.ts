/**
 * `npm run chat` as a newcomer meets it: it says which assistant it talks to and how it found it,
 * does not start one of its own without being asked, and the "continue later" command it prints
 * works when pasted into a shell as printed.
 */
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';
import { runCommand, runScript } from './helpers/scripts.js';
import { freePort } from './helpers/service-process.js';

const CHAT = 'src/chat/terminal-chat.ts';

/** The printed "Continue it later with: …" command. */
function continueCommand(stdout: string): string {
  const match = /Continue it later with: (.+)$/mu.exec(stdout);
  if (!match) throw new Error(`no continue command in:\n${stdout}`);
  return match[1]!;
}

/** Runs a command line in a shell, in the repository, as a person pastes it (stdin: `input`). */
function shell(command: string, input: string, env: Record<string, string> = {}) {
  return runCommand('sh', ['-c', command], { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', ENV_FILE: '', npm_config_update_notifier: 'false', ...env }, input);
}

describe('npm run chat', function () {
  this.timeout(120_000);
  let dataDir: string;
  let app: App | undefined;

  beforeEach(async () => {
    dataDir = await tempDir('intake-chat-');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await removeDir(dataDir);
  });

  async function runningService(port = 0): Promise<string> {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, REPO_ROOT);
    app = await createApp({ ...config, port }, createLogger('silent'));
    return (await app.listen()).url;
  }

  it('says it talks to the service BOT_URL names, and its continue command reaches the same conversation', async () => {
    const url = await runningService();
    const first = await runScript(CHAT, [], { BOT_URL: url }, 'ja\n');
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.include(`Talking to the assistant at ${url} (from BOT_URL).`);
    expect(first.stdout).to.include('Vill du fortsätta?');
    const command = continueCommand(first.stdout);
    expect(command).to.match(new RegExp(`^npm run chat -- --url ${url.replace(/\./gu, '\\.')} --conversation terminal-[0-9a-f-]+$`, 'u'));

    // Pasted as printed, in a shell without BOT_URL: the same conversation, at the question it had reached.
    const again = await shell(command, '');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.include(`Talking to the assistant at ${url} (from --url).`);
    expect(again.stdout).to.not.include('Vill du fortsätta?');
    expect(again.stdout).to.match(/Svarar du för dig själv/u);
  });

  it('finds the service from PORT and says so', async () => {
    const port = await freePort();
    await runningService(port);
    const run = await runScript(CHAT, [], { PORT: String(port) }, '');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`Talking to the assistant at http://127.0.0.1:${port} (from PORT=${port}).`);
  });

  it('does not start a service of its own unasked: without a terminal to ask in, it says what to run', async () => {
    const port = await freePort();
    const run = await runScript(CHAT, [], { PORT: String(port), DATA_DIR: dataDir }, 'ja\n');
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.equal(
      `No assistant answers at http://127.0.0.1:${port} (from PORT=${port}). Start it with npm start, or run npm run chat -- --start to start one inside this chat, keeping its data in ${dataDir}.`,
    );
    expect(run.stdout).to.not.include('Vill du fortsätta?');
  });

  it('stops with one line when the address it was given does not answer', async () => {
    const port = await freePort();
    const run = await runScript(CHAT, ['--url', `http://127.0.0.1:${port}`], {}, '');
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.equal(`No assistant answers at http://127.0.0.1:${port} (from --url). Start it (npm start), or correct the address.`);
  });

  it('with --start, starts one inside the chat on DATA_DIR, and the continue command finds the conversation there again', async () => {
    const port = await freePort();
    const first = await runScript(CHAT, ['--start'], { PORT: String(port), DATA_DIR: dataDir }, 'ja\n');
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.include(`Started an assistant inside this chat at http://127.0.0.1:`);
    expect(first.stdout).to.include(`with its data in ${dataDir}`);
    const command = continueCommand(first.stdout);
    expect(command).to.match(new RegExp(`^DATA_DIR=${dataDir.replace(/\./gu, '\\.')} PORT=${port} npm run chat -- --start --conversation terminal-`, 'u'));

    const again = await shell(command, '');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/Svarar du för dig själv/u);
    expect(again.stdout).to.not.include('Vill du fortsätta?');
    expect(path.isAbsolute(dataDir)).to.equal(true);
  });
});
