/**
 * The Slack app manifest for Watchkeeper's bot, as Slack's "Create New App → From an app manifest" (or an
 * app's "App Manifest" page) takes it: JSON of manifest schema v1 (github.com/slackapi/manifest-schema).
 * The scopes are what lib/notify/slack.ts calls with the bot token: chat.postMessage and chat.update
 * (chat:write), files.getUploadURLExternal and files.completeUploadExternal (files:write).
 */
export const BOT_SCOPES = ["chat:write", "files:write"] as const;

/** Slack's limit on display_information.name (the bot's display_name allows 80). */
export const MAX_APP_NAME = 35;

export interface ManifestOptions {
  /** The app's and the bot's name, at most MAX_APP_NAME characters. */
  readonly name: string;
  /** The stack output SlackInteractionsUrl; absent: no interactivity (alarm messages without buttons). */
  readonly interactionsUrl?: string;
}

export function slackAppManifest(options: ManifestOptions): Record<string, unknown> {
  const { name } = options;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: "AWS serverless alarms, with on-call actions (redrive, silence, breaker) as buttons",
      background_color: "#1d3557",
    },
    features: { bot_user: { display_name: name, always_online: true } },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      ...(options.interactionsUrl !== undefined
        ? { interactivity: { is_enabled: true, request_url: options.interactionsUrl } }
        : {}),
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}
