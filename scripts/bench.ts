import { runBench } from "../bench";
import { runMain } from "../tools/runMain";

// `npm run bench [-- --json PATH] [--runs N] [--only PHASES]` (see bench/; `npm run bench -- --help` names the phases).
runMain(() => runBench(process.argv.slice(2)), { errorPrefix: "bench: FAILED: " });
