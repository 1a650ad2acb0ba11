/** `watchkeeper slack manifest`: the app manifest to paste into Slack, with the interactions URL when given. */
import { describe, expect, it } from "vitest";
import { runMain } from "./capture.js";

const URL = "https://abc123.lambda-url.eu-west-1.on.aws/";

describe("watchkeeper slack manifest", () => {
  it("prints the manifest with the bot, its scopes and the interactivity URL", async () => {
    const { code, stdout, stderr } = await runMain(["slack", "manifest", "--url", URL]);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toEqual({
      _metadata: { major_version: 1, minor_version: 1 },
      display_information: {
        name: "Watchkeeper",
        description: "AWS serverless alarms, with on-call actions (redrive, silence, breaker) as buttons",
        background_color: "#1d3557",
      },
      features: { bot_user: { display_name: "Watchkeeper", always_online: true } },
      oauth_config: { scopes: { bot: ["chat:write", "files:write"] } },
      settings: {
        interactivity: { is_enabled: true, request_url: URL },
        org_deploy_enabled: false,
        socket_mode_enabled: false,
        token_rotation_enabled: false,
      },
    });
  });

  it("without --url leaves interactivity out and says so on stderr", async () => {
    const { code, stdout, stderr } = await runMain(["slack", "manifest", "--name", "Ops bot"]);
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout) as { settings: Record<string, unknown>; features: unknown };
    expect(manifest.settings.interactivity).toBeUndefined();
    expect(manifest.features).toEqual({ bot_user: { display_name: "Ops bot", always_online: true } });
    expect(stderr).toMatch(/^No --url: the manifest has no interactivity.*SlackInteractionsUrl\.\n$/);
  });

  it("refuses a URL that is not https, and a name Slack would refuse, with exit 2", async () => {
    const http = await runMain(["slack", "manifest", "--url", "http://example.com/x"]);
    expect(http).toMatchObject({ code: 2, stdout: "" });
    expect(http.stderr).toBe(
      'watchkeeper: --url "http://example.com/x" is not an https URL; pass the stack output SlackInteractionsUrl (https://...)\n',
    );
    const long = await runMain(["slack", "manifest", "--name", "x".repeat(36)]);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/--name "x+" must be 1 to 35 characters/);
  });
});
