/** The one-line message loadConfig gives for a bad environment (fails the test if there is none). */
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';
import { REPO_ROOT } from './paths.js';

export function configErrorFor(env: Record<string, string>): string {
  try {
    loadConfig(env, REPO_ROOT);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}
