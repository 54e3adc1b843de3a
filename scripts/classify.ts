/**
 * `npm run classify`: one utterance per line on standard input, one JSON object per line out:
 *   {"text": …, "intent": …, "intentScore": …, "topics": [{"topic": …, "score": …}],
 *    "risk": "acute" | "unsure" | "none", "categories": […], "situations": […], "trigger": …, "subject": …}
 * with the configured recognizer (embedded by default) and no server. `risk` is the safety net's level,
 * read through exactly the path the conversation acts on (Recognition.safety). Progress goes to stderr.
 *   echo "kan jag prata med någon på riktigt?" | npm run -s classify
 *   npm run -s classify -- --locale en < questions.txt
 */
import readline from 'node:readline';
import { ConfigError, loadConfig } from '../src/config.js';
import { ContentError, loadContent } from '../src/core/content/load.js';
import { createLogger } from '../src/logger.js';
import { createRecognizer } from '../src/nlu/create.js';

async function main(): Promise<void> {
  const localeArg = process.argv.indexOf('--locale');
  const config = loadConfig();
  const locale = localeArg > 0 && process.argv[localeArg + 1] ? process.argv[localeArg + 1]! : config.defaultLocale;
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  process.stderr.write(`Training the embedded recognizer from ${config.localesDir}/*/nlu …\n`);
  const { recognizer, trainingMs } = await createRecognizer(config.nlu, config.localesDir, content, createLogger('warn'));
  process.stderr.write(`Ready in ${trainingMs} ms (${config.nlu.recognizer}, locale ${locale}). One utterance per line.\n`);

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const text = line.trim();
    if (!text) continue;
    const r = await recognizer.recognize(text, locale);
    const { level, categories, situations, trigger, subject } = r.safety;
    process.stdout.write(`${JSON.stringify({ text, intent: r.intent, intentScore: r.intentScore, topics: r.topics, risk: level, categories, situations, trigger: trigger ?? null, subject })}\n`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else if (err instanceof ContentError) process.stderr.write(`Content error: ${err.message}. Fix the file and try again.\n`);
  else process.stderr.write(`classify failed: ${(err as Error).message}\n`);
  process.exit(1);
});
