/**
 * The Teams app manifest (schema v1.17), built from the checked settings and the Swedish texts.
 * A pure function, so the tests can check it without writing a package.
 *
 * Field names and limits follow
 * https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json:
 * name.short ≤ 30 and name.full ≤ 100 (both required), description.short ≤ 80 and .full ≤ 4000,
 * developer.name ≤ 32, bots[].scopes and commandLists[].scopes from team/personal/groupChat,
 * at most 10 commands per list (title ≤ 32, description ≤ 128), validDomains ≤ 16,
 * webApplicationInfo { id (GUID), resource }.
 */
import type { TeamsPackageSettings } from './package-config.js';
import type { TeamsTexts } from './texts.js';

export const MANIFEST_VERSION = '1.17';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;

/** The files in the package besides manifest.json, by the names the manifest uses. */
export const ICON_FILES = { color: 'color.png', outline: 'outline.png' } as const;

export type TeamsScope = 'team' | 'personal' | 'groupChat';

export interface TeamsManifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  name: { short: string; full: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: Array<{
    botId: string;
    scopes: TeamsScope[];
    supportsFiles: boolean;
    isNotificationOnly: boolean;
    commandLists: Array<{ scopes: TeamsScope[]; commands: Array<{ title: string; description: string }> }>;
  }>;
  permissions: Array<'identity' | 'messageTeamMembers'>;
  validDomains: string[];
  webApplicationInfo?: { id: string; resource: string };
}

export function buildManifest(settings: TeamsPackageSettings, texts: TeamsTexts): TeamsManifest {
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: settings.version,
    id: settings.appId,
    developer: {
      name: settings.developerName ?? texts.defaultDeveloperName,
      websiteUrl: settings.websiteUrl,
      privacyUrl: settings.privacyUrl,
      termsOfUseUrl: settings.termsOfUseUrl,
    },
    name: { short: appName(settings, texts), full: texts.fullName.replaceAll('{{name}}', appName(settings, texts)) },
    description: { short: texts.description.short, full: texts.description.full },
    icons: { color: ICON_FILES.color, outline: ICON_FILES.outline },
    accentColor: settings.accentColor,
    bots: [
      {
        botId: settings.botId,
        scopes: ['team', 'personal', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        // Staff use the commands in a chat with the bot and in a team's channel.
        commandLists: [{ scopes: ['personal', 'team'], commands: texts.commands.map((c) => ({ title: c.title, description: c.description })) }],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [...settings.validDomains],
    ...(settings.webApplicationInfo ? { webApplicationInfo: { ...settings.webApplicationInfo } } : {}),
  };
}

/** The app's short name: TEAMS_APP_NAME, else the default in teams.yaml. */
export function appName(settings: Pick<TeamsPackageSettings, 'name'>, texts: Pick<TeamsTexts, 'defaultName'>): string {
  return settings.name ?? texts.defaultName;
}
