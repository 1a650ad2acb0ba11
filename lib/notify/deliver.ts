/**
 * One alarm state change to Slack: read what the message needs (the alarm's tags, its resource's tags,
 * the top offenders of an aggregate), build it, route it, post it, and with a bot token keep the
 * thread (ALARM remembered on the alarm, OK replied in its thread) and add the metric graph.
 *
 * Only the post itself may fail the call: everything around it (tags, offenders, graph, remembering
 * the thread) is best effort, reported in `warnings`, so a missing permission or an AWS hiccup costs
 * detail, never the notification.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DEFAULT_ALARM_POLICY } from "../alarms/index.js";
import type { Aws } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import type { Tags } from "../inventory/types.js";
import { silentLogger, type Logger } from "../log.js";
import { validateBlockKit, type SlackMessage } from "./blockkit.js";
import { metricGraph } from "./graph.js";
import { identifyAlarm, type AlarmIdentity } from "./identity.js";
import { buildAlarmMessage } from "./message.js";
import { topOffenders, type TopOffenders } from "./offenders.js";
import { routeAlarm, type RoutingConfig } from "./routing.js";
import { alarmSeverity, type Severity } from "./severity.js";
import type { SlackClient } from "./slack.js";
import { alarmTags as readAlarmTags, resourceTags as readResourceTags } from "./tags.js";
import { notThreadable, readThread, rememberThread } from "./threads.js";
import { changeFromAlarm } from "./parse.js";
import type { AlarmState, AlarmStateChange } from "./types.js";

export interface NotifySettings {
  /** Watchkeeper's alarm name prefix; default "watchkeeper-". */
  readonly prefix?: string;
  readonly runbookBaseUrl?: string;
  /** The alarm account's alias, shown beside its id (the hub reads it from each member). */
  readonly accountAlias?: string;
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

/** Everything a notification shows, read and built; nothing posted yet. */
export interface PreparedAlarmMessage {
  readonly change: AlarmStateChange;
  readonly identity: AlarmIdentity;
  readonly severity: Severity;
  /** Undefined when they could not be read (see `warnings`). */
  readonly alarmTags?: Tags;
  readonly resourceTags?: Tags;
  readonly offenders?: TopOffenders;
  /** Within Block Kit limits; text only if the builder ever broke them. */
  readonly message: SlackMessage;
  readonly warnings: readonly string[];
}

/**
 * Reads what the message needs (the alarm's tags, its resource's tags, an aggregate's top offenders)
 * and builds it. Each read is best effort: a failure becomes a warning and the message goes without.
 */
export async function prepareAlarmMessage(
  aws: Aws,
  change: AlarmStateChange,
  settings: NotifySettings = {},
  logger: Logger = silentLogger,
): Promise<PreparedAlarmMessage> {
  const warnings: string[] = [];
  const attempt = bestEffort(change, warnings, logger);
  const alarmTags = change.alarmArn
    ? await attempt("could not read the alarm's tags", () => readAlarmTags(aws, change.alarmArn!))
    : undefined;
  const identity = identifyAlarm(change, {
    ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}),
    ...(settings.runbookBaseUrl !== undefined ? { runbookBaseUrl: settings.runbookBaseUrl } : {}),
    ...(alarmTags ? { alarmTags } : {}),
  });
  const resourceTags = identity.resourceArn
    ? await attempt(`could not read the tags of ${identity.resourceArn}`, () =>
        readResourceTags(aws, identity.resourceArn!),
      )
    : undefined;
  const offenders =
    change.state === "ALARM" && identity.level === "aggregate"
      ? await attempt("could not query the top offenders", () => topOffenders(aws, change, { identity }))
      : undefined;

  let message = buildAlarmMessage(change, {
    identity,
    ...(alarmTags ? { alarmTags } : {}),
    ...(resourceTags ? { resourceTags } : {}),
    ...(offenders ? { offenders } : {}),
    interactive: settings.interactive ?? true,
    ...(settings.accountAlias ? { accountAlias: settings.accountAlias } : {}),
  });
  const violations = validateBlockKit(message);
  if (violations.length > 0) {
    // A bug in the builder must not cost the notification: send the text alone.
    const warning = `the message broke Block Kit limits (${violations.map((v) => `${v.path}: ${v.problem}`).join("; ")}); sent as text`;
    warnings.push(warning);
    logger.error({ alarm: change.alarmName }, warning);
    message = { text: message.text, blocks: [] };
  }
  return {
    change,
    identity,
    severity: alarmSeverity(identity, alarmTags, resourceTags),
    ...(alarmTags ? { alarmTags } : {}),
    ...(resourceTags ? { resourceTags } : {}),
    ...(offenders ? { offenders } : {}),
    message,
    warnings,
  };
}

/**
 * The message an alarm would send now, read with DescribeAlarms: `watchkeeper notify preview --alarm`.
 * `state` shows it as if it had changed to another state (e.g. the OK message).
 */
export async function previewAlarmMessage(
  aws: Aws,
  alarmName: string,
  options: NotifySettings & { readonly state?: AlarmState } = {},
): Promise<PreparedAlarmMessage> {
  const answer = await aws
    .client(CloudWatchClient)
    .send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ["MetricAlarm"] }));
  const alarm = answer.MetricAlarms?.find((a) => a.AlarmName === alarmName);
  if (!alarm) {
    const composite = answer.CompositeAlarms?.some((a) => a.AlarmName === alarmName);
    throw new Error(
      composite
        ? `alarm ${alarmName} is a composite alarm; previews cover metric alarms`
        : `no metric alarm named ${alarmName} in ${aws.region}`,
    );
  }
  const current = changeFromAlarm(alarm);
  const change =
    options.state && options.state !== current.state
      ? { ...current, previousState: current.state, state: options.state }
      : current;
  return prepareAlarmMessage(aws, change, options);
}

export async function notifyAlarm(
  change: AlarmStateChange,
  deps: NotifyDependencies,
): Promise<NotifyOutcome> {
  const { aws, slack } = deps;
  const settings = deps.settings ?? {};
  const log = deps.logger ?? silentLogger;
  const prepared = await prepareAlarmMessage(aws, change, settings, log);
  const { identity, severity, message, offenders, alarmTags: tags, resourceTags } = prepared;
  const warnings = [...prepared.warnings];
  const attempt = bestEffort(change, warnings, log);

  let channel = routeAlarm(settings.routing ?? {}, {
    alarmName: change.alarmName,
    ...(identity.entry ? { entryId: identity.entry.id } : {}),
    severity,
    ...(tags ? { alarmTags: tags } : {}),
    ...(resourceTags ? { resourceTags } : {}),
  });
  const prefix = settings.prefix ?? DEFAULT_ALARM_POLICY.prefix;
  const where = { prefix, region: aws.region };
  const tagged = slack.mode === "bot" && change.state !== "ALARM" && tags ? readThread(tags) : undefined;
  // A thread tag on an alarm Watchkeeper does not own is not Watchkeeper's: it could point anywhere.
  const unowned = tagged && change.alarmArn ? notThreadable(change.alarmArn, tags ?? {}, where) : undefined;
  if (unowned !== undefined) log.warn({ alarm: change.alarmName }, `posted without threading: ${unowned}`);
  const thread = unowned === undefined ? tagged : undefined;
  if (thread) channel = thread.channel;

  const posted = await slack.post(message, {
    ...(channel ? { channel } : {}),
    ...(thread ? { threadTs: thread.ts } : {}),
  });

  let graph = false;
  if (slack.mode === "bot" && change.state === "ALARM" && posted.ts && posted.channel) {
    const place = { channel: posted.channel, ts: posted.ts };
    if (change.alarmArn) {
      const remembered = await attempt("could not remember the message's thread on the alarm", () =>
        rememberThread(aws, change.alarmArn!, place, prefix),
      );
      if (remembered?.remembered === false)
        log.info({ alarm: change.alarmName }, `thread not remembered on the alarm: ${remembered.why}`);
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

/** Runs a read that the notification can do without: its failure is logged and kept as a warning. */
function bestEffort(change: AlarmStateChange, warnings: string[], logger: Logger) {
  return async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      const warning = `${what}: ${describeAwsError(error)}`;
      warnings.push(warning);
      logger.warn({ alarm: change.alarmName }, warning);
      return undefined;
    }
  };
}
