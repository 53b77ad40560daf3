import { runBench } from "../bench";
import { runMain } from "../tools/runMain";

// `npm run bench [-- --json PATH] [--runs N] [--only lab,classroom,swarm]` (see bench/).
runMain(() => runBench(process.argv.slice(2)), { errorPrefix: "bench: FAILED: " });
