/**
 * One Watchkeeper Lambda function with everything it needs to be watched: its own role (no managed
 * policies), its log group with retention, a DLQ for failed asynchronous invocations with an alarm on its
 * depth, and an alarm on its Errors. Alarm names start with the prefix; they notify the alarm topic.
 */
import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
  type AlarmProps,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledge, acknowledgeWildcards } from "./acknowledge.js";
import { FUNCTION_RUNTIME, nodejsBundling } from "./bundling.js";
import type { FunctionSpec } from "./functions.js";
import { PROJECT_ROOT } from "./paths.js";
import type { Permission } from "./permissions.js";
import { HEALTH_NAMESPACE, RUN_PROBLEMS_METRIC } from "../reconcile/health.js";

export interface WatchkeeperFunctionProps {
  readonly spec: FunctionSpec;
  readonly prefix: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  readonly alarmTopic: ITopic;
  /** How long a scheduled event may wait before Lambda drops it (FunctionSpec.staleAfter). */
  readonly maxEventAge?: Duration;
}

/** How long Lambda keeps retrying an asynchronous event before it goes to the DLQ. */
const MAX_EVENT_AGE = Duration.hours(1);

export class WatchkeeperFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  /** Absent where stale scheduled events are dropped instead (FunctionSpec.staleAfter). */
  readonly deadLetterQueue?: Queue;

  constructor(scope: Construct, id: string, props: WatchkeeperFunctionProps) {
    super(scope, id);
    const { spec, prefix } = props;
    const functionName = `${prefix}${spec.name}`;

    const logGroup = new LogGroup(this, "Logs", {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention,
      // Audit logs (who ran which action) outlive the stack; the others go with it.
      removalPolicy: spec.auditLog ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `${functionName}: runs the function (inline policies only)`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "OwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    if (!props.maxEventAge)
      this.deadLetterQueue = deadLetterQueue(this, "DeadLetters", `${functionName}-dlq`);

    this.function = new NodejsFunction(this, "Function", {
      functionName,
      description: spec.description,
      entry: join(PROJECT_ROOT, spec.entry),
      handler: "handler",
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, "package-lock.json"),
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMiB,
      timeout: spec.timeout,
      ...(spec.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: spec.reservedConcurrency }
        : {}),
      role: this.role,
      logGroup,
      tracing: Tracing.DISABLED,
      environment: { ...props.environment },
      bundling: nodejsBundling(),
      // Asynchronous invocations (EventBridge, SNS) that still fail go here, and an alarm says so.
      ...(this.deadLetterQueue ? { deadLetterQueue: this.deadLetterQueue } : {}),
      retryAttempts: spec.asyncRetries,
      maxEventAge: props.maxEventAge ?? MAX_EVENT_AGE,
    });

    selfAlarm(this, "Errors", props.alarmTopic, {
      alarmName: `${prefix}self-${spec.name}-errors`,
      alarmDescription: `Watchkeeper's own function ${functionName} failed (see its log group /aws/lambda/${functionName}).`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
    });
    if (this.deadLetterQueue) {
      depthAlarm(
        this,
        "DeadLettersDepth",
        props.alarmTopic,
        `${prefix}self-${spec.name}-dlq-depth`,
        this.deadLetterQueue,
      );
    }
  }

  /** Adds a permission set to the function's role, and tells cdk-nag why each wildcard is needed. */
  grant(permission: Permission): void {
    for (const statement of permission.statements) this.role.addToPrincipalPolicy(statement);
    acknowledgeWildcards(this.role, permission.statements, permission.why);
  }
}

/** A DLQ: SSE-SQS (EventBridge and Lambda can send to it without a KMS grant), TLS only, 14 days. */
export function deadLetterQueue(scope: Construct, id: string, queueName: string): Queue {
  const queue = new Queue(scope, id, {
    queueName,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(queue, "SQS3", "This queue is itself a dead-letter queue.");
  return queue;
}

/** Any message in a DLQ is worth a look: something failed for good. */
export function depthAlarm(
  scope: Construct,
  id: string,
  topic: ITopic,
  alarmName: string,
  queue: Queue,
): Alarm {
  return selfAlarm(scope, id, topic, {
    alarmName,
    alarmDescription: `Messages are waiting in Watchkeeper's dead-letter queue ${queue.queueName}: something it does failed for good. Inspect them, then redrive or purge.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: "Maximum",
    }),
  });
}

/**
 * The reconcile could not read part of the account, or a change failed, in every run of two schedule
 * periods in a row (`Minimum`: a period with one clean run is fine): what it could not see is left
 * alone, so someone must look. One period when two would span more than the day an alarm may look back.
 */
export function runProblemsAlarm(
  scope: Construct,
  topic: ITopic,
  prefix: string,
  everyMinutes: number,
): Alarm {
  const [period, periods] = runWindow(everyMinutes);
  return selfAlarm(scope, "RunProblems", topic, {
    alarmName: `${prefix}self-reconcile-incomplete`,
    alarmDescription: `Watchkeeper's reconcile could not read part of the account, or could not make a change, in every run for ${period * periods} minutes: what it could not see is left alone. Its log group /aws/lambda/${prefix}reconcile names the calls; \`watchkeeper plan\` shows them too.`,
    metric: runProblemsMetric(period, "Minimum"),
    evaluationPeriods: periods,
  });
}

/**
 * The reconcile's alarms look at two schedule periods while they fit in the day an alarm with periods
 * under an hour may span; a longer schedule is watched over one day. [period in minutes, periods].
 */
function runWindow(everyMinutes: number): readonly [number, number] {
  return everyMinutes * 2 <= 1440 ? [everyMinutes, 2] : [1440, 1];
}

function runProblemsMetric(periodMinutes: number, statistic: string): Metric {
  return new Metric({
    namespace: HEALTH_NAMESPACE,
    metricName: RUN_PROBLEMS_METRIC,
    period: Duration.minutes(periodMinutes),
    statistic,
  });
}

/** Watchkeeper's own alarms notify its topic when they fire and when they clear. */
function notifyBothWays(alarm: Alarm, topic: ITopic): Alarm {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/**
 * No reconcile run finished in twice its schedule: the reconcile publishes ReconcileProblems once per
 * run, clean or not, so no datum at all means it stopped (disabled rule, throttled out, crashing before
 * its report); missing data is breaching. Two periods while they fit in the day an alarm with periods
 * under an hour may span; a longer schedule is watched over one day (a daily run that slips may page).
 */
export function notRunningAlarm(
  scope: Construct,
  topic: ITopic,
  prefix: string,
  everyMinutes: number,
): Alarm {
  const [period, periods] = runWindow(everyMinutes);
  const alarm = new Alarm(scope, "NotRunning", {
    alarmName: `${prefix}self-reconcile-not-running`,
    alarmDescription: `No Watchkeeper reconcile run finished in ${period * periods} minutes (schedule: every ${everyMinutes}): nothing watches new resources or repairs alarms. Check the rule ${prefix}reconcile-schedule, the function ${prefix}reconcile and its log group.`,
    metric: runProblemsMetric(period, "SampleCount"),
    evaluationPeriods: periods,
    threshold: 1,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.BREACHING,
  });
  return notifyBothWays(alarm, topic);
}

/** One of Watchkeeper's alarms on itself: any occurrence in five minutes, notifying the topic both ways. */
function selfAlarm(
  scope: Construct,
  id: string,
  topic: ITopic,
  props: Pick<AlarmProps, "alarmName" | "alarmDescription" | "metric"> & { evaluationPeriods?: number },
): Alarm {
  const alarm = new Alarm(scope, id, {
    evaluationPeriods: 1,
    ...props,
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return notifyBothWays(alarm, topic);
}
