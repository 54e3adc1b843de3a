/**
 * The gate in front of every staff feature in Teams (the staff bot, kitchen-table interviews,
 * channel registration): the turn's activity must have come with a Bot Connector token that was
 * verified, issued by the Bot Connector for this bot's app id, from the configured tenant. Without
 * it a Teams activity is anyone's JSON: the `aadObjectId` that says who is asking is just a field.
 * The server already refuses unauthenticated Teams activities (src/bot/inbound-activity.ts); this
 * check stands at the staff features themselves, so no other way in (a new route, a test adapter)
 * skips it.
 */
import type { TurnContext } from 'botbuilder';

/** The Bot Connector's issuer for tokens sent to bots (botframework-connector's AuthenticationConstants). */
export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com';

export interface StaffGateOptions {
  /** The bot's app id (MicrosoftAppId); without one nothing can be verified. */
  appId?: string;
  /** The tenant whose Teams users are staff (TEAMS_TENANT_ID or MicrosoftAppTenantId), lower case. */
  tenantId?: string;
  /** The issuer of channel tokens (BOT_CONNECTOR_ISSUER unless the cloud is another). */
  issuer?: string;
}

interface Claims {
  isAuthenticated?: boolean;
  getClaimValue(type: string): string | null;
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);

/** Why this turn may not reach the staff features, or undefined when it may. */
export function staffGateRefusal(context: TurnContext, options: StaffGateOptions): string | undefined {
  if (!options.appId) return 'no MicrosoftAppId is configured, so no Bot Connector token can be verified';
  if (!options.tenantId) return 'no TEAMS_TENANT_ID (or MicrosoftAppTenantId) is configured';
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as Claims | undefined;
  if (!identity?.isAuthenticated) return 'the activity carried no verified token';
  if (identity.getClaimValue('iss') !== (options.issuer ?? BOT_CONNECTOR_ISSUER)) return 'the token was not issued by the Bot Connector';
  if (identity.getClaimValue('aud') !== options.appId) return 'the token was issued for another app';
  const activity = context.activity;
  const tenants = [
    lower((activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id),
    lower((activity.conversation as { tenantId?: unknown } | undefined)?.tenantId),
    lower(identity.getClaimValue('tid')),
  ].filter((t) => t !== undefined);
  if (!tenants.length) return 'the activity names no tenant';
  if (tenants.some((t) => t !== options.tenantId)) return 'the activity is from another tenant';
  return undefined;
}
