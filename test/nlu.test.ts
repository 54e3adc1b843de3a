/**
 * Understanding free text: the embedded recognizer on phrasings a resident would write, the
 * `npm run classify` and `npm run nlu:eval` commands, the LUIS and CLU adapters against loopback
 * stand-ins that answer in the services' real response shapes, and the fallback when they fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { loadContent, ContentError } from '../src/core/content/load.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createRecognizer, embeddedRecognizer } from '../src/nlu/create.js';
import { loadTrainingData } from '../src/nlu/training-data.js';
import type { Recognizer } from '../src/core/nlu/recognizer.js';
import { REPO_ROOT, removeDir, startConversation, tempDir, textOf } from './helpers/harness.js';
import { runScript } from './helpers/scripts.js';

const content = () => loadContent({ dataDir: path.join(REPO_ROOT, 'data'), localesDir: path.join(REPO_ROOT, 'locales'), defaultLocale: 'sv' });


interface Stub {
  url: string;
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders; body: unknown }>;
  close(): Promise<void>;
}

/** A loopback HTTP server answering every request with `answer` (status, body, delay). */
async function stub(answer: (body: unknown) => { status: number; body: unknown; delayMs?: number }): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const a = answer(body);
      setTimeout(() => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** LUIS v3 prediction, as the service answers it. */
function luisAnswer(query: string, topIntent: string, score: number) {
  return { query, prediction: { topIntent, intents: { [topIntent]: { score }, None: { score: 1 - score } }, entities: {} } };
}

/** CLU analyze-conversations, as the service answers it. */
function cluAnswer(query: string, topIntent: string, score: number) {
  return {
    kind: 'ConversationResult',
    result: {
      query,
      prediction: {
        topIntent,
        projectKind: 'Conversation',
        intents: [
          { category: topIntent, confidenceScore: score },
          { category: 'None', confidenceScore: 1 - score },
        ],
        entities: [],
      },
    },
  };
}

describe('understanding what people write', function () {
  this.timeout(60000);
  let embedded: Recognizer;

  before(async () => {
    embedded = await embeddedRecognizer(path.join(REPO_ROOT, 'locales'), content());
  });

  describe('the embedded recognizer (offline)', () => {
    it('follows the person: a human, help, going back, erasure, another language', async () => {
      expect((await embedded.recognize('kan jag prata med någon på riktigt?', 'sv')).intent).to.equal('human');
      expect((await embedded.recognize('jag fattar inte vad jag ska svara här', 'sv')).intent).to.equal('help');
      expect((await embedded.recognize('kan vi ta det på engelska istället', 'sv')).intent).to.equal('language');
      expect((await embedded.recognize('jag vill att ni raderar allt jag skrivit', 'sv')).intent).to.equal('forget_me');
    });

    it('takes ordinary answers as answers, also when they mention help or going back', async () => {
      for (const text of ['nä du, det går inte så bra med trapporna längre', 'min dotter hjälper mig med handlingen', 'jag vill kunna gå tillbaka till mitt gamla jobb']) {
        const r = await embedded.recognize(text, 'sv');
        expect(r.intent, text).to.equal('none');
        expect(r.risk, text).to.equal('none');
      }
    });

    /** Each text is judged as expected (the text names a failure). */
    async function expectRisk(risk: 'acute' | 'none', texts: string[]): Promise<void> {
      for (const text of texts) expect((await embedded.recognize(text, 'sv')).risk, text).to.equal(risk);
    }

    it('raises an alarm on acute risk, not on idioms or a story from long ago', async () => {
      await expectRisk('acute', ['jag vill inte leva längre', 'pappa har ramlat och kommer inte upp, han svarar inte', 'han slår mig och jag är rädd att han kommer hem ikväll']);
      await expectRisk('none', ['jag är dödstrött efter jobbet', 'jag dör av skratt när barnbarnen busar', 'för tjugo år sedan ville jag inte leva, nu mår jag bra']);
    });

    it('reads words in their order: a game is not a threat, a story that ended is not one, a threat after it is', async () => {
      await expectRisk('none', ['han slår mig alltid i kortspel på fredagarna', 'han slog mig, men vi skildes för länge sedan', 'jag tar livet som det kommer']);
      await expectRisk('acute', ['vi skildes för länge sedan, men han hotar att döda mig nu', 'det vore bättre för alla om jag var död']);
    });

    it('reads each part of a message: the past does not hide a danger told after it, an idiom or a denial is no alarm', async () => {
      await expectRisk('acute', [
        'för två år sedan slog han mig, nu hotar han att döda mig ikväll',
        'jag mådde bra i somras, nu vill jag inte leva längre och har tabletterna framme',
        'han har slagit mig varje vecka sedan i höstas och i kväll är han full igen',
      ]);
      await expectRisk('none', ['han har tagit livet av sina pelargoner igen', 'nej, jag har aldrig tänkt på att ta mitt liv', 'för tio år sedan ville jag inte leva. Nu har jag ett bra liv.']);
    });

    it('raises an alarm on many pills at once named by count, package or medicine, and on someone at home hit just now', async () => {
      await expectRisk('acute', ['har svalt typ 30 panodil för en stund sen', 'jag åt hela kartan med stesolid', 'farsan slog mamma nu ikväll och hon gråter']);
      await expectRisk('none', ['slog i huvudet nyss men det är ingen fara', 'tog hela dosetten med mig på resan']);
    });

    it('no alarm on a denied fear or violence, on learning about suicide, or on medicines as daily care; an alarm when the danger is there after all', async () => {
      await expectRisk('none', [
        'jag är inte alls rädd för min sambo, han är snäll',
        'här hemma har det aldrig förekommit något våld',
        'min dotter går en kurs i suicidprevention på jobbet',
        'vi lyssnade på en podd om självmord bland unga män',
        'hemtjänsten hjälper mig att lägga dosetten varje söndag',
      ]);
      await expectRisk('acute', [
        'jag är inte rädd för att dö längre, jag har tabletterna framme nu',
        'ingen vet om det men han slår mig varje kväll och i kväll är han full',
        'svalde hela dosetten för en halvtimme sen',
      ]);
    });

    it('suggests routing topics from a free-text answer', async () => {
      const r = await embedded.recognize('hemtjänsten kommer bara en gång om dagen och jag klarar inte att laga mat själv längre', 'sv');
      expect(r.topics.map((t) => t.topic)).to.include('elderly_care');
    });
  });

  describe('training data as files', () => {
    it('stops start-up with the file name when a file is not a known label', async () => {
      const dir = await tempDir('intake-nlu-');
      try {
        await cp(path.join(REPO_ROOT, 'locales', 'sv', 'nlu'), path.join(dir, 'sv', 'nlu'), { recursive: true });
        await writeFile(path.join(dir, 'sv', 'nlu', 'intents', 'smalltalk.txt'), 'hej hej\n');
        expect(() => loadTrainingData(dir, 'sv')).to.throw(ContentError, /smalltalk\.txt.*not one of the intents labels/u);
      } finally {
        await removeDir(dir);
      }
    });
  });

  describe('npm run classify', () => {
    it('reads one utterance per line and writes one JSON object per line', async () => {
      const out = await runScript('scripts/classify.ts', [], {}, 'kan jag prata med någon på riktigt?\n\njag vill inte leva längre\n');
      expect(out.code, out.stderr).to.equal(0);
      const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).to.have.length(2);
      expect(Object.keys(lines[0]!)).to.deep.equal(['text', 'intent', 'intentScore', 'topics', 'risk', 'categories', 'situations', 'trigger', 'subject']);
      expect(lines[0]).to.include({ text: 'kan jag prata med någon på riktigt?', intent: 'human', risk: 'none', trigger: null });
      expect(lines[1]).to.include({ risk: 'acute', trigger: 'jag vill inte leva längre', subject: 'self' });
      expect(lines[1]!['situations']).to.deep.equal(['suicide']);
    });
  });

  describe('npm run nlu:eval', () => {
    it('scores an older set\'s intents with per-label figures and a confusion table', async () => {
      const out = await runScript('scripts/nlu-eval.ts', ['--dir', 'test/nlu/dev']);
      expect(out.stdout).to.include('## Intents (sv): accuracy');
      expect(out.stdout).to.include('confusion (rows: expected, columns: predicted)');
      expect(out.stdout).to.match(/intent accuracy +\d+\.\d % +target ≥ 90\.0 %/u);
    });

    it('scores a safety set per language against the targets, and never prints the texts of a set given with --dir', async () => {
      const dir = await tempDir('intake-safety-set-');
      try {
        const secret = 'hemlig mening som aldrig får skrivas ut';
        await writeFile(path.join(dir, 'sv.jsonl'), `${JSON.stringify({ text: 'jag vill inte leva längre', expect: 'acute', category: 'suicide_self_harm', situation: 'suicide' })}\n${JSON.stringify({ text: secret, expect: 'ordinary', long: false })}\n`);
        const out = await runScript('scripts/nlu-eval.ts', ['--dir', dir]);
        expect(out.stdout).to.include('## Safety, sv: 1 acute and 1 ordinary texts');
        expect(out.stdout).to.match(/acute-or-unsure recall +100\.0 % +target ≥ 99\.0 % +met/u);
        expect(out.stdout).to.match(/false alarms +0\.0 % +target ≤ 2\.0 % +met/u);
        expect(out.stdout).to.match(/unsure on ordinary +0\.0 % +target ≤ 6\.0 % +met/u);
        expect(out.stdout + out.stderr).not.to.include(secret);
        expect(out.stdout + out.stderr).not.to.include('jag vill inte leva');
      } finally {
        await removeDir(dir);
      }
    });
  });

  describe('cloud recognizers (loopback stand-ins in the real response shapes)', () => {
    const logger = createLogger('silent');

    it('LUIS: the runtime client asks the v3 slot prediction endpoint and its intent is used', async () => {
      const luis = await stub((body) => ({ status: 200, body: luisAnswer((body as { query: string }).query, 'skip', 0.93) }));
      try {
        const config = loadConfig({ NLU_RECOGNIZER: 'luis', LUIS_ENDPOINT: luis.url, LUIS_APP_ID: '00000000-0000-4000-8000-0000000000aa', LUIS_KEY: 'test-key' }, REPO_ROOT);
        const { recognizer } = await createRecognizer(config.nlu, path.join(REPO_ROOT, 'locales'), content(), logger);
        const r = await recognizer.recognize('den frågan vill jag inte svara på', 'sv');
        expect(r).to.include({ intent: 'skip', intentScore: 0.93, source: 'luis' });
        expect(luis.requests[0]!.path).to.match(/^\/luis\/prediction\/v3\.0\/apps\/00000000-0000-4000-8000-0000000000aa\/slots\/production\/predict/u);
        expect(luis.requests[0]!.headers['ocp-apim-subscription-key']).to.equal('test-key');
        expect(luis.requests[0]!.body).to.deep.include({ query: 'den frågan vill jag inte svara på' });
        // Risk never depends on the cloud: the embedded recognizer still decides it.
        expect((await recognizer.recognize('jag vill inte leva längre', 'sv')).risk).to.equal('acute');
      } finally {
        await luis.close();
      }
    });

    it('CLU: analyze-conversations with the project and deployment; "None" means none', async () => {
      const clu = await stub(() => ({ status: 200, body: cluAnswer('x', 'None', 0.88) }));
      try {
        const config = loadConfig(
          { NLU_RECOGNIZER: 'clu', CLU_ENDPOINT: clu.url, CLU_KEY: 'clu-key', CLU_PROJECT: 'narvard', CLU_DEPLOYMENT: 'prod' },
          REPO_ROOT,
        );
        const { recognizer } = await createRecognizer(config.nlu, path.join(REPO_ROOT, 'locales'), content(), logger);
        const r = await recognizer.recognize('min dotter hjälper mig', 'sv');
        expect(r).to.include({ intent: 'none', intentScore: 0.88, source: 'clu' });
        const request = clu.requests[0]!;
        expect(request.path).to.equal('/language/:analyze-conversations?api-version=2023-04-01');
        expect(request.headers['ocp-apim-subscription-key']).to.equal('clu-key');
        expect(request.body).to.deep.equal({
          kind: 'Conversation',
          analysisInput: { conversationItem: { id: '1', participantId: 'resident', text: 'min dotter hjälper mig', language: 'sv' } },
          parameters: { projectName: 'narvard', deploymentName: 'prod', stringIndexType: 'TextElement_V8' },
        });
      } finally {
        await clu.close();
      }
    });

    it('falls back to the embedded recognizer for the turn when the cloud times out or fails', async () => {
      const slow = await stub((body) => ({ status: 200, body: luisAnswer((body as { query: string }).query, 'cancel', 0.99), delayMs: 2000 }));
      const broken = await stub(() => ({ status: 500, body: { error: { code: 'InternalServerError' } } }));
      try {
        const slowConfig = loadConfig({ NLU_RECOGNIZER: 'luis', NLU_TIMEOUT_MS: '200', LUIS_ENDPOINT: slow.url, LUIS_APP_ID: 'app', LUIS_KEY: 'k' }, REPO_ROOT);
        const viaSlow = await createRecognizer(slowConfig.nlu, path.join(REPO_ROOT, 'locales'), content(), logger);
        const started = Date.now();
        const r1 = await viaSlow.recognizer.recognize('kan jag prata med någon på riktigt?', 'sv');
        expect(Date.now() - started).to.be.below(1500);
        expect(r1).to.include({ intent: 'human', source: 'embedded (fallback)' });

        const brokenConfig = loadConfig({ NLU_RECOGNIZER: 'clu', CLU_ENDPOINT: broken.url, CLU_KEY: 'k', CLU_PROJECT: 'p', CLU_DEPLOYMENT: 'd' }, REPO_ROOT);
        const viaBroken = await createRecognizer(brokenConfig.nlu, path.join(REPO_ROOT, 'locales'), content(), logger);
        const r2 = await viaBroken.recognizer.recognize('kan jag prata med någon på riktigt?', 'sv');
        expect(r2).to.include({ intent: 'human', source: 'embedded (fallback)' });
      } finally {
        await slow.close();
        await broken.close();
      }
    });

    it('asks LUIS only about what a person writes in their own words, not about buttons or a command typed as written', async () => {
      const luis = await stub((body) => ({ status: 200, body: luisAnswer((body as { query: string }).query, 'None', 0.9) }));
      const convo = await startConversation({ env: { NLU_RECOGNIZER: 'luis', LUIS_ENDPOINT: luis.url, LUIS_APP_ID: '00000000-0000-4000-8000-0000000000aa', LUIS_KEY: 'test-key' } });
      try {
        await convo.join();
        await convo.sayAll(['Ja', 'För mig själv', 'Karlstad']);
        const asked = () => luis.requests.map((r) => (r.body as { query: string }).query);
        expect(asked(), 'buttons and options').to.deep.equal([]);
        const before = asked().length;
        expect(textOf(await convo.say('hjälp'))).to.include('Berätta med egna ord hur din vardag ser ut just nu.');
        expect(textOf(await convo.say('Tillbaka!'))).to.include('Vilken kommun');
        expect(asked().slice(before), 'no call for exact commands').to.deep.equal([]);
        await convo.say('Karlstad');
        await convo.say('trapporna är svåra och min dotter handlar åt mig');
        expect(asked()).to.deep.equal(['trapporna är svåra och min dotter handlar åt mig']);
      } finally {
        await convo.close();
        await luis.close();
      }
    });
  });
});
