import { processIo } from "./cli/io.js";
import { main } from "./cli/main.js";
import { nodeSupportWarning } from "./cli/node-support.js";

// The SDK warns on Node 20 about its 2027 support window; that notice would mix with command output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Said to a person at a terminal; scripts and CI logs read the supported versions in the README.
const nodeWarning = nodeSupportWarning(process.versions.node);
if (nodeWarning && process.stderr.isTTY) process.stderr.write(nodeWarning);

process.exitCode = await main(process.argv.slice(2), processIo());
