/** The dashboard's service sections, top to bottom. A new service is a new module added here. */
import { apiGatewaySection } from "./apigateway.js";
import { dynamoDbSection } from "./dynamodb.js";
import { eventBridgeSection } from "./eventbridge.js";
import { kinesisSection } from "./kinesis.js";
import { lambdaSection } from "./lambda.js";
import type { ServiceSection } from "./section.js";
import { sqsSection } from "./sqs.js";
import { stepFunctionsSection } from "./stepfunctions.js";

export const SECTIONS: readonly ServiceSection[] = [
  lambdaSection,
  sqsSection,
  kinesisSection,
  apiGatewaySection,
  dynamoDbSection,
  stepFunctionsSection,
  eventBridgeSection,
];

export * from "./section.js";
export { LAMBDA_METRICS_SHOWN, CONCURRENCY_WARNING_FRACTION } from "./lambda.js";
export { SQS_METRICS_SHOWN, DLQ_TABLE_ROWS } from "./sqs.js";
export { KINESIS_METRICS_SHOWN } from "./kinesis.js";
export { REST_API_METRICS_SHOWN, HTTP_API_METRICS_SHOWN, WEBSOCKET_API_METRICS_SHOWN } from "./apigateway.js";
export { DYNAMODB_METRICS_SHOWN } from "./dynamodb.js";
export { STEP_FUNCTIONS_METRICS_SHOWN } from "./stepfunctions.js";
export { EVENTBRIDGE_METRICS_SHOWN, ruleTarget } from "./eventbridge.js";
