import { processIo } from "./cli/io.js";
import { main } from "./cli/main.js";

// The SDK warns on Node 20 about its 2027 support window; that notice would mix with command output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await main(process.argv.slice(2), processIo());
