import { runMain } from "../tools/runMain";
import { verifyCommand } from "../tools/verify";

// `npm run verify [-- --stack NAME] [--student NAME] [--config JSON] [--json] [--no-report]` (see tools/verify.ts).
runMain(() => verifyCommand(process.argv.slice(2)), { errorPrefix: "verify failed: ", errorExitCode: 2 });
