/**
 * `npm start`: reads the configuration, checks content and data, and serves the bot.
 * Any start-up problem ends the process with one line that says what is wrong and what to do.
 */
import { ConfigError, loadConfig } from './config.js';
import { EnvFileError, loadEnvFile } from './env-file.js';
import { ContentError } from './core/content/load.js';
import { CorruptDataError } from './storage/errors.js';
import { DataFolderInUseError } from './storage/data-folder-lock.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  let envFile: string | undefined;
  try {
    envFile = loadEnvFile();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof EnvFileError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  try {
    const app = await createApp(config, logger);
    const { url } = await app.listen();
    const startedIn = `${(performance.now() / 1000).toFixed(1)} s`;
    console.log(`Intake assistant ready in ${startedIn}: ${url}/api/messages (health ${url}/healthz, data in ${config.dataDir}${envFile ? `, settings from ${envFile}` : ''})`);
    if (config.directLine.mode !== 'off') console.log(`Web chat demo page with the widget: ${url}/`);
    console.log(`Talk to it: npm run chat (in another terminal), or point the Bot Framework Emulator at ${url}/api/messages`);
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      app.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  } catch (err) {
    if (err instanceof ContentError) {
      console.error(`Content error: ${err.message}. Fix the file and start again.`);
    } else if (err instanceof CorruptDataError || err instanceof DataFolderInUseError) {
      console.error(err.message);
    } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${config.port} on ${config.host} is already in use. Stop the other process or set PORT to a free port.`);
    } else {
      console.error(`Start-up failed: ${(err as Error).message}`);
    }
    process.exit(1);
  }
}

void main();
