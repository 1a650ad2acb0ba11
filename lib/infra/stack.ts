/**
 * One Watchkeeper deployment in one account and region: the functions of lib/infra/functions.ts with
 * their triggers, the alarm topic, the resource-created hints queue, and Watchkeeper's own DLQs, log
 * retention and alarms (it watches itself); with an organization, the role its administrator account
 * reads the account with (lib/infra/org-reader.ts), and with a hub the forwarding to it and the role it
 * acts through (lib/infra/hub-access.ts).
 */
import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { Rule, RuleTargetInput, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction, SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { FunctionUrlAuthType } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import { Topic, type ITopic } from "aws-cdk-lib/aws-sns";
import { LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { WatchkeeperConfig } from "../config/schema.js";
import { planGroupRetention } from "../logs/plan.js";
import type { RetentionPolicy } from "../logs/policy.js";
import { acknowledge } from "./acknowledge.js";
import { storedConfigEnvironment } from "../config/stored.js";
import { HINT_BATCH_WINDOW_SECONDS } from "../reconcile/hints.js";
// From their own modules, not ./deployment.js (which imports this one through ./organization.js).
import type { FunctionConfig } from "../config/stored.js";
import { HINTS_QUEUE_VARIABLE } from "../reconcile/hints.js";
import {
  breakerAlarmPattern,
  LOG_GROUP_CREATED,
  RESOURCE_CREATED,
  resourceCreatedPattern,
} from "./events.js";
import { FUNCTIONS, type FunctionSpec, type Trigger } from "./functions.js";
import { addHubAccess, addHubForwarding } from "./hub-access.js";
import { addObservabilityLink } from "./observability.js";
import { addOrgReader, type OrgReaderProps } from "./org-reader.js";
import { alarmTopicPublish } from "./permissions.js";
import {
  deadLetterQueue,
  depthAlarm,
  notRunningAlarm,
  runProblemsAlarm,
  WatchkeeperFunction,
} from "./watchkeeper-function.js";

export interface WatchkeeperStackProps extends StackProps {
  readonly config: WatchkeeperConfig;
  /** The config file as written (validated), less `targets`: what every function reads at run time. */
  readonly functionConfig: FunctionConfig;
  /** With an organization: the role its administrator account reads this account with (one per account). */
  readonly orgReader?: Omit<OrgReaderProps, "config">;
}

/** A burst of deployments within this window makes one reconcile run, not one per resource. */
export const HINT_BATCH_WINDOW = Duration.seconds(HINT_BATCH_WINDOW_SECONDS);
const HINT_BATCH_SIZE = 100;
/** Hints only make a run happen sooner; a stale one is worth nothing once the schedule has run. */
const HINT_RETENTION = Duration.days(1);
/** Throttled deliveries (reserved concurrency 1) count as receives: allow many before a hint is dead. */
const HINT_MAX_RECEIVES = 10;

export class WatchkeeperStack extends Stack {
  readonly alarmTopic: ITopic;
  readonly functions = new Map<string, WatchkeeperFunction>();
  private readonly config: WatchkeeperConfig;
  private hintsQueue?: Queue;

  constructor(scope: Construct, id: string, props: WatchkeeperStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = config.prefix;
    this.config = config;

    // The config's topic is this stack's own, in its region (lib/infra/deployment.ts alarmTopicOf).
    this.alarmTopic = config.alarms.notificationTopicArn
      ? Topic.fromTopicArn(this, "AlarmTopic", config.alarms.notificationTopicArn)
      : this.createAlarmTopic(prefix);

    // The functions get the config as written, with the topic the alarms notify; the CLI reads it back.
    const configEnvironment = storedConfigEnvironment(
      props.functionConfig,
      this.alarmTopic.topicArn,
      (value) => this.toJsonString(value),
    );

    for (const spec of FUNCTIONS) {
      if (spec.when && !spec.when(config)) continue;
      const fn = addFunction(this, spec, config, this.alarmTopic, configEnvironment);
      for (const trigger of spec.triggers) this.connect(trigger, fn, spec);
      this.functions.set(spec.name, fn);
    }
    // After every function: the queue is made with the reconcile, whatever the table's order.
    for (const spec of FUNCTIONS) {
      const fn = this.functions.get(spec.name);
      if (fn && spec.sendsHints) this.sendsHints(fn, spec);
    }
    if (this.functions.has("reconcile")) {
      runProblemsAlarm(this, this.alarmTopic, prefix, config.schedule.reconcileEveryMinutes);
      notRunningAlarm(this, this.alarmTopic, prefix, config.schedule.reconcileEveryMinutes);
    }

    if (props.orgReader) {
      addOrgReader(this, { ...props.orgReader, config });
      addHubAccess(this, {
        config,
        ...(props.orgReader.onlyInRegion !== undefined ? { onlyInRegion: props.orgReader.onlyInRegion } : {}),
      });
    }
    addHubForwarding(this, config, this.alarmTopic);
    addObservabilityLink(this, config);

    new CfnOutput(this, "AlarmTopicArn", {
      description: "SNS topic every Watchkeeper alarm notifies",
      value: this.alarmTopic.topicArn,
    });
  }

  private createAlarmTopic(prefix: string): Topic {
    const topic = new Topic(this, "AlarmTopic", {
      topicName: `${prefix}alarms`,
      displayName: "Watchkeeper alarms",
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy, which replaces SNS's default one: CloudWatch must be allowed again.
    topic.addToResourcePolicy(alarmTopicPublish(this, topic.topicArn, prefix));
    acknowledge(
      topic,
      "SNS2",
      "Alarm notifications carry alarm names and states, no data. CloudWatch alarms cannot publish to a topic " +
        "encrypted with the AWS managed SNS key, and a customer managed key for this would cost more than the agent.",
    );
    return topic;
  }

  private connect(trigger: Trigger, fn: WatchkeeperFunction, spec: FunctionSpec): void {
    const prefix = this.config.prefix;
    const target = () => new LambdaFunction(fn.function);
    switch (trigger.kind) {
      case "schedule": {
        if (trigger.when && !trigger.when(this.config)) return;
        const minutes = trigger.everyMinutes(this.config);
        const input = trigger.input;
        new Rule(this, `${constructId(spec.name)}${constructId(trigger.id)}`, {
          ruleName: `${prefix}${spec.name}-${trigger.id}`,
          description: `Watchkeeper: runs ${spec.name}${input ? ` ${JSON.stringify(input)}` : ""} every ${minutes} minutes`,
          schedule: Schedule.rate(Duration.minutes(minutes)),
          targets: [
            input ? new LambdaFunction(fn.function, { event: RuleTargetInput.fromObject(input) }) : target(),
          ],
        });
        return;
      }
      case "alarm-topic":
        this.alarmTopic.addSubscription(new LambdaSubscription(fn.function));
        return;
      case "function-url":
        addSlackEndpoint(this, fn, spec);
        return;
      case "log-group-created":
        new Rule(this, "LogGroupCreated", {
          ruleName: `${prefix}created-${LOG_GROUP_CREATED.kind}`,
          description: "Watchkeeper: a new log group gets its retention within seconds",
          eventPattern: resourceCreatedPattern(LOG_GROUP_CREATED),
          targets: [target()],
        });
        return;
      case "breaker-alarms":
        new Rule(this, "BreakerAlarms", {
          ruleName: `${prefix}breaker-alarms`,
          description: "Watchkeeper: state changes of the circuit breaker's trip alarms",
          eventPattern: breakerAlarmPattern(prefix),
          targets: [target()],
        });
        return;
      case "resource-created-hints": {
        const hints = this.hints(spec);
        fn.function.addEventSource(
          new SqsEventSource(hints, { batchSize: HINT_BATCH_SIZE, maxBatchingWindow: HINT_BATCH_WINDOW }),
        );
        return;
      }
    }
  }

  /**
   * A function that asks for a reconcile run sooner (`sendsHints`: the reconcile itself, the breaker) gets
   * the hints queue's URL and `sqs:SendMessage` on that queue only (what `grantSendMessages` writes: with
   * GetQueueAttributes and GetQueueUrl, and no key, the queue being SQS-managed encrypted).
   */
  private sendsHints(fn: WatchkeeperFunction, spec: FunctionSpec): void {
    const hints = this.hintsQueue;
    if (!hints) throw new Error(`${spec.name} sends hints, but no function reads the hints queue`);
    hints.grantSendMessages(fn.function);
    fn.function.addEnvironment(HINTS_QUEUE_VARIABLE, hints.queueUrl);
  }

  /**
   * Resource-created events go to one queue, read in batches, so a burst makes one run; the reconcile's
   * own "changes deferred" hints and the breaker's "opened" and "closed" ones go there too.
   */
  private hints(spec: FunctionSpec): Queue {
    if (this.hintsQueue) return this.hintsQueue;
    const prefix = this.config.prefix;
    const dlq = deadLetterQueue(this, "HintsDeadLetters", `${prefix}resource-created-hints-dlq`);
    const queue = new Queue(this, "Hints", {
      queueName: `${prefix}resource-created-hints`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: HINT_RETENTION,
      // Lambda's advice for queues read by a function: six times its timeout.
      visibilityTimeout: Duration.seconds(spec.timeout.toSeconds() * 6),
      deadLetterQueue: { queue: dlq, maxReceiveCount: HINT_MAX_RECEIVES },
    });
    depthAlarm(
      this,
      "HintsDeadLettersDepth",
      this.alarmTopic,
      `${prefix}self-resource-created-hints-dlq-depth`,
      dlq,
    );
    for (const created of RESOURCE_CREATED) {
      new Rule(this, `Created${constructId(created.kind)}`, {
        ruleName: `${prefix}created-${created.kind}`,
        description: `Watchkeeper: a new ${created.kind} makes the reconcile run sooner`,
        eventPattern: resourceCreatedPattern(created),
        targets: [new SqsQueue(queue)],
      });
    }
    this.hintsQueue = queue;
    return queue;
  }
}

/**
 * One function of a table (./functions.ts, ./hub.ts) in `scope`: its environment (the stack's, then its
 * own), its log group's retention as the reconcile would set it, its permissions granted.
 */
export function addFunction(
  scope: Construct,
  spec: FunctionSpec,
  config: WatchkeeperConfig,
  alarmTopic: ITopic,
  environment: Readonly<Record<string, string>> = {},
): WatchkeeperFunction {
  const fn = new WatchkeeperFunction(scope, constructId(spec.name), {
    spec,
    prefix: config.prefix,
    environment: { ...environment, ...spec.environment?.(config) },
    logRetention: ownLogRetention(`/aws/lambda/${config.prefix}${spec.name}`, config.retention),
    alarmTopic,
    ...(spec.staleAfter ? { maxEventAge: spec.staleAfter(config) } : {}),
  });
  for (const permission of spec.permissions(fn, config)) fn.grant(permission);
  return fn;
}

/** The function's public HTTPS endpoint (no IAM auth: it checks Slack's signature), and its URL as an output. */
export function addSlackEndpoint(scope: Construct, fn: WatchkeeperFunction, spec: FunctionSpec): void {
  const url = fn.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
  new CfnOutput(scope, `${constructId(spec.name)}Url`, {
    description: `${spec.name}: paste into the Slack app's Interactivity Request URL`,
    value: url.url,
  });
}

/** `log-retention` → `LogRetention`. */
function constructId(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}

/**
 * The retention the reconcile would set on Watchkeeper's own log group (same pure plan), so a deploy and
 * the next run agree; the default when the policy leaves the group alone.
 */
export function ownLogRetention(logGroupName: string, policy: RetentionPolicy): RetentionDays {
  const group = {
    kind: "log-group",
    arn: "",
    name: logGroupName,
    region: "",
    accountId: "",
    tags: {},
  } as const;
  const change = planGroupRetention({ logGroups: [group], functions: [] }, policy).changes[0];
  return (change?.desired.retentionInDays ?? policy.defaultDays) as RetentionDays;
}
