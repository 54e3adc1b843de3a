/**
 * Trains one language's model in a worker thread and posts back its parts, as the cache keeps them.
 *
 * Training runs the text tools and the safety net's patterns over tens of thousands of examples;
 * done on the main thread, it left the serving process with a large heap and with V8's optimised
 * code shaped by training (an intake turn cost two to four times the CPU in a process that had
 * trained, measured 2026-12-05), and it kept the main thread busy for the whole training. A worker
 * leaves all of that behind when it ends; the main thread restores the parts exactly as a start
 * with the cache does. Two languages train at once, one per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RiskPatterns } from '../core/content/schema.js';
import { languageParts, trainLanguage } from './embedded.js';

/** What the main thread sends: the same inputs as training in-process. */
export interface TrainRequest {
  localesDir: string;
  riskPatterns: Record<string, RiskPatterns>;
  language: string;
}

const request = workerData as TrainRequest;
const model = await trainLanguage({ localesDir: request.localesDir, riskPatterns: request.riskPatterns, defaultLanguage: request.language }, request.language);
parentPort!.postMessage(languageParts(model));
