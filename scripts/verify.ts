import { runMain, verifyCommand } from "../tools";

// `npm run verify [-- --stack NAME] [--config JSON] [--json] [--no-report]` (see tools/verify.ts).
runMain(() => verifyCommand(process.argv.slice(2)), { errorPrefix: "verify failed: ", errorExitCode: 2 });
