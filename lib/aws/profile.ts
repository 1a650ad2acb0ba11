/** Whether a named profile exists, so `--profile typo` says so instead of "no credentials". CLI only. */
import { join } from "node:path";
import { getHomeDir, loadSharedConfigFiles } from "@smithy/core/config";

/** The shared files the SDK reads profiles from: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/. */
function sharedFiles(): { readonly config: string; readonly credentials: string } {
  return {
    config: process.env.AWS_CONFIG_FILE ?? join(getHomeDir(), ".aws", "config"),
    credentials: process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(getHomeDir(), ".aws", "credentials"),
  };
}

/** Why `profile` cannot be used, naming the files looked in and the profiles they hold; undefined when it is there. */
export async function missingProfile(profile: string): Promise<string | undefined> {
  const files = sharedFiles();
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: files.config,
    filepath: files.credentials,
    ignoreCache: true,
  });
  if (profile in configFile || profile in credentialsFile) return undefined;
  // Sections such as [sso-session x] and [services x] come back as "sso-session.x": not profiles.
  const profiles = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])]
    .filter((name) => !/^(sso-session|services)\./.test(name))
    .sort();
  const held = profiles.length > 0 ? `; profiles there: ${profiles.join(", ")}` : "; neither file holds any";
  return (
    `profile ${profile} is not in ${files.config} or ${files.credentials} ` +
    `(AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE choose other files)${held}`
  );
}
