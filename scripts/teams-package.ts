/**
 * `npm run teams:package`: builds the Microsoft Teams app package for staff (manifest.json,
 * color.png, outline.png, zipped) from the environment and locales/sv/teams.yaml.
 *   MicrosoftAppId=<bot app id> PUBLIC_URL=https://intag.example.se npm run teams:package
 * Settings: src/teams/package-config.ts. A bad setting or text stops with one line and exit code 1.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { PACKAGE_ROOT } from '../src/package-root.js';
import { loadEnvFileOrExit } from '../src/env-file.js';
import { drawColorIcon, drawOutlineIcon } from '../src/teams/icons.js';
import { buildManifest, ICON_FILES, MANIFEST_VERSION } from '../src/teams/manifest.js';
import { loadTeamsPackageConfig, TEAMS_LIMITS, TeamsConfigError } from '../src/teams/package-config.js';
import { loadTeamsTexts, TeamsContentError } from '../src/teams/texts.js';
import { displayPath } from '../src/core/display-path.js';

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} kB`;
}

async function main(): Promise<void> {
  const { version: packageVersion } = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  loadEnvFileOrExit();
  const settings = loadTeamsPackageConfig(process.env, { packageVersion });
  const texts = loadTeamsTexts(settings.localesDir);
  const manifest = buildManifest(settings, texts);
  if (manifest.name.full.length > TEAMS_LIMITS.fullName) {
    throw new TeamsContentError(
      `${displayPath(path.join(settings.localesDir, 'sv', 'teams.yaml'))}: fullName: must be at most ${TEAMS_LIMITS.fullName} characters with the name "${manifest.name.short}" in it (Teams' limit for the full name); it has ${manifest.name.full.length}`,
    );
  }

  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`Teams app package: "${manifest.name.short}" ${manifest.version}, app id ${manifest.id}, bot ${settings.botId}`);
  log(`  manifest.json   schema v${MANIFEST_VERSION}, ${texts.commands.length} commands, valid domains: ${manifest.validDomains.join(', ')}`);
  log(`  website         ${manifest.developer.websiteUrl}`);
  log(`  privacy         ${manifest.developer.privacyUrl}`);
  log(`  terms of use    ${manifest.developer.termsOfUseUrl}`);
  if (manifest.webApplicationInfo) log(`  single sign-on  ${manifest.webApplicationInfo.id} (${manifest.webApplicationInfo.resource})`);
  const color = drawColorIcon(manifest.accentColor);
  log(`  ${ICON_FILES.color.padEnd(15)} 192×192 in ${manifest.accentColor} (${kilobytes(color.length)})`);
  const outline = drawOutlineIcon();
  log(`  ${ICON_FILES.outline.padEnd(15)} 32×32, white on transparent (${kilobytes(outline.length)})`);

  // Written next to the target and renamed, so a failed run never leaves half a package.
  await mkdir(path.dirname(settings.output), { recursive: true });
  const partial = `${settings.output}.partial`;
  const zip = new ZipFile();
  const mtime = new Date();
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), 'manifest.json', { mtime });
  zip.addBuffer(color, ICON_FILES.color, { mtime });
  zip.addBuffer(outline, ICON_FILES.outline, { mtime });
  zip.end();
  try {
    await pipeline(zip.outputStream, createWriteStream(partial));
    await rename(partial, settings.output);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const { size } = await stat(settings.output);
  log(`Wrote ${displayPath(settings.output)} (${kilobytes(size)}).`);
  log('Next: upload it in Teams: Apps → Manage your apps → Upload an app (or an administrator adds it for the organisation in the Teams admin center).');
}

main().catch((err: unknown) => {
  if (err instanceof TeamsConfigError) process.stderr.write(`${err.message}\n`);
  else if (err instanceof TeamsContentError) process.stderr.write(`Content error: ${err.message}. Fix the file and try again.\n`);
  else process.stderr.write(`teams:package failed: ${(err as Error).message}\n`);
  process.exit(1);
});
