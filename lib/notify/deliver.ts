/**
 * One alarm state change to Slack: read what the message needs (the alarm's tags, its resource's tags,
 * the top offenders of an aggregate), build it, route it, post it, and with a bot token keep the
 * thread (ALARM remembered on the alarm, OK replied in its thread) and add the metric graph.
 *
 * Only the post itself may fail the call: everything around it (tags, offenders, graph, remembering
 * the thread) is best effort, reported in `warnings`, so a missing permission or an AWS hiccup costs
 * detail, never the notification.
 */
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import type { Tags } from "../inventory/types.js";
import { silentLogger, type Logger } from "../log.js";
import { validateBlockKit, type SlackMessage } from "./blockkit.js";
import { metricGraph } from "./graph.js";
import { identifyAlarm } from "./identity.js";
import { buildAlarmMessage } from "./message.js";
import { topOffenders, type TopOffenders } from "./offenders.js";
import { routeAlarm, type RoutingConfig } from "./routing.js";
import { alarmSeverity, type Severity } from "./severity.js";
import type { SlackClient } from "./slack.js";
import { alarmTags as readAlarmTags, resourceTags as readResourceTags } from "./tags.js";
import { readThread, rememberThread } from "./threads.js";
import type { AlarmStateChange } from "./types.js";

export interface NotifySettings {
  /** Watchkeeper's alarm name prefix; default "watchkeeper-". */
  readonly prefix?: string;
  readonly runbookBaseUrl?: string;
  readonly routing?: RoutingConfig;
  /** Add action buttons (needs the interactions endpoint). Default true. */
  readonly interactive?: boolean;
  /** Bot token only: upload a graph of the metric into the ALARM message's thread. Default true. */
  readonly graphs?: boolean;
}

export interface NotifyDependencies {
  readonly aws: Aws;
  readonly slack: SlackClient;
  readonly settings?: NotifySettings;
  readonly logger?: Logger;
  /** The PNG for the graph; default GetMetricWidgetImage. */
  readonly graph?: (change: AlarmStateChange, title: string) => Promise<Uint8Array | undefined>;
}

export interface NotifyOutcome {
  readonly alarmName: string;
  readonly state: AlarmStateChange["state"];
  readonly severity: Severity;
  readonly channel?: string;
  /** Bot token: the posted message's ts. */
  readonly ts?: string;
  /** Set when the message went into an earlier ALARM message's thread. */
  readonly threadTs?: string;
  readonly offenders: number;
  readonly graph: boolean;
  readonly message: SlackMessage;
  /** What was left out and why (tags unreadable, offenders query failed, ...). */
  readonly warnings: readonly string[];
}

export async function notifyAlarm(
  change: AlarmStateChange,
  deps: NotifyDependencies,
): Promise<NotifyOutcome> {
  const { aws, slack } = deps;
  const settings = deps.settings ?? {};
  const log = deps.logger ?? silentLogger;
  const warnings: string[] = [];
  const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      const warning = `${what}: ${describeAwsError(error)}`;
      warnings.push(warning);
      log.warn({ alarm: change.alarmName }, warning);
      return undefined;
    }
  };

  const tags: Tags | undefined = change.alarmArn
    ? await attempt("could not read the alarm's tags", () => readAlarmTags(aws, change.alarmArn!))
    : undefined;
  const identity = identifyAlarm(change, {
    ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}),
    ...(settings.runbookBaseUrl !== undefined ? { runbookBaseUrl: settings.runbookBaseUrl } : {}),
    ...(tags ? { alarmTags: tags } : {}),
  });
  const resourceTags = identity.resourceArn
    ? await attempt(`could not read the tags of ${identity.resourceArn}`, () =>
        readResourceTags(aws, identity.resourceArn!),
      )
    : undefined;
  let offenders: TopOffenders | undefined;
  if (change.state === "ALARM" && identity.level === "aggregate") {
    offenders = await attempt("could not query the top offenders", () =>
      topOffenders(aws, change, { identity }),
    );
  }

  const severity = alarmSeverity(identity, tags, resourceTags);
  let message = buildAlarmMessage(change, {
    identity,
    ...(tags ? { alarmTags: tags } : {}),
    ...(resourceTags ? { resourceTags } : {}),
    ...(offenders ? { offenders } : {}),
    interactive: settings.interactive ?? true,
  });
  const violations = validateBlockKit(message);
  if (violations.length > 0) {
    // A bug in the builder must not cost the notification: send the text alone.
    const warning = `the message broke Block Kit limits (${violations.map((v) => `${v.path}: ${v.problem}`).join("; ")}); sent as text`;
    warnings.push(warning);
    log.error({ alarm: change.alarmName }, warning);
    message = { text: message.text, blocks: [] };
  }

  let channel = routeAlarm(settings.routing ?? {}, {
    alarmName: change.alarmName,
    ...(identity.entry ? { entryId: identity.entry.id } : {}),
    severity,
    ...(tags ? { alarmTags: tags } : {}),
    ...(resourceTags ? { resourceTags } : {}),
  });
  const thread = slack.mode === "bot" && change.state !== "ALARM" && tags ? readThread(tags) : undefined;
  if (thread) channel = thread.channel;

  const posted = await slack.post(message, {
    ...(channel ? { channel } : {}),
    ...(thread ? { threadTs: thread.ts } : {}),
  });

  let graph = false;
  if (slack.mode === "bot" && change.state === "ALARM" && posted.ts && posted.channel) {
    const place = { channel: posted.channel, ts: posted.ts };
    if (identity.owned && change.alarmArn) {
      await attempt("could not remember the message's thread on the alarm", () =>
        rememberThread(aws, change.alarmArn!, place),
      );
    }
    if (settings.graphs ?? true) {
      const render = deps.graph ?? ((c: AlarmStateChange, title: string) => metricGraph(aws, c, title));
      const png = await attempt("could not render the metric graph", () => render(change, identity.title));
      if (png && png.byteLength > 0) {
        const uploaded = await attempt("could not upload the metric graph", () =>
          slack.uploadFile({
            channel: place.channel,
            threadTs: place.ts,
            filename: `${change.alarmName.replace(/[^\w.-]+/g, "_").slice(0, 100)}.png`,
            title: `${identity.title}: last 3 hours`,
            altText: `Graph of the alarm's metric over the last 3 hours`,
            bytes: png,
          }),
        );
        graph = uploaded !== undefined;
      }
    }
  }

  return {
    alarmName: change.alarmName,
    state: change.state,
    severity,
    ...((posted.channel ?? channel) ? { channel: posted.channel ?? channel } : {}),
    ...(posted.ts ? { ts: posted.ts } : {}),
    ...(thread ? { threadTs: thread.ts } : {}),
    offenders: offenders?.offenders.length ?? 0,
    graph,
    message,
    warnings,
  };
}
